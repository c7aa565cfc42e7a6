// Runs the CLI from its TypeScript sources (`node --import tsx src/cli/run.ts ...`), as tests and development do.
import { main } from './main.js';

await main(process.argv);
