import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CorruptRecordError } from '../../../src/errors.js';
import {
  readUnsignedVarint,
  readVarint,
  readVarlong,
  unsignedVarintSize,
  varintSize,
  varlongSize,
  writeUnsignedVarint,
  writeVarint,
  writeVarlong,
} from '../../../src/log/codec/varint.js';

/** The zigzag varlong of n, computed the slow, obvious way with 64-bit bigints: the reference for the codec. */
function referenceVarlong(n: number): string {
  let zz = BigInt.asUintN(64, (BigInt(n) << 1n) ^ (BigInt(n) >> 63n));
  const bytes: number[] = [];
  while (zz >= 128n) {
    bytes.push(Number(zz & 127n) | 128);
    zz >>= 7n;
  }
  bytes.push(Number(zz));
  return Buffer.from(bytes).toString('hex');
}

function encode(write: (buf: Buffer, pos: number, n: number) => number, n: number): string {
  const buf = Buffer.alloc(16);
  return buf.subarray(0, write(buf, 0, n)).toString('hex');
}

describe('log › codec › varint', () => {
  it.each([
    [0, '00'],
    [-1, '01'],
    [1, '02'],
    [-2, '03'],
    [63, '7e'],
    [-64, '7f'],
    [64, '8001'],
    [2147483647, 'feffffff0f'],
    [-2147483648, 'ffffffff0f'],
  ])('zigzag varint %i is %s', (n, hex) => {
    expect(encode(writeVarint, n)).toBe(hex);
    expect(varintSize(n)).toBe(hex.length / 2);
    expect(readVarint(Buffer.from(hex, 'hex'), { pos: 0 })).toBe(n);
  });

  it.each([
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8001'],
    [300, 'ac02'],
    [4294967295, 'ffffffff0f'],
  ])('unsigned varint %i is %s (no zigzag)', (n, hex) => {
    expect(encode(writeUnsignedVarint, n)).toBe(hex);
    expect(unsignedVarintSize(n)).toBe(hex.length / 2);
    expect(readUnsignedVarint(Buffer.from(hex, 'hex'), { pos: 0 })).toBe(n);
  });

  it.each([
    [0, '00'],
    [-1, '01'],
    [2147483648, '8080808010'],
    [-2147483649, '8180808010'],
    [1509928155660, '98e8d9ebf157'],
    [Number.MAX_SAFE_INTEGER, 'feffffffffffff1f'],
    [-(2 ** 52) - 1, '8180808080808010'],
    [Number.MIN_SAFE_INTEGER, 'fdffffffffffff1f'],
  ])('zigzag varlong %i is %s', (n, hex) => {
    expect(referenceVarlong(n)).toBe(hex);
    expect(encode(writeVarlong, n)).toBe(hex);
    expect(varlongSize(n)).toBe(hex.length / 2);
    expect(readVarlong(Buffer.from(hex, 'hex'), { pos: 0 })).toBe(n);
  });

  it('round-trips any int32 varint and safe-integer varlong, advancing the cursor by the size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.oneof(fc.maxSafeInteger(), fc.integer()),
        (i, l) => {
          const buf = Buffer.alloc(20);
          const mid = writeVarint(buf, 1, i);
          const end = writeVarlong(buf, mid, l);
          expect(mid - 1).toBe(varintSize(i));
          expect(end - mid).toBe(varlongSize(l));
          expect(buf.subarray(mid, end).toString('hex')).toBe(referenceVarlong(l));
          expect(buf.subarray(1, mid).toString('hex')).toBe(referenceVarlong(i));
          const cursor = { pos: 1 };
          expect(readVarint(buf, cursor)).toBe(i);
          expect(cursor.pos).toBe(mid);
          expect(readVarlong(buf, cursor)).toBe(l);
          expect(cursor.pos).toBe(end);
        },
      ),
    );
  });

  it('throws CorruptRecordError with the position when a varint runs past the end', () => {
    const buf = Buffer.from([0x00, 0x80, 0x80]);
    for (const read of [readVarint, readVarlong, readUnsignedVarint]) {
      let error: unknown;
      try {
        read(buf, { pos: 1 });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(CorruptRecordError);
      expect((error as CorruptRecordError).position).toBe(1);
    }
    expect(() => readVarint(buf, { pos: 3 })).toThrow(/position 3/);
  });

  it('refuses a varint longer than 5 bytes', () => {
    expect(() => readVarint(Buffer.from('ffffffffff01', 'hex'), { pos: 0 })).toThrow(CorruptRecordError);
  });
});
