#!/usr/bin/env node
// Regenerates every committed nearley grammar (*.grammar.ts next to its *.ne) with nearleyc (TypeScript
// output): the alias grammars in aliases/grammar and the YAQL grammar in engine/workflows/yaql/grammar.
// The generated files are committed; test/aliases/grammar-build.test.ts and
// test/engine/workflows/yaql/yaql-grammar-build.test.ts run this with --out-dir into a temporary folder
// and fail if the committed files differ, so nobody edits generated code by hand.
//
//   node scripts/build-grammar.mjs                 # rewrite the committed files
//   node scripts/build-grammar.mjs --out-dir DIR   # write them to DIR instead
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const grammarDirs = [join(root, 'aliases', 'grammar'), join(root, 'engine', 'workflows', 'yaql', 'grammar')];
const require = createRequire(import.meta.url);
const nearleyc = join(dirname(require.resolve('nearley/package.json')), 'bin', 'nearleyc.js');

const outFlag = process.argv.indexOf('--out-dir');
const outDir = outFlag >= 0 ? resolve(process.argv[outFlag + 1] ?? '') : undefined;
if (outDir !== undefined) mkdirSync(outDir, { recursive: true });

for (const grammarDir of grammarDirs) {
  for (const file of readdirSync(grammarDir).filter((f) => f.endsWith('.ne')).sort()) {
    // Run from the grammar folder so the output does not depend on where the script is started.
    const ts = execFileSync(process.execPath, [nearleyc, file], { cwd: grammarDir, encoding: 'utf8' });
    const target = join(outDir ?? grammarDir, `${basename(file, '.ne')}.grammar.ts`);
    writeFileSync(target, ts);
    process.stdout.write(`${file} -> ${target}\n`);
  }
}
