import { access } from 'node:fs/promises';
import path from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import {
  BadInputError,
  EndOfInputError,
  type SourceProgress,
  type SourceRecord,
  type SourceTask,
  type SourceTaskContext,
} from '../../src/connect/index.js';
import type { FileSourceConfig } from './config.js';
import { expandGlob, globBase, globToRegExp, isGlob } from './glob.js';
import { parseOffset, TailedFile } from './tailed-file.js';

/**
 * Reads lines from one file, or from every file matching a glob (each its own source partition
 * `{filename}` with offset `{position, inode}`). Change notifications (chokidar) wake a waiting poll; a poll
 * also rechecks the files every `poll.interval.ms`, so a missed notification only delays, never loses, data.
 */
export class FileSourceTask implements SourceTask<FileSourceConfig> {
  private config!: FileSourceConfig;
  private context!: SourceTaskContext;
  private readonly files = new Map<string, TailedFile>();
  private watcher: FSWatcher | undefined;
  private wake: (() => void) | undefined;
  private changed = false;
  private next = 0;

  async start(config: FileSourceConfig, context: SourceTaskContext): Promise<void> {
    this.config = config;
    this.context = context;
    await this.discover();
    if (!config.tail && this.files.size === 0 && !isGlob(config.file)) {
      throw new BadInputError(`file ${config.file} does not exist; create it or fix "file"`, {
        file: config.file,
      });
    }
    if (config.tail) {
      const target = isGlob(config.file) ? globBase(config.file) : path.dirname(path.resolve(config.file));
      this.watcher = watch(target, { ignoreInitial: true, depth: isGlob(config.file) ? 99 : 0 });
      this.watcher.on('all', () => this.notify());
      this.watcher.on('error', (err) =>
        context.logger.warn({ err }, 'file watcher error; falling back to polling'),
      );
    }
  }

  private notify(): void {
    this.changed = true;
    this.wake?.();
  }

  /** Opens files that match `file` and are not open yet, at their committed offsets. */
  private async discover(): Promise<void> {
    const paths = isGlob(this.config.file)
      ? await expandGlob(this.config.file)
      : [path.resolve(this.config.file)];
    const regex = isGlob(this.config.file) ? globToRegExp(this.config.file) : undefined;
    for (const p of paths) {
      if (this.files.has(p) || (regex && !regex.test(p))) continue;
      if (
        !(await access(p).then(
          () => true,
          () => false,
        ))
      )
        continue;
      const offset = parseOffset(await this.context.offsetReader.offset({ filename: p }));
      this.files.set(
        p,
        await TailedFile.open(
          p,
          offset,
          this.config.topic,
          this.context.logger,
          this.context.textValuesAsBytes === true,
        ),
      );
    }
  }

  async poll(): Promise<SourceRecord[]> {
    const out: SourceRecord[] = [];
    const files = [...this.files.values()];
    // Start at a different file each poll so one busy file cannot starve the others.
    for (let i = 0; i < files.length && out.length < this.config['batch.size']; i++) {
      const file = files[(this.next + i) % files.length]!;
      await file.readLines(this.config['batch.size'] - out.length, out);
    }
    this.next++;
    if (out.length > 0) return out;

    if (!this.config.tail) {
      for (const file of files) await file.readLines(Number.MAX_SAFE_INTEGER, out, true);
      if (out.length > 0) return out;
      throw new EndOfInputError(`file source ${this.config.file}`);
    }

    for (const file of files) await file.checkReplaced(out);
    if (this.changed || files.length === 0 || isGlob(this.config.file)) {
      this.changed = false;
      await this.discover();
    }
    if (out.length > 0) return out;
    await this.idle();
    return out;
  }

  /**
   * Bytes read: each file's position. Without tail the input ends where the files ended when they were opened,
   * so their sizes then are the total; a tailed file has no end.
   */
  inputProgress(): SourceProgress {
    let bytesRead = 0;
    let bytesTotal = 0;
    for (const f of this.files.values()) {
      bytesRead += f.position;
      bytesTotal += Math.max(f.sizeAtOpen, f.position);
    }
    return this.config.tail ? { bytesRead } : { bytesRead, bytesTotal };
  }

  /** Waits for a change notification, the poll interval, or the task stopping, whichever comes first. */
  private idle(): Promise<void> {
    if (this.changed || this.context.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.context.signal.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.config['poll.interval.ms']);
      this.context.signal.addEventListener('abort', done);
      this.wake = done;
    });
  }

  async stop(): Promise<void> {
    this.wake?.();
    await this.watcher?.close();
    this.watcher = undefined;
    for (const file of this.files.values()) await file.close().catch(() => undefined);
    this.files.clear();
  }
}
