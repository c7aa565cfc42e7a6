import { describe, expect, it } from 'vitest';
import { LogicalType, Schemas, struct } from '../../../src/connect/data/schema.js';
import { DataError } from '../../../src/connect/errors.js';
import { formatDate, parseDate } from '../../../src/connect/transforms/date-format.js';
import { timestampConverter } from '../../../src/connect/transforms/timestamp-converter.js';
import { timestampRouter } from '../../../src/connect/transforms/timestamp-router.js';
import { make, sinkRecord } from './helpers.js';

const at = Date.UTC(2024, 1, 29, 13, 4, 5, 6);

describe('connect › transforms › date format', () => {
  it("formats and parses Java's SimpleDateFormat patterns in UTC", () => {
    const d = new Date(at);
    expect(formatDate(d, "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")).toBe('2024-02-29T13:04:05.006Z');
    expect(formatDate(d, 'yyyyMMdd')).toBe('20240229');
    expect(formatDate(d, "EEE, d MMM yy 'at' h:mm a ''")).toBe("Thu, 29 Feb 24 at 1:04 PM '");
    expect(parseDate('2024-02-29 13:04:05.006', 'yyyy-MM-dd HH:mm:ss.SSS').getTime()).toBe(at);
    expect(parseDate('2024-02-29T15:04:05+02:00', "yyyy-MM-dd'T'HH:mm:ssXXX").getTime()).toBe(at - 6);
  });

  it('says which text did not match', () => {
    expect(() => parseDate('29/02/2024', 'yyyy-MM-dd')).toThrowError(/29\/02\/2024/);
  });
});

describe('connect › transforms › TimestampConverter', () => {
  it('converts a schemaless field from unix milliseconds to a string', () => {
    const t = make(timestampConverter, { field: 'ts', 'target.type': 'string', format: 'yyyy-MM-dd HH:mm' });
    expect(t.apply(sinkRecord({ ts: at, x: 1 }))?.value).toEqual({ ts: '2024-02-29 13:04', x: 1 });
  });

  it('reads and writes unix seconds with unix.precision', () => {
    const t = make(timestampConverter, { 'target.type': 'Timestamp', 'unix.precision': 'seconds' });
    expect(t.apply(sinkRecord(1_700_000_000))?.value).toEqual(new Date(1_700_000_000_000));
    const back = make(timestampConverter, { 'target.type': 'unix', 'unix.precision': 'microseconds' });
    expect(back.apply(sinkRecord(new Date(5)))?.value).toBe(5000);
  });

  it('changes the field schema to the target logical type, keeping optionality', () => {
    const schema = struct([['ts', { ...Schemas.STRING, optional: true }]]);
    const t = make(timestampConverter, { field: 'ts', 'target.type': 'Date', format: 'yyyy-MM-dd HH:mm' });
    const out = t.apply(sinkRecord({ ts: '2024-02-29 13:04' }, schema));
    expect(out?.valueSchema?.fields?.[0]?.schema).toMatchObject({
      type: 'int32',
      name: LogicalType.Date,
      optional: true,
    });
    expect(out?.value).toEqual({ ts: new Date(Date.UTC(2024, 1, 29)) });
  });

  it('converts the whole value to Time', () => {
    const out = make(timestampConverter, { 'target.type': 'Time' }).apply(
      sinkRecord(new Date(at), Schemas.TIMESTAMP),
    );
    expect(out?.valueSchema?.name).toBe(LogicalType.Time);
    expect(out?.value).toEqual(new Date(((13 * 60 + 4) * 60 + 5) * 1000 + 6));
  });

  it('requires format for string targets and refuses other field types', () => {
    expect(() => make(timestampConverter, { 'target.type': 'string' })).toThrowError(/format is required/);
    expect(() =>
      make(timestampConverter, { 'target.type': 'unix' }).apply(sinkRecord(true, Schemas.BOOLEAN)),
    ).toThrowError(DataError);
  });
});

describe('connect › transforms › TimestampRouter', () => {
  it("routes to topic-yyyyMMdd of the record's timestamp by default", () => {
    expect(make(timestampRouter, {}).apply(sinkRecord('v', null, { timestamp: at }))?.topic).toBe(
      'orders-20240229',
    );
    const t = make(timestampRouter, {
      'topic.format': 'archive.${topic}.${timestamp}',
      'timestamp.format': 'yyyy-MM',
    });
    expect(t.apply(sinkRecord('v', null, { timestamp: at }))?.topic).toBe('archive.orders.2024-02');
  });

  it('fails on a record without a timestamp', () => {
    expect(() => make(timestampRouter, {}).apply(sinkRecord('v', null, { timestamp: null }))).toThrowError(
      /Timestamp missing/,
    );
  });
});
