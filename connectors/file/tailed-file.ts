import { type FileHandle, open, stat } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { Schemas, type SourceMap, type SourceRecord, type TaskLogger } from '../../src/connect/index.js';

const FIRST_CHUNK = 256 * 1024;
const NEWLINE = 0x0a;
const CR = 0x0d;
/** Bytes at the start of a file whose checksum identifies it, in case a new file reuses the old one's inode. */
const HEAD_BYTES = 256;

/**
 * The committed position of a file: the byte after the last line delivered. `inode` and `head` (a CRC-32 of the
 * first `headLength` bytes, at most 256) identify the file then, so that a restart notices it was replaced.
 * Kafka's FileStreamSource offsets (`{position}` alone) are accepted.
 */
export interface FileOffset {
  position: number;
  inode?: number;
  head?: number;
  headLength?: number;
}

export function parseOffset(offset: SourceMap | null): FileOffset | null {
  if (!offset || typeof offset.position !== 'number') return null;
  const out: FileOffset = { position: offset.position };
  if (typeof offset.inode === 'number') out.inode = offset.inode;
  if (typeof offset.head === 'number' && typeof offset.headLength === 'number') {
    out.head = offset.head;
    out.headLength = offset.headLength;
  }
  return out;
}

async function headChecksum(handle: FileHandle, length: number): Promise<number> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buf, 0, length, 0);
  return crc32(buf.subarray(0, bytesRead));
}

/**
 * One file being read line by line from a byte position. A line is delivered only once its newline is there
 * (except at the end of a bounded read, or of a rotated file), so a position always falls on a line start and
 * resuming from it never splits a line. The inode is kept so that a restart notices a file replaced meanwhile.
 */
export class TailedFile {
  private buffer = Buffer.allocUnsafe(FIRST_CHUNK);
  readonly partition: SourceMap;
  /** Checksum of the first `headLength` bytes; grows with the position until it covers HEAD_BYTES. */
  private head = 0;
  private headLength = -1;

  private constructor(
    readonly path: string,
    private handle: FileHandle,
    private inode: number,
    public position: number,
    /** The file's size when it was opened: with tail=false, the end the task reads to. */
    readonly sizeAtOpen: number,
    private readonly topic: string,
    private readonly logger: TaskLogger,
    /** Hand each line as its bytes (see SourceTaskContext.textValuesAsBytes) rather than as a string. */
    private readonly bytes: boolean,
  ) {
    this.partition = { filename: path };
  }

  /** Opens `path` at `offset`; starts at 0 when the file was replaced or truncated since the offset was committed. */
  static async open(
    path: string,
    offset: FileOffset | null,
    topic: string,
    logger: TaskLogger,
    bytes = false,
  ): Promise<TailedFile> {
    const handle = await open(path, 'r');
    const info = await handle.stat();
    let position = offset?.position ?? 0;
    const headChanged =
      offset?.head !== undefined && (await headChecksum(handle, offset.headLength ?? 0)) !== offset.head;
    if ((offset?.inode !== undefined && offset.inode !== info.ino) || headChanged) {
      logger.info(
        { file: path },
        `file ${path} was replaced since its offset was committed; reading it from the start`,
      );
      position = 0;
    } else if (info.size < position) {
      logger.warn(
        { file: path, position, size: info.size },
        `file ${path} is shorter than its committed offset; reading it from the start`,
      );
      position = 0;
    }
    return new TailedFile(path, handle, info.ino, position, info.size, topic, logger, bytes);
  }

  /** Keeps the head checksum current for offsets up to `end`; only the first lines of a file pay for it. */
  private async fingerprint(end: number): Promise<void> {
    const length = Math.min(end, HEAD_BYTES);
    if (length === this.headLength) return;
    this.head = await headChecksum(this.handle, length);
    this.headLength = length;
  }

  /** The line `view[start, end)` ending at file position `lineEnd`, as a record. */
  private record(view: Buffer, start: number, end: number, lineEnd: number): SourceRecord {
    return {
      topic: this.topic,
      sourcePartition: this.partition,
      sourceOffset: { position: lineEnd, inode: this.inode, head: this.head, headLength: this.headLength },
      key: null,
      keySchema: null,
      value: this.bytes ? view.subarray(start, end) : view.toString('utf8', start, end),
      valueSchema: Schemas.STRING,
    };
  }

  /**
   * Reads up to `max` complete lines from the current position into `out`. With `final`, a last line without a
   * newline is delivered too (the file will not grow any more). Returns the number of lines read.
   */
  async readLines(max: number, out: SourceRecord[], final = false): Promise<number> {
    let count = 0;
    while (count < max) {
      const { bytesRead } = await this.handle.read(this.buffer, 0, this.buffer.length, this.position);
      if (bytesRead === 0) break;
      const view = this.buffer.subarray(0, bytesRead);
      let start = 0;
      let nl = view.indexOf(NEWLINE, 0);
      while (nl !== -1 && count < max) {
        const end = nl > start && view[nl - 1] === CR ? nl - 1 : nl;
        const lineEnd = this.position + nl + 1;
        if (this.headLength < HEAD_BYTES) await this.fingerprint(lineEnd);
        out.push(this.record(view, start, end, lineEnd));
        count++;
        start = nl + 1;
        nl = view.indexOf(NEWLINE, start);
      }
      if (start === 0) {
        if (bytesRead === this.buffer.length) {
          // A line longer than the buffer: grow it and read again from the same position.
          this.buffer = Buffer.allocUnsafe(this.buffer.length * 2);
          continue;
        }
        if (final) {
          await this.fingerprint(this.position + bytesRead);
          out.push(this.record(view, 0, bytesRead, this.position + bytesRead));
          this.position += bytesRead;
          count++;
          if (this.bytes) this.buffer = Buffer.allocUnsafe(this.buffer.length);
        }
        break;
      }
      this.position += start;
      // Lines handed as bytes are views of the buffer: the next read goes into a buffer of its own.
      if (this.bytes) this.buffer = Buffer.allocUnsafe(this.buffer.length);
      if (bytesRead < this.buffer.length && nl === -1 && !final) break;
    }
    return count;
  }

  /** True when nothing is left to read after the position. */
  async atEnd(): Promise<boolean> {
    return (await this.handle.stat()).size <= this.position;
  }

  /**
   * Notices truncation (the file shrank below the position: read again from 0) and rotation (the path now names
   * another file: the old one is finished, including a last line without newline, and the new one is opened at 0).
   */
  async checkReplaced(out: SourceRecord[]): Promise<void> {
    const size = (await this.handle.stat()).size;
    if (size < this.position) {
      this.logger.warn({ file: this.path }, `file ${this.path} was truncated; reading it from the start`);
      this.position = 0;
      this.headLength = -1;
      return;
    }
    const current = await stat(this.path).catch(() => null);
    if (!current || current.ino === this.inode) return;
    await this.readLines(Number.MAX_SAFE_INTEGER, out, true);
    await this.handle.close();
    this.logger.info(
      { file: this.path },
      `file ${this.path} was rotated; reading the new file from the start`,
    );
    this.handle = await open(this.path, 'r');
    this.inode = (await this.handle.stat()).ino;
    this.position = 0;
    this.headLength = -1;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
