/**
 * Walks the batches of a `.log` segment file through a fixed read window (1 MiB, grown only for a larger batch),
 * so a tool can check a 1 GiB segment without holding it in memory.
 */
import { open } from 'node:fs/promises';
import { batchProblem, batchSizeAt, RECORD_BATCH_OVERHEAD } from '../codec/batch-header.js';

const WINDOW_BYTES = 1 << 20;
const LOG_OVERHEAD = 12; // baseOffset + batchLength
const MAGIC_AT = 16;
const MAGIC = 2;

/** A whole batch: `bytes` is valid only until the callback returns (the window is reused). */
export interface ScannedBatch {
  position: number;
  bytes: Buffer;
  /** A CRC mismatch: the framing is sound, so the scan goes on past it, but the contents cannot be trusted. */
  problem: string | null;
}

export interface ScanResult {
  fileSize: number;
  /** Position after the last batch whose framing is sound. */
  end: number;
  /** Why the scan stopped before the end of the file, or null when it reached the end. */
  problem: string | null;
}

/**
 * Calls `onBatch` for every whole batch of the segment file at `path`, in order. A batch whose CRC does not match
 * is passed on with its `problem` (its length and magic are sound, so the next batch can still be found); the scan
 * stops at damage to the framing: a tail too short for a batch header, a length under the minimum or past the end
 * of the file (a torn write), or a magic other than 2.
 */
export async function scanSegmentFile(
  path: string,
  onBatch: (batch: ScannedBatch) => void | Promise<void>,
): Promise<ScanResult> {
  const handle = await open(path, 'r');
  try {
    const fileSize = (await handle.stat()).size;
    let window = Buffer.allocUnsafe(WINDOW_BYTES);
    let windowStart = 0;
    let windowLength = 0;

    // Makes file bytes [position, position + length) available in the window.
    const ensure = async (position: number, length: number): Promise<void> => {
      if (position >= windowStart && position + length <= windowStart + windowLength) return;
      if (window.length < length) window = Buffer.allocUnsafe(length);
      const wanted = Math.min(window.length, fileSize - position);
      let filled = 0;
      while (filled < wanted) {
        const { bytesRead } = await handle.read(window, filled, wanted - filled, position + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      windowStart = position;
      windowLength = filled;
    };

    let position = 0;
    while (position < fileSize) {
      const remaining = fileSize - position;
      if (remaining < LOG_OVERHEAD) {
        return {
          fileSize,
          end: position,
          problem: `${remaining} bytes after the last batch, too few for a batch`,
        };
      }
      await ensure(position, LOG_OVERHEAD);
      const size = batchSizeAt(window.subarray(0, windowLength), position - windowStart);
      if (size > LOG_OVERHEAD && size > remaining) {
        return {
          fileSize,
          end: position,
          problem: `batch of ${size} bytes runs ${size - remaining} bytes past the end of the file (a torn write)`,
        };
      }
      await ensure(position, Math.max(size, LOG_OVERHEAD));
      const at = position - windowStart;
      const view = window.subarray(0, windowLength);
      const problem = batchProblem(view, at);
      const framingSound = size >= RECORD_BATCH_OVERHEAD && view[at + MAGIC_AT] === MAGIC;
      if (problem !== null && !framingSound) return { fileSize, end: position, problem };
      await onBatch({ position, bytes: view.subarray(at, at + size), problem });
      position += size;
    }
    return { fileSize, end: position, problem: null };
  } finally {
    await handle.close();
  }
}
