import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Built into the package's dist/ by `npm run build`; the server serves dist/web (app/http/web-ui.ts).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: fileURLToPath(new URL('public', import.meta.url)),
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    // The CSP forbids inline code and data: scripts, so nothing may be inlined into index.html.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    chunkSizeWarningLimit: 1000,
    rolldownOptions: {
      // Libraries mark React server-component boundaries with "use client"; a browser bundle has none.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  oxc: { jsx: { runtime: 'automatic' } },
});
