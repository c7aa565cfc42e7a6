// Vitest global setup: the CLI tests run the compiled `sluice` (bin/sluice.js over dist/), as a user does, so
// dist/ is rebuilt first when it is missing or older than a source file.
import { ensureDist } from './bench/dist.js';

export default async function setup(): Promise<void> {
  await ensureDist();
}
