// Runs the CLI from source (`npx tsx cli/main-entry.ts ...`); bin/squall.js runs the built copy.
import { main } from './main.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`squall: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
