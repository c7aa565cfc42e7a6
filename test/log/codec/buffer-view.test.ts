import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { decodeBatches, encodeRecordBatch } from '../../../src/log/codec/record-batch.js';

describe('log › codec › decoded keys and values', () => {
  const batch = encodeRecordBatch(
    [
      {
        key: Buffer.from('k1'),
        value: Buffer.from('hello'),
        headers: [{ key: 'h', value: Buffer.from('hv') }],
      },
    ],
    { now: 1 },
  );
  const [record] = decodeBatches(batch);
  const value = record!.value!;

  it('are Buffers to every check a caller makes', () => {
    for (const b of [record!.key!, value, record!.headers[0]!.value!]) {
      expect(Buffer.isBuffer(b)).toBe(true);
      expect(b instanceof Buffer).toBe(true);
      expect(b instanceof Uint8Array).toBe(true);
      expect(b.constructor).toBe(Buffer);
    }
    expect(value).toEqual(Buffer.from('hello'));
    expect(value).toStrictEqual(Buffer.from('hello'));
    expect(value.equals(Buffer.from('hello'))).toBe(true);
    expect(inspect(value)).toBe(inspect(Buffer.from('hello')));
    expect(JSON.stringify(value)).toBe(JSON.stringify(Buffer.from('hello')));
  });

  it('have every Buffer method, and what they make is a Buffer too', () => {
    expect(value.toString()).toBe('hello');
    expect(value.toString('hex')).toBe('68656c6c6f');
    expect(value.readUInt8(1)).toBe(0x65);
    expect(Buffer.isBuffer(value.subarray(1, 3))).toBe(true);
    expect(value.subarray(1, 3).toString()).toBe('el');
    expect(Buffer.isBuffer(value.map((b) => b + 1))).toBe(true);
    expect(Buffer.concat([value, record!.key!]).toString()).toBe('hellok1');
  });

  it('share the memory of the bytes they were decoded from', () => {
    const at = batch.indexOf('hello');
    expect(value.buffer).toBe(batch.buffer);
    expect(value.byteOffset).toBe(batch.byteOffset + at);
    expect(value.length).toBe(5);
  });
});
