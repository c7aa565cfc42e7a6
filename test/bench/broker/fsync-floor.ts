import { closeSync, fdatasync, openSync, writeSync } from 'node:fs';

/**
 * The disk's floor under acks=all latency: append `bytes` to a file and fdatasync it, one after another, for
 * `seconds`; returns each append + fdatasync round trip in ms. sluice acknowledges acks=all after an fdatasync, so
 * no produce can come back faster than this on the same disk at the same time.
 */
export async function fsyncFloor(file: string, bytes: number, seconds: number): Promise<number[]> {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(bytes, 'x');
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  try {
    for (let position = 0; performance.now() < end; position += bytes) {
      const start = performance.now();
      writeSync(fd, chunk, 0, bytes, position);
      await new Promise<void>((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
      latencies.push(performance.now() - start);
    }
  } finally {
    closeSync(fd);
  }
  return latencies;
}
