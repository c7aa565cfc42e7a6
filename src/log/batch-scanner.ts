import { readAt, readAtSync } from './fs-util.js';

/** Size of a batch's fixed header (RecordBatch v2 with no records). */
const BATCH_OVERHEAD = 61;
/** baseOffset (8) + batchLength (4): the frame around every batch. */
const LOG_OVERHEAD = 12;
const CHUNK = 1 << 20;

/** One batch found by a scan: `buf.subarray(at, at + size)` holds it, and it starts at `position` in the file. */
export interface ScannedBatch {
  buf: Buffer;
  at: number;
  position: number;
  size: number;
}

/**
 * Walks the length-framed batches of a `.log` from `start` to `end`, reading big chunks. It stops at the first
 * bytes that cannot start a batch: fewer than 12 left, a length below the 61-byte minimum (a zero-filled tail
 * after a power loss reads as length 0), or a batch that runs past `end` (a torn write). The generator returns
 * the position where the last whole batch ends. It checks framing only: callers verify magic and CRC.
 */
export function* scanBatchesSync(fd: number, start: number, end: number): Generator<ScannedBatch, number> {
  let buf: Buffer = Buffer.alloc(0);
  let bufStart = start;
  let pos = start;
  while (pos + LOG_OVERHEAD <= end) {
    let at = pos - bufStart;
    if (at + LOG_OVERHEAD > buf.length) {
      buf = readAtSync(fd, pos, Math.min(CHUNK, end - pos));
      bufStart = pos;
      at = 0;
      if (buf.length < LOG_OVERHEAD) break;
    }
    const size = LOG_OVERHEAD + buf.readInt32BE(at + 8);
    if (size < BATCH_OVERHEAD || pos + size > end) break;
    if (at + size > buf.length) {
      buf = readAtSync(fd, pos, Math.max(size, Math.min(CHUNK, end - pos)));
      bufStart = pos;
      at = 0;
      if (buf.length < size) break;
    }
    yield { buf, at, position: pos, size };
    pos += size;
  }
  return pos;
}

/** {@link scanBatchesSync} with asynchronous reads, for background work that must not block the event loop. */
export async function* scanBatches(
  fd: number,
  start: number,
  end: number,
): AsyncGenerator<ScannedBatch, number> {
  let buf: Buffer = Buffer.alloc(0);
  let bufStart = start;
  let pos = start;
  while (pos + LOG_OVERHEAD <= end) {
    let at = pos - bufStart;
    if (at + LOG_OVERHEAD > buf.length) {
      buf = await readAt(fd, pos, Math.min(CHUNK, end - pos));
      bufStart = pos;
      at = 0;
      if (buf.length < LOG_OVERHEAD) break;
    }
    const size = LOG_OVERHEAD + buf.readInt32BE(at + 8);
    if (size < BATCH_OVERHEAD || pos + size > end) break;
    if (at + size > buf.length) {
      buf = await readAt(fd, pos, Math.max(size, Math.min(CHUNK, end - pos)));
      bufStart = pos;
      at = 0;
      if (buf.length < size) break;
    }
    yield { buf, at, position: pos, size };
    pos += size;
  }
  return pos;
}
