/**
 * CRC-32C (Castagnoli, polynomial 0x1EDC6F41, reflected, init and final xor 0xFFFFFFFF), the checksum of Kafka's
 * RecordBatch v2. Node's own `zlib.crc32` is CRC-32 (IEEE) and cannot be used for it.
 */
import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/**
 * CRC-32C of `bytes[start, end)` as an unsigned 32-bit number. `previous` continues a running checksum, so a
 * message split in two gives the same result as the whole.
 */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length, previous = 0): number {
  const view = start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end);
  return nativeCrc32c(view, previous) >>> 0;
}
