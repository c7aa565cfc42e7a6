// Preloaded into a child process with `--import`: when the process exits, writes its peak resident set (the
// kernel's high-water mark, in bytes) to the file named by SLUICE_PEAK_RSS_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.SLUICE_PEAK_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)));
