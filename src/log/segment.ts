import fs from 'node:fs';
import { CorruptRecordError, LogClosedError } from '../errors.js';
import { scanBatches } from './batch-scanner.js';
import { BatchField, readInt64 } from './codec/batch-layout.js';
import { batchProblem, decodeBatchRecords, RECORD_BATCH_OVERHEAD } from './codec/record-batch.js';
import { type DamagedRegion, findResumePoint } from './damaged-batch.js';
import { descriptors, type LazyFile } from './descriptor-cache.js';
import { fdatasync, readAt, readInto, writeAtSync } from './fs-util.js';
import { OffsetIndex } from './offset-index.js';
import { ReadStops } from './read-stops.js';
import { segmentPath } from './segment-files.js';
import { TimeIndex } from './time-index.js';
import type { LogRecord } from './types.js';

/** Extra bytes read past `maxBytes`, so that the scan from an index entry to the wanted batch rarely needs a 2nd read. */
const READ_SLACK = 64 * 1024;
/** Where reads of each segment stopped (read-stops.ts). */
const readStops = new ReadStops<Segment>();

/** `held`, the bytes at `position`, followed by those up to `length` in all read from the file (fewer where it ends). */
async function extend(fd: number, held: Buffer, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  held.copy(buf);
  const read = await readInto(fd, buf, held.length, length - held.length, position + held.length);
  return held.length + read === length ? buf : buf.subarray(0, held.length + read);
}

/** Bytes of a batch header needed to know its base offset, length and last offset delta. */
const OFFSETS_HEADER = 27;

/** Last offset of the batch at `at`: its base offset plus lastOffsetDelta. */
export function lastOffsetAt(buf: Buffer, at: number): number {
  return readInt64(buf, at + BatchField.BaseOffset) + buf.readInt32BE(at + BatchField.LastOffsetDelta);
}

/** The offset after the last batch in `batches` (whole batches as read), or -1 when there are none. */
export function offsetAfter(batches: Buffer): number {
  let next = -1;
  for (let at = 0; at + 27 <= batches.length; at += batchSize(batches, at))
    next = lastOffsetAt(batches, at) + 1;
  return next;
}

/** Whole size of the batch at `at` (its frame of 12 bytes plus batchLength). */
export function batchSize(buf: Buffer, at: number): number {
  return 12 + buf.readInt32BE(at + BatchField.BatchLength);
}

/**
 * One segment of a partition: a `.log` of whole record batches with offsets from `baseOffset` on, and its sparse
 * `.index` and `.timeindex`. Only the partition's last (active) segment is appended to. Appends are synchronous
 * positional writes, so `size` always ends on a batch boundary and readers never see half a batch; fsyncs and
 * reads go through the thread pool, and the descriptor stays open until the last of them is done.
 */
export class Segment {
  /** Bytes of whole batches in the `.log`; the position of the next append. */
  size = 0;
  /** One past the last offset stored here. */
  nextOffset: number;
  /** Largest batch max timestamp, -1 when empty. Retention by time and offsetForTime go by it. */
  maxTimestamp = -1;
  /** Last offset of the batch holding `maxTimestamp`: time index entries point there, as Kafka's do. */
  offsetOfMaxTimestamp = -1;
  /** Max timestamp of the first batch: `segment.ms` counts from it (as Kafka rolls). */
  firstTimestamp = -1;
  /** Bytes known to be on stable storage. */
  flushedSize = 0;
  /** False once the segment stopped being active until its indexes are written and fsynced. */
  indexesSynced = true;
  private bytesSinceIndexEntry = 0;
  /** Damage reads have met, by file position: found once, then every read that meets it is answered at once. */
  private readonly damaged = new Map<number, DamagedRegion>();
  private pendingIo = 0;
  private closing = false;
  private closed = false;

  constructor(
    readonly dir: string,
    readonly baseOffset: number,
    private readonly file: LazyFile,
    readonly index: OffsetIndex,
    readonly timeIndex: TimeIndex,
  ) {
    this.nextOffset = baseOffset;
  }

  /** Creates an empty segment (replacing leftovers of an earlier attempt at the same offset). */
  static create(dir: string, baseOffset: number): Segment {
    const segment = Segment.createAt(dir, baseOffset, segmentPath(dir, baseOffset, '.log'));
    // Creates the empty index files now, so the directory looks as Kafka's does from the start.
    segment.index.write();
    segment.timeIndex.write();
    return segment;
  }

  /**
   * Creates an empty segment whose `.log` is first written at `logPath` (a `.cleaned` file that compaction later
   * renames into place). Its indexes stay in memory until {@link persistIndexes}, under their final names.
   */
  static createAt(dir: string, baseOffset: number, logPath: string): Segment {
    const file = descriptors.file(logPath, 'r+', true);
    // Held open under its temporary name until moveIntoPlace: the descriptor survives the renames.
    if (logPath !== segmentPath(dir, baseOffset, '.log')) file.pin(true);
    const segment = new Segment(
      dir,
      baseOffset,
      file,
      OffsetIndex.create(segmentPath(dir, baseOffset, '.index'), baseOffset),
      TimeIndex.create(segmentPath(dir, baseOffset, '.timeindex'), baseOffset),
    );
    segment.index.reset();
    segment.timeIndex.reset();
    return segment;
  }

  /** Deleted or replaced: no new reads may start on it. */
  get retired(): boolean {
    return this.closing;
  }

  get logFile(): string {
    return segmentPath(this.dir, this.baseOffset, '.log');
  }

  /** The `.txnindex` of aborted transactions whose marker is in this segment (absent when there are none). */
  get txnIndexFile(): string {
    return segmentPath(this.dir, this.baseOffset, '.txnindex');
  }

  /** The descriptor of the `.log`, for recovery, which runs before the segment is shared. */
  get descriptor(): number {
    return this.file.descriptor();
  }

  /** Opens the `.log` if it is not open: before an append, so that running out of descriptors is not fatal. */
  prepareWrite(): void {
    this.file.descriptor();
  }

  /** A segment made by {@link createAt} was renamed to its final `.log` name. */
  moveIntoPlace(): void {
    this.file.path = this.logFile;
    this.file.pin(this.size > this.flushedSize);
  }

  /**
   * Accounts for a batch at `position` (an append, or a scan at load): updates the sparse indexes, the max
   * timestamp and the next offset. An index entry is added once more than `interval` bytes were added since the
   * last one, pointing at this batch, with a time index entry for the largest timestamp so far, as Kafka does.
   */
  track(lastOffset: number, maxTimestamp: number, position: number, size: number, interval: number): void {
    if (position === 0) this.firstTimestamp = maxTimestamp;
    if (maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = maxTimestamp;
      this.offsetOfMaxTimestamp = lastOffset;
    }
    if (this.bytesSinceIndexEntry > interval) {
      this.index.append(lastOffset, position);
      this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
      this.bytesSinceIndexEntry = 0;
    }
    this.bytesSinceIndexEntry += size;
    this.nextOffset = lastOffset + 1;
  }

  /** Resets index accounting before a scan that restarts at `position` (an indexed batch, or 0). */
  restartTracking(): void {
    this.bytesSinceIndexEntry = 0;
  }

  /**
   * Appends whole, verified batches whose base offsets are already stamped. One write for all of them; the
   * indexes are updated in memory and reach the disk in bulk later.
   */
  append(batches: Buffer, interval: number): void {
    this.file.useSync((fd) => writeAtSync(fd, batches, this.size));
    // Unsynced bytes keep the descriptor open until their fsync (see descriptor-cache.ts).
    this.file.pin(true);
    let at = 0;
    while (at < batches.length) {
      const size = batchSize(batches, at);
      const maxTimestamp = readInt64(batches, at + BatchField.MaxTimestamp);
      this.track(lastOffsetAt(batches, at), maxTimestamp, this.size + at, size, interval);
      at += size;
    }
    this.size += batches.length;
  }

  /**
   * Whole batches from the one holding `offset` on, at least one and otherwise at most `maxBytes`; null when no
   * batch here ends at or after `offset` (it lies in a later segment, or past the end).
   *
   * Everything returned is checked, as a Kafka consumer checks what it fetches: each batch's frame must lie
   * within the segment, its magic must be 2 and its CRC-32C must match. A damaged batch is isolated: a read that
   * needs an offset in it throws {@link CorruptRecordError} naming the file and position and the offset where
   * the log goes on (`nextOffset`); reads of offsets before or after it are served as usual. The check costs one
   * CRC-32C pass over the bytes returned (native, several GB/s).
   */
  read(offset: number, maxBytes: number): Promise<Buffer | null> {
    const end = this.size;
    let from = this.index.lookup(offset);
    const stopped = readStops.before(this, offset);
    if (stopped !== undefined && stopped.position > from) from = stopped.position;
    if (from >= end) return Promise.resolve(null);
    return this.io(async (fd) => {
      let pos = from;
      /** Last offset of the batches walked past: a sound batch after damage must start above it. */
      let passed = this.baseOffset - 1;
      let buf = await this.load(fd, pos, Math.min(end - pos, maxBytes + READ_SLACK));
      let at = 0;
      const skipDamage = async (problem: string): Promise<boolean> => {
        const damaged = pos + at;
        const resume = await this.resumeAfter(fd, damaged, end, passed, problem);
        if (offset < resume.offset) throw this.damageError(damaged, resume, Math.max(offset, passed + 1));
        pos = resume.position;
        at = 0;
        if (pos >= end) return false;
        buf = await this.load(fd, pos, Math.min(end - pos, maxBytes + READ_SLACK));
        return true;
      };
      // Walks to the batch holding `offset`.
      for (;;) {
        if (at + OFFSETS_HEADER > buf.length) {
          pos += at;
          at = 0;
          if (pos >= end) return null;
          buf = await this.load(fd, pos, Math.min(end - pos, maxBytes + READ_SLACK));
          if (buf.length < OFFSETS_HEADER) return null;
        }
        const size = batchSize(buf, at);
        if (size < RECORD_BATCH_OVERHEAD || pos + at + size > end) {
          const problem = `batch length ${size - 12} does not fit the ${end - pos - at} bytes left in the segment`;
          if (await skipDamage(problem)) continue;
          return null;
        }
        const last = lastOffsetAt(buf, at);
        if (last >= offset) {
          if (at + size > buf.length) {
            // The batch is bigger than the read: only the rest of it is read.
            const held = buf.subarray(at);
            pos += at;
            at = 0;
            buf = await extend(fd, held, pos, Math.max(size, Math.min(end - pos, maxBytes + READ_SLACK)));
          }
          const problem = batchProblem(buf, at);
          if (problem === null) break;
          if (await skipDamage(problem)) continue;
          return null;
        }
        passed = last;
        at += size;
      }
      // The first batch is sound; later ones are returned up to `maxBytes` and the first that is not.
      let last = at;
      let stop = at + batchSize(buf, at);
      while (stop + 12 <= buf.length) {
        const size = batchSize(buf, stop);
        if (size < RECORD_BATCH_OVERHEAD || stop + size > buf.length || stop + size - at > maxBytes) break;
        if (batchProblem(buf, stop) !== null) break;
        last = stop;
        stop += size;
      }
      readStops.add(this, {
        offset: lastOffsetAt(buf, last) + 1,
        position: pos + stop,
        bytes: buf.subarray(stop),
      });
      return buf.subarray(at, stop);
    });
  }

  /** The `length` bytes at `position` (fewer where the file ends), reusing those a read fetched ahead. */
  private async load(fd: number, position: number, length: number): Promise<Buffer> {
    const ahead = readStops.holding(this, position);
    if (ahead === undefined) return readAt(fd, position, length);
    const held = ahead.bytes.subarray(position - ahead.position);
    return held.length >= length ? held.subarray(0, length) : extend(fd, held, position, length);
  }

  /** Where reading goes on after the damage at `position`, found once and then remembered. */
  private async resumeAfter(
    fd: number,
    position: number,
    end: number,
    passed: number,
    problem: string,
  ): Promise<DamagedRegion> {
    const known = this.damaged.get(position);
    if (known) return known;
    const resume = await findResumePoint(fd, position, end, passed, this.nextOffset);
    const region = { ...resume, problem };
    // Without a sound batch after it, appends may still bring one: the search is then repeated.
    if (resume.position < end) this.damaged.set(position, region);
    return region;
  }

  private damageError(position: number, region: DamagedRegion, firstLost: number): CorruptRecordError {
    const lost =
      firstLost >= region.offset - 1 ? `offset ${firstLost}` : `offsets ${firstLost} to ${region.offset - 1}`;
    return new CorruptRecordError(
      `corrupt record batch in ${this.logFile} at position ${position}: ${region.problem}; ${lost} cannot be read, the log goes on at offset ${region.offset} (\`sluice log repair\` quarantines the batch)`,
      { file: this.logFile, position, nextOffset: region.offset },
    );
  }

  /** The first offset at or after `fromOffset` whose record timestamp is >= `timestamp`, or null. */
  offsetForTime(timestamp: number, fromOffset: number): Promise<number | null> {
    if (this.maxTimestamp < timestamp) return Promise.resolve(null);
    const start = Math.max(this.timeIndex.startOffsetFor(timestamp), fromOffset);
    const pos = this.index.lookup(start);
    const end = this.size;
    return this.io(async (fd) => {
      const records: LogRecord[] = [];
      for await (const b of scanBatches(fd, pos, end)) {
        const maxTimestamp = readInt64(b.buf, b.at + BatchField.MaxTimestamp);
        if (lastOffsetAt(b.buf, b.at) < start || maxTimestamp < timestamp) continue;
        records.length = 0;
        decodeBatchRecords(b.buf, b.at, records, start);
        for (const r of records) if (r.timestamp >= timestamp) return r.offset;
      }
      return null;
    });
  }

  /** Calls `fn` with every batch, in order, reading in big chunks (compaction). */
  scan(fn: (batch: Buffer, at: number, size: number) => void): Promise<void> {
    const end = this.size;
    return this.io(async (fd) => {
      for await (const b of scanBatches(fd, 0, end)) fn(b.buf, b.at, b.size);
    });
  }

  /** Called when a newer segment takes over appends: the time index gets its final entry. */
  deactivate(): void {
    if (this.offsetOfMaxTimestamp >= 0)
      this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
    this.indexesSynced = false;
  }

  /** fdatasyncs the `.log` up to its current size. */
  async syncLog(): Promise<void> {
    const size = this.size;
    // A deleted segment (retention, compaction) has nothing left worth syncing.
    if (size === this.flushedSize || this.closing) return;
    await this.io((fd) => fdatasync(fd));
    if (size > this.flushedSize) this.flushedSize = size;
    if (this.flushedSize >= this.size && !this.closing) this.file.pin(false);
  }

  /** Writes index entries not yet on disk; with `sync`, fsyncs the index files and closes their descriptors. */
  async persistIndexes(sync: boolean): Promise<void> {
    if (this.closing) return;
    this.index.write();
    this.timeIndex.write();
    if (!sync) return;
    await Promise.all([this.index.sync(), this.timeIndex.sync()]);
    if (this.closing) return; // close() closed them meanwhile
    this.index.close();
    this.timeIndex.close();
  }

  /** Cuts the `.log` at `position`, dropping index entries that point past it. Recovery only. */
  truncateTo(position: number): void {
    readStops.forget(this);
    this.file.useSync((fd) => fs.ftruncateSync(fd, position));
    this.size = position;
    if (this.flushedSize > position) this.flushedSize = position;
    this.index.truncateToPosition(position);
    this.timeIndex.truncateToOffset(this.nextOffset);
  }

  /** Closes the descriptors once in-flight reads and fsyncs are done. */
  close(): void {
    readStops.forget(this);
    this.closing = true;
    this.index.close();
    this.timeIndex.close();
    if (this.pendingIo === 0) this.closeNow();
  }

  /** Removes the segment's files (open descriptors keep serving in-flight reads) and closes it. */
  delete(): void {
    readStops.forget(this);
    for (const ext of ['.log', '.index', '.timeindex', '.txnindex'] as const) {
      fs.rmSync(segmentPath(this.dir, this.baseOffset, ext), { force: true });
    }
    this.close();
  }

  private closeNow(): void {
    if (this.closed) return;
    this.closed = true;
    this.file.close();
  }

  private async io<T>(fn: (fd: number) => Promise<T>): Promise<T> {
    if (this.closed) throw new LogClosedError(`segment ${this.logFile}`);
    this.pendingIo++;
    try {
      return await this.file.use(fn);
    } finally {
      if (--this.pendingIo === 0 && this.closing) this.closeNow();
    }
  }
}
