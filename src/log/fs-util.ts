import fs from 'node:fs';
import path from 'node:path';
import { descriptors } from './descriptor-cache.js';

/*
 * Thin promise wrappers over fd-based fs calls. The log works on raw descriptors: FileHandle adds a layer of
 * bookkeeping per call, and the hot path (one write per batch, one fdatasync per group commit) wants none.
 */

export function fdatasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}

function readOnce(
  fd: number,
  buf: Buffer,
  offset: number,
  length: number,
  position: number,
): Promise<number> {
  return new Promise((resolve, reject) =>
    fs.read(fd, buf, offset, length, position, (err, n) => (err ? reject(err) : resolve(n))),
  );
}

/** Reads `length` bytes at `position` into a new buffer; shorter only when the file ends first. */
export async function readAt(fd: number, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  const done = await readInto(fd, buf, 0, length, position);
  return done === length ? buf : buf.subarray(0, done);
}

/** Reads `length` bytes at `position` into `buf` at `offset`; returns how many, fewer only when the file ends. */
export async function readInto(
  fd: number,
  buf: Buffer,
  offset: number,
  length: number,
  position: number,
): Promise<number> {
  let done = 0;
  while (done < length) {
    const n = await readOnce(fd, buf, offset + done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** Synchronous twin of {@link readAt}, for recovery and other cold paths that run before the log opens. */
export function readAtSync(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buf : buf.subarray(0, done);
}

/**
 * Writes all of `buf` at `position`. Positional: the descriptor must not be opened with 'a', where Linux ignores
 * the position and appends.
 */
export function writeAtSync(fd: number, buf: Uint8Array, position: number): void {
  let done = 0;
  while (done < buf.length) done += fs.writeSync(fd, buf, done, buf.length - done, position + done);
}

/** fsyncs a directory, which makes file creations, renames and deletions in it durable. */
export async function fsyncDir(dir: string): Promise<void> {
  // Through the descriptor cache: running out of descriptors here is retriable, not a failed fsync.
  const fd = descriptors.openFd(dir, 'r');
  try {
    await new Promise<void>((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve())));
  } finally {
    fs.closeSync(fd);
  }
}

let tempFiles = 0;

/**
 * Replaces `file` with `data` atomically and durably: temp file, fsync, rename, directory fsync. The temp file has a
 * short name of its own, so a file whose name is near the 255-byte limit (a 249-character topic) can be replaced.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = path.join(path.dirname(file), `.tmp-${process.pid}-${++tempFiles}`);
  const fd = fs.openSync(tmp, 'w');
  try {
    writeAtSync(fd, typeof data === 'string' ? Buffer.from(data) : data, 0);
    await fdatasync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  await fsyncDir(path.dirname(file));
}

export function exists(file: string): boolean {
  return fs.existsSync(file);
}
