import fs from 'node:fs';
import { descriptors, type LazyFile } from './descriptor-cache.js';
import { fdatasync, writeAtSync } from './fs-util.js';

/**
 * The fixed-size entries of a sparse index (`.index` or `.timeindex`), held in memory and written to disk in bulk.
 *
 * Entries are appended to a growable buffer; {@link write} writes the ones not yet on disk with one positional
 * write. Indexes carry no checksum: a segment past the recovery point gets its indexes rebuilt on an unclean
 * start, so only the indexes of segments before it need to be fsynced, which happens when they stop being active.
 */
export class IndexFile {
  private buf: Buffer;
  private count = 0;
  private persisted = 0;
  private shrunk = false;
  /** Opened through the log's descriptor cache when written or synced; null until then and after close. */
  private handle: LazyFile | null = null;

  constructor(
    readonly file: string,
    readonly entrySize: number,
    contents?: Buffer,
  ) {
    this.buf = Buffer.alloc(Math.max(contents?.length ?? 0, entrySize * 64));
    if (contents) {
      contents.copy(this.buf);
      this.count = this.persisted = Math.floor(contents.length / entrySize);
    }
  }

  /** Reads `file`; null when it is missing or not a whole number of entries (the caller rebuilds it). */
  static read(file: string, entrySize: number): IndexFile | null {
    let contents: Buffer;
    try {
      contents = fs.readFileSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    if (contents.length % entrySize !== 0) return null;
    return new IndexFile(file, entrySize, contents);
  }

  get entries(): number {
    return this.count;
  }

  get dirty(): boolean {
    return this.persisted !== this.count || this.shrunk;
  }

  /** Bytes of the entry at `i`, for the typed wrappers to read. */
  get data(): Buffer {
    return this.buf;
  }

  /** Room for one more entry at `entries`, returning its byte position. */
  reserve(): number {
    const at = this.count * this.entrySize;
    if (at + this.entrySize > this.buf.length) {
      const bigger = Buffer.alloc(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, at);
      this.buf = bigger;
    }
    this.count++;
    return at;
  }

  /** Keeps only the first `n` entries. */
  truncate(n: number): void {
    if (n >= this.count) return;
    this.count = n;
    if (this.persisted > n) {
      this.persisted = n;
      this.shrunk = true;
    }
  }

  /** Writes the entries not yet on disk (creating the file if needed) with one positional write. */
  write(): void {
    if (!this.dirty) return;
    this.handle ??= descriptors.file(this.file, 'r+', !fs.existsSync(this.file));
    const from = this.persisted * this.entrySize;
    const to = this.count * this.entrySize;
    this.handle.useSync((fd) => {
      if (to > from) writeAtSync(fd, this.buf.subarray(from, to), from);
      if (this.shrunk) fs.ftruncateSync(fd, to);
    });
    this.persisted = this.count;
    this.shrunk = false;
  }

  /** fdatasyncs what {@link write} wrote. */
  async sync(): Promise<void> {
    const handle = this.handle;
    if (!handle) return;
    await handle.use((fd) => fdatasync(fd));
  }

  /** Closes the descriptor (once a sync in progress is done); entries stay in memory for lookups. */
  close(): void {
    this.handle?.close();
    this.handle = null;
  }

  /** Forgets every entry and rewrites the file empty at the next persist. */
  reset(): void {
    this.truncate(0);
    this.shrunk = true;
  }
}
