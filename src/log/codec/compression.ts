/**
 * The codecs of a RecordBatch's records section (attributes bits 0-2), with the framings Kafka's clients use:
 *
 * ```
 * gzip   (1)  a gzip member (RFC 1952)
 * snappy (2)  produced: snappy-java's stream framing
 *               header   0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00   magic, 8 bytes
 *                        int32 version = 1, int32 compatible version = 1
 *               blocks   [int32 compressedLength, raw snappy block of ≤ 32 KiB of input]
 *             read: that framing, or one raw snappy block (as some clients send)
 * lz4    (3)  one LZ4 frame (magic 0x184D2204) with the header checksum taken over the descriptor only (KIP-57):
 *               magic, FLG, BD, [contentSize int64], [dictId int32], headerChecksum,
 *               blocks [int32 LE size (high bit: stored), data, [int32 checksum]], endMark 0, [contentChecksum]
 * zstd   (4)  zstd frames (RFC 8878); the content size may be absent, as streaming compressors leave it
 * ```
 *
 * Codec ids 5-7 are unassigned and refused. The native codecs are loaded on first use, so a process that never
 * sees snappy, lz4 or zstd never loads them.
 */
import { createRequire } from 'node:module';
import { gunzipSync, gzipSync } from 'node:zlib';
import { SluiceError } from '../../errors.js';
import { Compression } from './batch-layout.js';

/** `compression.type` values a producer takes, in codec id order. */
export const COMPRESSION_TYPES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type CompressionType = (typeof COMPRESSION_TYPES)[number];

/** The name of codec `codec` for messages ("codec 6" for an unassigned id). */
export function codecName(codec: number): string {
  return COMPRESSION_TYPES[codec] ?? `codec ${codec}`;
}

/** The attributes id of a `compression.type`. */
export function codecOf(type: CompressionType): Compression {
  return COMPRESSION_TYPES.indexOf(type) as Compression;
}

/** True for the ids sluice reads and writes (0-4). */
export function isKnownCodec(codec: number): boolean {
  return codec >= Compression.None && codec <= Compression.Zstd;
}

const require = createRequire(import.meta.url);

interface Snappy {
  compressSync(input: Uint8Array): Buffer;
  uncompressSync(input: Uint8Array, options: { asBuffer: true }): Buffer;
}
interface Lz4 {
  compressFrameSync(input: Buffer): Buffer;
  decompressFrameSync(input: Buffer): Buffer;
}
interface Zstd {
  Encoder: new (level: number) => { encodeSync(data: Buffer): Buffer };
  Decoder: new () => { decodeSync(data: Buffer): Buffer };
}

let snappy: Snappy | undefined;
let lz4: Lz4 | undefined;
let zstdEncoder: { encodeSync(data: Buffer): Buffer } | undefined;
let zstdDecoder: { decodeSync(data: Buffer): Buffer } | undefined;

function load<T>(pkg: string, codec: string): T {
  try {
    return require(pkg) as T;
  } catch (cause) {
    throw new SluiceError(
      'UNSUPPORTED_COMPRESSION_TYPE',
      `${codec} needs the package "${pkg}", which did not load on this platform (${(cause as Error).message}); reinstall sluice's dependencies or use gzip`,
      { cause },
    );
  }
}

const snappyLib = (): Snappy => (snappy ??= load<Snappy>('snappy', 'snappy'));
const lz4Lib = (): Lz4 => (lz4 ??= load<Lz4>('lz4-napi', 'lz4'));
function zstdLib(): Zstd {
  return load<Zstd>('@toondepauw/node-zstd', 'zstd');
}

/** snappy-java's stream magic: 0x82 "SNAPPY" 0x00. */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
/** Magic, version and compatible version. */
const XERIAL_HEADER_BYTES = 16;
/** Input bytes per block, as snappy-java's SnappyOutputStream cuts them by default. */
const XERIAL_BLOCK_BYTES = 32 * 1024;
/** zstd's default level, as Kafka's producer uses it. */
const ZSTD_LEVEL = 3;

function snappyFramed(data: Buffer): Buffer {
  const lib = snappyLib();
  const header = Buffer.alloc(XERIAL_HEADER_BYTES);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(1, 8); // version
  header.writeInt32BE(1, 12); // compatible version
  const parts: Buffer[] = [header];
  for (let at = 0; at < data.length; at += XERIAL_BLOCK_BYTES) {
    const block = lib.compressSync(data.subarray(at, Math.min(data.length, at + XERIAL_BLOCK_BYTES)));
    const length = Buffer.allocUnsafe(4);
    length.writeInt32BE(block.length, 0);
    parts.push(length, block);
  }
  return Buffer.concat(parts);
}

function snappyUnframed(data: Buffer): Buffer {
  const lib = snappyLib();
  if (data.length < XERIAL_MAGIC.length || !data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC)) {
    return lib.uncompressSync(data, { asBuffer: true });
  }
  if (data.length < XERIAL_HEADER_BYTES) throw new Error('the snappy stream header is cut short');
  const parts: Buffer[] = [];
  for (let at = XERIAL_HEADER_BYTES; at < data.length; ) {
    if (at + 4 > data.length) throw new Error(`a snappy block length at byte ${at} is cut short`);
    const length = data.readInt32BE(at);
    at += 4;
    if (length < 0 || at + length > data.length) {
      throw new Error(`the snappy block at byte ${at} claims ${length} bytes, past the end of the data`);
    }
    parts.push(lib.uncompressSync(data.subarray(at, at + length), { asBuffer: true }));
    at += length;
  }
  return Buffer.concat(parts);
}

/**
 * Why `data` is not exactly one whole LZ4 frame, or null. The decoder stops at a frame's last block without
 * insisting on its end mark and ignores what follows, so the frame's bounds are walked here: a cut or padded
 * frame is refused rather than read as if whole.
 */
function lz4FrameProblem(data: Buffer): string | null {
  if (data.length < 7 || data.readUInt32LE(0) !== 0x184d2204)
    return 'it does not start with an LZ4 frame magic';
  const flags = data[4]!;
  let at = 6 + (flags & 0x08 ? 8 : 0) + (flags & 0x01 ? 4 : 0) + 1; // content size, dictionary id, checksum
  const blockChecksum = flags & 0x10 ? 4 : 0;
  for (;;) {
    if (at + 4 > data.length) return `the LZ4 frame ends at byte ${data.length} without its end mark`;
    const size = data.readUInt32LE(at) & 0x7fffffff;
    at += 4;
    if (size === 0) break;
    at += size + blockChecksum;
  }
  if (flags & 0x04) at += 4; // content checksum
  if (at !== data.length) return `the LZ4 frame ends at byte ${at} of ${data.length}`;
  return null;
}

function lz4Unframed(data: Buffer): Buffer {
  const problem = lz4FrameProblem(data);
  if (problem !== null) throw new Error(problem);
  return lz4Lib().decompressFrameSync(data);
}

/** `data` (the records section) compressed with `codec`; `None` returns it as it is. */
export function compressRecords(codec: Compression, data: Buffer): Buffer {
  switch (codec) {
    case Compression.None:
      return data;
    case Compression.Gzip:
      return gzipSync(data);
    case Compression.Snappy:
      return snappyFramed(data);
    case Compression.Lz4:
      return lz4Lib().compressFrameSync(data);
    case Compression.Zstd:
      zstdEncoder ??= new (zstdLib().Encoder)(ZSTD_LEVEL);
      return zstdEncoder.encodeSync(data);
    default:
      throw unsupportedCodecError(codec);
  }
}

/**
 * The records section `data` decompressed with `codec`. Throws {@link SluiceError} `UNSUPPORTED_COMPRESSION_TYPE`
 * for ids 5-7, and a plain Error from the codec when the data does not decompress (callers say where it was).
 */
export function decompressRecords(codec: Compression, data: Buffer): Buffer {
  switch (codec) {
    case Compression.None:
      return data;
    case Compression.Gzip:
      return gunzipSync(data);
    case Compression.Snappy:
      return snappyUnframed(data);
    case Compression.Lz4:
      return lz4Unframed(data);
    case Compression.Zstd:
      zstdDecoder ??= new (zstdLib().Decoder)();
      return zstdDecoder.decodeSync(data);
    default:
      throw unsupportedCodecError(codec);
  }
}

/** The error for records in an unassigned codec id (5-7); `where` names the batch. */
export function unsupportedCodecError(codec: number, where = 'a record batch'): SluiceError {
  return new SluiceError(
    'UNSUPPORTED_COMPRESSION_TYPE',
    `${where} is compressed with ${codecName(codec)}, which is none of Kafka's codecs (none, gzip, snappy, lz4, zstd); the producer sent a batch no Kafka client can read`,
  );
}
