import fs from 'node:fs';
import { SluiceError } from '../errors.js';

/**
 * Open file descriptors of the log's segment and index files, opened when used and closed again when the budget
 * is reached, least recently used first, as Redpanda's and Kafka's (lazy index) stores do: a log of 100,000
 * partitions then opens with a few hundred descriptors rather than 300,000.
 *
 * A file stays open (pinned) while an operation on it runs, and while it holds written bytes not yet fsynced:
 * Linux reports a writeback error only to descriptors open when it happened, so closing one before its fsync
 * could hide a lost write. Pinned files may take the count over the budget; it is a target, not a wall.
 *
 * Running out of descriptors anyway (EMFILE, ENFILE: other code in the process holds them) closes idle files and
 * retries once; if that fails too, the call fails with a retriable {@link FileDescriptorsExhaustedError}, which
 * never closes the log.
 */
export class DescriptorCache {
  /** Open files, least recently used first (Map keeps insertion order; a use moves a file to the end). */
  private readonly open = new Map<LazyFile, true>();

  constructor(public limit: number) {}

  /** Descriptors open now. */
  get size(): number {
    return this.open.size;
  }

  /** A file opened on first use with `flags`; `create` makes it (truncating) now and closes it again. */
  file(path: string, flags: 'r' | 'r+', create = false): LazyFile {
    const file = new LazyFile(this, path, flags);
    if (create) fs.closeSync(this.openFd(path, 'w+'));
    return file;
  }

  /** @internal */
  touch(file: LazyFile): void {
    this.open.delete(file);
    this.open.set(file, true);
  }

  /** @internal */
  forget(file: LazyFile): void {
    this.open.delete(file);
  }

  /** @internal Opens `path`, first closing idle files to stay within the limit. */
  openFd(path: string, flags: string): number {
    this.evict(this.limit - 1);
    try {
      return fs.openSync(path, flags);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EMFILE' && code !== 'ENFILE') throw err;
      // Something else in the process took descriptors: give back every idle one and try again.
      this.evict(0);
      try {
        return fs.openSync(path, flags);
      } catch (again) {
        const code2 = (again as NodeJS.ErrnoException).code;
        if (code2 !== 'EMFILE' && code2 !== 'ENFILE') throw again;
        throw new FileDescriptorsExhaustedError(path, this.open.size, again);
      }
    }
  }

  private evict(keep: number): void {
    for (const file of this.open.keys()) {
      if (this.open.size <= keep) return;
      if (file.idle) file.closeDescriptor();
    }
  }
}

/** The process ran out of file descriptors; retriable: the same call may work once some are closed. */
export class FileDescriptorsExhaustedError extends SluiceError {
  constructor(path: string, held: number, cause: unknown) {
    super(
      'FILE_DESCRIPTORS_EXHAUSTED',
      `cannot open ${path}: the process is out of file descriptors (the log holds ${held}); raise the limit (ulimit -n) or lower the log's maxOpenFiles`,
      { cause, retriable: true },
    );
  }
}

/** One file of the log behind a {@link DescriptorCache}: `use` gives a descriptor, opening the file if needed. */
export class LazyFile {
  private fd = -1;
  private inUse = 0;
  private pinned = false;
  private closed = false;

  constructor(
    private readonly cache: DescriptorCache,
    public path: string,
    private readonly flags: 'r' | 'r+',
  ) {}

  /** Not in use and not pinned: may be closed to make room. */
  get idle(): boolean {
    return this.inUse === 0 && !this.pinned;
  }

  /** True while the descriptor is open. */
  get isOpen(): boolean {
    return this.fd >= 0;
  }

  /** Keeps the descriptor open (written bytes await their fsync) or lets it go again. */
  pin(pinned: boolean): void {
    this.pinned = pinned;
    if (pinned) this.descriptor();
  }

  /** The descriptor for a synchronous call; the file stays open at least until the next event loop turn. */
  descriptor(): number {
    if (this.closed) throw new Error(`${this.path} is closed`);
    if (this.fd < 0) this.fd = this.cache.openFd(this.path, this.flags);
    this.cache.touch(this);
    return this.fd;
  }

  useSync<T>(fn: (fd: number) => T): T {
    const fd = this.descriptor();
    this.inUse++;
    try {
      return fn(fd);
    } finally {
      this.inUse--;
      this.settle();
    }
  }

  async use<T>(fn: (fd: number) => Promise<T>): Promise<T> {
    const fd = this.descriptor();
    this.inUse++;
    try {
      return await fn(fd);
    } finally {
      this.inUse--;
      this.settle();
    }
  }

  /** @internal Closes the descriptor; the next use opens the file again. */
  closeDescriptor(): void {
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    this.cache.forget(this);
    fs.closeSync(fd);
  }

  /** Closes for good (once nothing uses it). */
  close(): void {
    this.closed = true;
    this.pinned = false;
    if (this.inUse === 0) this.closeDescriptor();
  }

  /** Closes the descriptor when an operation that outlived {@link close} ends. */
  private settle(): void {
    if (this.closed && this.inUse === 0) this.closeDescriptor();
  }
}

/** The descriptors of every log in the process: the limit is per process, so the budget is too. */
export const descriptors = new DescriptorCache(1024);
