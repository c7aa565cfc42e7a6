#!/usr/bin/env node
// Runs the compiled CLI (built by `npm install` through the `prepare` script).
import { main } from '../dist/src/cli/main.js';

main(process.argv).catch((err) => {
  process.stderr.write(`sluice: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
