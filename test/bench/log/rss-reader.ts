/**
 * Child process of the RSS benchmark: opens the log directory given as its argument, reads the benchmark topic end
 * to end decoding every record, and prints its record count, time and peak RSS as JSON.
 */
import { Log } from '../../../src/log/index.js';
import { readAll, TOPIC } from './sluice.js';

const mb = (bytes: number) => bytes / (1024 * 1024);

const log = await Log.open({ dir: process.argv[2] });
const baseline = process.memoryUsage.rss();
let peak = baseline;
const sample = () => {
  peak = Math.max(peak, process.memoryUsage.rss());
};
const timer = setInterval(sample, 20);
const start = performance.now();
const t = await readAll(log, sample);
const ms = performance.now() - start;
clearInterval(timer);
sample();
await log.close();
process.stdout.write(
  JSON.stringify({ records: t.records, ms, baselineRssMb: mb(baseline), peakRssMb: mb(peak), topic: TOPIC }),
);
