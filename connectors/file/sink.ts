import { type FileHandle, open } from 'node:fs/promises';
import {
  asText,
  JsonConverter,
  type SinkRecord,
  type SinkTask,
  type SinkTaskContext,
  type TopicPartitionOffset,
} from '../../src/connect/index.js';
import type { FileSinkConfig } from './config.js';

/** Write to the file once this much is buffered, without waiting for `flush`. */
const WRITE_THRESHOLD = 1024 * 1024;
const TAIL_PROBE = 64 * 1024;
const NEWLINE = 0x0a;

const json = new JsonConverter(false);

/**
 * Appends one line per record. Lines are buffered and written in large writes; `flush` writes what is left and
 * fsyncs, so every record covered by a committed offset is on disk. A crash can leave a torn last line (written
 * but not synced, never committed): `start` cuts the file back to its last newline, and the records after the
 * committed offset are delivered again.
 */
export class FileSinkTask implements SinkTask<FileSinkConfig> {
  /** Lines of text are written as the bytes they were read from. */
  takesTextBytes = false;
  private handle: FileHandle | undefined;
  private size = 0;
  /** Lines not yet written, encoded straight into one reused buffer (no per-line strings to join). */
  private pending = Buffer.allocUnsafe(WRITE_THRESHOLD + 64 * 1024);
  private pendingBytes = 0;
  private format: (record: SinkRecord) => string = (r) => asText(r.value);

  async start(config: FileSinkConfig, context: SinkTaskContext): Promise<void> {
    if (config.format === 'json') {
      this.format = (r) => json.fromConnectData(r.topic, r.valueSchema, r.value)?.toString('utf8') ?? 'null';
    } else {
      this.format = (r) => (r.value === null || r.value === undefined ? '' : asText(r.value));
      this.takesTextBytes = true;
    }
    this.handle = await open(config.file, 'a+');
    this.size = (await this.handle.stat()).size;
    const cut = await this.lastLineEnd();
    if (cut < this.size) {
      context.logger.warn(
        { file: config.file, bytes: this.size - cut },
        `file ${config.file} ends in a torn line (a crash during a write); cutting it back to the last complete line`,
      );
      await this.handle.truncate(cut);
      await this.handle.datasync();
      this.size = cut;
    }
  }

  /** The size of the file up to and including its last newline (0 when it has none). */
  private async lastLineEnd(): Promise<number> {
    let end = this.size;
    const buf = Buffer.allocUnsafe(TAIL_PROBE);
    while (end > 0) {
      const from = Math.max(0, end - TAIL_PROBE);
      const { bytesRead } = await this.handle!.read(buf, 0, end - from, from);
      const nl = buf.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (nl !== -1) return from + nl + 1;
      end = from;
    }
    return 0;
  }

  async put(records: SinkRecord[]): Promise<void> {
    for (const record of records) {
      const value = record.value;
      if (this.takesTextBytes && Buffer.isBuffer(value)) {
        // Text as its UTF-8 bytes (see SinkTask.takesTextBytes): copied as it is.
        if (this.pendingBytes + value.length + 1 > this.pending.length) {
          await this.write();
          if (value.length + 1 > this.pending.length) this.pending = Buffer.allocUnsafe(value.length + 1);
        }
        this.pendingBytes += value.copy(this.pending, this.pendingBytes);
        this.pending[this.pendingBytes++] = NEWLINE;
        continue;
      }
      const text = this.format(record);
      // UTF-8 takes at most 3 bytes per UTF-16 unit; make room for the worst case and the newline.
      const room = text.length * 3 + 1;
      if (this.pendingBytes + room > this.pending.length) {
        await this.write();
        if (room > this.pending.length) this.pending = Buffer.allocUnsafe(room);
      }
      this.pendingBytes += this.pending.write(text, this.pendingBytes, 'utf8');
      this.pending[this.pendingBytes++] = NEWLINE;
    }
    if (this.pendingBytes >= WRITE_THRESHOLD) await this.write();
  }

  private async write(): Promise<void> {
    const length = this.pendingBytes;
    if (length === 0) return;
    let written = 0;
    while (written < length) {
      const { bytesWritten } = await this.handle!.write(this.pending, written, length - written);
      written += bytesWritten;
    }
    this.pendingBytes = 0;
    this.size += length;
  }

  async flush(_offsets: TopicPartitionOffset[]): Promise<void> {
    await this.write();
    await this.handle!.datasync();
  }

  async stop(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }
}
