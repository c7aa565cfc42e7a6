import { describe, expect, it } from 'vitest';
import {
  decodeMessage,
  encodeMessage,
  ProtocolError,
  Reader,
  Writer,
} from '../../../src/broker/protocol/index.js';
import type { MessageSpec } from '../../../src/broker/protocol/schema.js';

const tagged = {
  name: 'TaggedExample',
  apiKey: 999,
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [
    { name: 'id', type: 'int32', versions: '0+' },
    { name: 'names', type: 'string[]', versions: '0+', nullableVersions: '0+' },
    { name: 'note', type: 'string', versions: '1+', tag: 0, default: '' },
    { name: 'extra', type: 'int64', versions: '1+', tag: 3, default: -1 },
  ],
} as const satisfies MessageSpec;

describe('broker › protocol › codec', () => {
  it('encodes flexible versions with compact lengths and a tagged-field section', () => {
    const bytes = encodeMessage(tagged, 1, { id: 7, names: ['ab'], note: 'hi', extra: -1 }).toBuffer();
    // id, names: uvarint(1+1) then uvarint(2+1) "ab", one tagged field: tag 0, size 3, compact "hi".
    expect([...bytes]).toEqual([0, 0, 0, 7, 2, 3, 0x61, 0x62, 1, 0, 3, 3, 0x68, 0x69]);
    expect(decodeMessage(tagged, 1, new Reader(bytes))).toEqual({
      id: 7,
      names: ['ab'],
      note: 'hi',
      extra: -1,
    });
  });

  it('uses int16/int32 lengths and no tags in classic versions', () => {
    const bytes = encodeMessage(tagged, 0, { id: 1, names: null, note: 'ignored' }).toBuffer();
    expect([...bytes]).toEqual([0, 0, 0, 1, 255, 255, 255, 255]);
  });

  it('skips unknown tagged fields', () => {
    const bytes = Buffer.from([0, 0, 0, 7, 0, 2, 9, 2, 0xaa, 0xbb, 3, 8, 0, 0, 0, 0, 0, 0, 0, 42]);
    expect(decodeMessage(tagged, 1, new Reader(bytes))).toEqual({ id: 7, names: null, note: '', extra: 42 });
  });

  it('refuses to encode null where a version does not allow it', () => {
    const spec = { ...tagged, fields: [{ name: 's', type: 'string', versions: '0+' }] } as const;
    expect(() => encodeMessage(spec, 0, { s: null })).toThrow(ProtocolError);
  });

  it('raises ProtocolError on truncated input and lying lengths', () => {
    expect(() => decodeMessage(tagged, 0, new Reader(Buffer.from([0, 0, 0])))).toThrow(ProtocolError);
    expect(() => decodeMessage(tagged, 0, new Reader(Buffer.from([0, 0, 0, 1, 0x7f, 0, 0, 0])))).toThrow(
      /cannot fit/,
    );
    expect(() =>
      decodeMessage(tagged, 0, new Reader(Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 0, 9, 0x61]))),
    ).toThrow(/truncated/);
  });

  it('rejects versions outside validVersions', () => {
    expect(() => encodeMessage(tagged, 2, { id: 1 })).toThrow(/no version 2/);
  });
});

describe('broker › protocol › primitives', () => {
  it('writes unsigned varints as LEB128 and signed ones zigzagged', () => {
    const w = new Writer();
    w.uvarint(0)
      .uvarint(127)
      .uvarint(300)
      .varint(-1)
      .varint(1)
      .varint(-64)
      .varlong(-1)
      .varlong(2 ** 40);
    const bytes = w.toBuffer();
    expect([...bytes.subarray(0, 8)]).toEqual([0, 0x7f, 0xac, 0x02, 0x01, 0x02, 0x7f, 0x01]);
    const r = new Reader(bytes);
    expect([
      r.uvarint(),
      r.uvarint(),
      r.uvarint(),
      r.varint(),
      r.varint(),
      r.varint(),
      r.varlong(),
      r.varlong(),
    ]).toEqual([0, 127, 300, -1, 1, -64, -1, 2 ** 40]);
  });

  it('round-trips int64 numbers, negative ones included', () => {
    const values = [0, -1, 1, 2 ** 32, -(2 ** 32) - 5, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    const w = new Writer();
    for (const v of values) w.int64(v);
    const bytes = w.toBuffer();
    expect([...bytes.subarray(8, 16)]).toEqual([255, 255, 255, 255, 255, 255, 255, 255]);
    const r = new Reader(bytes);
    expect(values.map(() => r.int64())).toEqual(values);
  });

  it('keeps large raw payloads as their own chunks, without copying', () => {
    const big = Buffer.alloc(10_000, 7);
    const w = new Writer().int32(1).raw(big).int16(2);
    const chunks = w.chunksOut();
    expect(chunks).toHaveLength(3);
    expect(chunks[1]).toBe(big);
    expect(w.length).toBe(10_006);
    expect(w.toBuffer().readInt16BE(10_004)).toBe(2);
  });

  it('encodes strings, compact strings and bytes with their null forms', () => {
    const w = new Writer()
      .string('é')
      .string(null)
      .compactString('')
      .compactString(null)
      .bytes(null)
      .compactBytes(Buffer.from([9]));
    expect([...w.toBuffer()]).toEqual([0, 2, 0xc3, 0xa9, 255, 255, 1, 0, 255, 255, 255, 255, 2, 9]);
  });
});
