#!/usr/bin/env node
// Entry point for `squall` and `npm start`: runs the compiled CLI (built by `npm install` via `prepare`).
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
