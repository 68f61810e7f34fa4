#!/usr/bin/env -S node --max-semi-space-size=32
// Entry point for `squall` and `npm start`: runs the compiled CLI (built by `npm install` via `prepare`).
// A 32 MB young generation (V8 gives 16): an execution leaves 130-150 KB of short-lived garbage, and at
// the default every ~65th execution waited out a 1-2 ms scavenge, the p99 of submit -> done. The same
// flag is in package.json (`npm start`, `npm run bench`) and the Dockerfile (NODE_OPTIONS).
import { main } from '../dist/cli/main.js';

main(process.argv).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`squall: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
