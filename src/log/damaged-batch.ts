import { batchProblem } from './codec/batch-header.js';
import { BatchField, BatchLimits, readInt64 } from './codec/batch-layout.js';
import { readAt, readAtSync } from './fs-util.js';

/** Bytes read at a time while looking for the first sound batch after damage. */
const CHUNK = 1 << 20;

/** Where reading can go on after a damaged batch: the first sound batch after it, or the end of the segment. */
export interface ResumePoint {
  /** File position of the first sound batch after the damage (the segment's size when there is none). */
  position: number;
  /** Its base offset (the segment's next offset when there is none): offsets below it in the damage are lost. */
  offset: number;
}

/** What a segment knows about one damaged region: why, and where reading resumes. */
export interface DamagedRegion extends ResumePoint {
  problem: string;
}

/** A read the search needs: `[position, length]`, answered with the bytes there. */
type ReadRequest = [position: number, length: number];

/**
 * Finds the first sound batch after damage at `damagedAt` in a `.log` of `end` bytes: one whose frame fits, whose
 * magic is 2, whose CRC-32C matches, and whose offsets lie after `minOffset` and before `maxOffset`. It first tries
 * the position the damaged batch's own length points at (the usual case: a flipped byte inside a batch), then
 * every later byte (the length itself is damaged, as with a length of 2 GB). The CRC makes a false match a
 * one-in-four-billion event. Cold path: it runs once per damaged region, whose result the segment keeps.
 * The search yields the reads it needs, so that one body serves {@link findResumePoint} and its sync twin.
 */
function* search(
  damagedAt: number,
  end: number,
  minOffset: number,
  maxOffset: number,
): Generator<ReadRequest, ResumePoint, Buffer> {
  function* soundAt(position: number, header: Buffer, at: number): Generator<ReadRequest, boolean, Buffer> {
    if (at + BatchField.Records > header.length) return false;
    if (header[at + BatchField.Magic] !== BatchLimits.Magic) return false;
    const length = header.readInt32BE(at + BatchField.BatchLength);
    if (length < BatchLimits.MinBatchLength || position + BatchLimits.LogOverhead + length > end)
      return false;
    const base = readInt64(header, at + BatchField.BaseOffset);
    const last = base + header.readInt32BE(at + BatchField.LastOffsetDelta);
    if (base <= minOffset || last < base || last >= maxOffset) return false;
    const size = BatchLimits.LogOverhead + length;
    const whole = at + size <= header.length ? header.subarray(at, at + size) : yield [position, size];
    return whole.length === size && batchProblem(whole, 0) === null;
  }
  const offsetAt = (buf: Buffer, at: number) => readInt64(buf, at + BatchField.BaseOffset);

  const first = yield [damagedAt, BatchField.Records];
  if (first.length >= BatchLimits.LogOverhead) {
    const next = damagedAt + BatchLimits.LogOverhead + first.readInt32BE(BatchField.BatchLength);
    if (next > damagedAt + BatchField.Records && next + BatchField.Records <= end) {
      const header = yield [next, BatchField.Records];
      if (yield* soundAt(next, header, 0)) return { position: next, offset: offsetAt(header, 0) };
    }
  }
  for (let start = damagedAt + 1; start + BatchField.Records <= end; start += CHUNK) {
    // Each chunk overlaps the next by a header, so a batch starting near a chunk's end is still seen whole.
    const buf = yield [start, Math.min(CHUNK + BatchField.Records, end - start)];
    for (let at = 0; at < CHUNK && at + BatchField.Records <= buf.length; at++) {
      if (buf[at + BatchField.Magic] === BatchLimits.Magic && (yield* soundAt(start + at, buf, at)))
        return { position: start + at, offset: offsetAt(buf, at) };
    }
  }
  return { position: end, offset: maxOffset };
}

/** See {@link search}: where reading goes on after the damage at `damagedAt`. */
export async function findResumePoint(
  fd: number,
  damagedAt: number,
  end: number,
  minOffset: number,
  maxOffset: number,
): Promise<ResumePoint> {
  const steps = search(damagedAt, end, minOffset, maxOffset);
  let step = steps.next();
  while (!step.done) step = steps.next(await readAt(fd, step.value[0], step.value[1]));
  return step.value;
}

/** {@link findResumePoint} with synchronous reads, for opening a log. */
export function findResumePointSync(
  fd: number,
  damagedAt: number,
  end: number,
  minOffset: number,
  maxOffset: number,
): ResumePoint {
  const steps = search(damagedAt, end, minOffset, maxOffset);
  let step = steps.next();
  while (!step.done) step = steps.next(readAtSync(fd, step.value[0], step.value[1]));
  return step.value;
}
