import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeMessage,
  encodeMessage,
  inVersions,
  parseVersions,
  Reader,
} from '../../../src/broker/protocol/index.js';
import { APIS } from '../../../src/broker/protocol/messages/index.js';
import type { FieldSpec, MessageSpec, PrimitiveType } from '../../../src/broker/protocol/schema.js';

const bytes = fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a));
const primitives: Record<PrimitiveType, fc.Arbitrary<unknown>> = {
  bool: fc.boolean(),
  int8: fc.integer({ min: -128, max: 127 }),
  int16: fc.integer({ min: -32768, max: 32767 }),
  uint16: fc.integer({ min: 0, max: 65535 }),
  int32: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  uint32: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  int64: fc.maxSafeInteger(),
  float64: fc.double({ noNaN: true }),
  uuid: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => Buffer.from(a)),
  string: fc.string({ maxLength: 20, unit: 'grapheme' }),
  bytes,
  records: bytes,
};

/** Random values for the fields of `fields` that exist in `version`, derived from the same declarations. */
function arbitraryStruct(
  fields: readonly FieldSpec[],
  version: number,
): fc.Arbitrary<Record<string, unknown>> {
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of fields) {
    if (!inVersions(f.versions, version) || f.tag !== undefined) continue;
    let arb: fc.Arbitrary<unknown>;
    if (f.type === 'struct') arb = arbitraryStruct(f.fields ?? [], version);
    else if (f.type === 'struct[]')
      arb = fc.array(arbitraryStruct(f.fields ?? [], version), { maxLength: 3 });
    else if (f.type.endsWith('[]'))
      arb = fc.array(primitives[f.type.slice(0, -2) as PrimitiveType], { maxLength: 3 });
    else arb = primitives[f.type as PrimitiveType];
    shape[f.name] = inVersions(f.nullableVersions, version) ? fc.option(arb, { nil: null }) : arb;
  }
  return fc.record(shape);
}

function versions(spec: MessageSpec): number[] {
  const { min, max } = parseVersions(spec.validVersions);
  return Array.from({ length: max - min + 1 }, (_, i) => min + i);
}

describe('broker › protocol › messages', () => {
  const cases = [...APIS.values()].flatMap((api) =>
    [api.request, api.response].flatMap((spec) => versions(spec).map((v) => [spec.name, v, spec] as const)),
  );

  it.each(cases)('%s v%i round-trips random values', (_name, version, spec) => {
    fc.assert(
      fc.property(arbitraryStruct(spec.fields, version), (value) => {
        const encoded = encodeMessage(spec, version, value).toBuffer();
        const r = new Reader(encoded);
        const decoded = decodeMessage<Record<string, unknown>>(spec, version, r);
        expect(r.remaining).toBe(0);
        expect(decoded).toMatchObject(value);
        expect(encodeMessage(spec, version, decoded).toBuffer().equals(encoded)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it('request and response of each API declare the same versions', () => {
    for (const api of APIS.values()) {
      expect(api.request.validVersions, api.name).toBe(api.response.validVersions);
      expect(api.request.flexibleVersions, api.name).toBe(api.response.flexibleVersions);
      expect(api.request.apiKey).toBe(api.apiKey);
    }
  });

  it('fills fields a version lacks with their declared defaults', () => {
    const metadata = APIS.get(3)!;
    const v0 = decodeMessage<{ allowAutoTopicCreation: boolean }>(
      metadata.request,
      0,
      new Reader(Buffer.from([0, 0, 0, 0])),
    );
    expect(v0.allowAutoTopicCreation).toBe(true);
  });
});
