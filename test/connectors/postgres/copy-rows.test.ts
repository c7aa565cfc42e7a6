import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../../connectors/postgres/connection.js';
import { CopyJsonRows } from '../../../connectors/postgres/copy-json.js';
import { CopyRows, startCopy } from '../../../connectors/postgres/copy-rows.js';
import { JsonConverter } from '../../../src/connect/index.js';
import { admin, LEASE_TIMEOUT_MS, PG_URL, randomName, shareServer } from './harness.js';

let db: pg.Client;
let client: pg.Client;
let schema: string;
let release: () => Promise<void>;

beforeAll(async () => {
  release = await shareServer();
  db = await admin();
  schema = randomName('copyrows');
  await db.query(`CREATE SCHEMA ${schema}`);
  client = await connect({ url: PG_URL });
}, LEASE_TIMEOUT_MS);

afterAll(async () => {
  await client.end();
  await db.query(`DROP SCHEMA ${schema} CASCADE`);
  await db.end();
  await release();
});

/** Every row of `query` read through COPY, as row objects or as the JSON path writes them. */
async function copyRows(query: string): Promise<Record<string, unknown>[]> {
  const rows = await CopyRows.open(client, query);
  const all: Record<string, unknown>[] = [];
  for (let batch = await rows.read(1000); batch.length > 0; batch = await rows.read(1000)) all.push(...batch);
  return all;
}

async function copyJson(query: string): Promise<string[]> {
  const rows = CopyJsonRows.from(await startCopy(client, query), []);
  const all: string[] = [];
  for (let { values } = await rows.read(1000); values.length > 0; { values } = await rows.read(1000))
    all.push(...values.map((v) => v.bytes.toString('utf8')));
  return all;
}

describe('connectors › postgres › COPY rows', () => {
  it('reads through COPY the values a query of the same rows returns: every kind of type, escapes and NULLs', async () => {
    await db.query(`CREATE TABLE ${schema}.kinds (id serial PRIMARY KEY, i8 bigint, num numeric, f8 float8,
      t text, b boolean, d date, ts timestamp, tstz timestamptz, u uuid, j json, jb jsonb, arr int[], tarr text[],
      by bytea)`);
    const texts = [
      'tab\there',
      'new\nline',
      'back\\slash',
      'cr\r',
      '\\N',
      'quote "q"',
      'ü😀',
      '',
      `\u0001\u0008`,
    ];
    for (let i = 0; i < texts.length * 2; i++) {
      await db.query(
        `INSERT INTO ${schema}.kinds (i8, num, f8, t, b, d, ts, tstz, u, j, jb, arr, tarr, by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [
          ['9223372036854775807', '-1', '9007199254740993'][i % 3],
          ['12345678901234567890.0123456789', 'NaN', '-0.50', '1e-20'][i % 4],
          ['0.1', '-1e300', 'NaN', '-0', '123456.5'][i % 5],
          texts[i % texts.length],
          i % 2 === 0,
          ['2024-02-29', '0044-03-15 BC', 'infinity'][i % 3],
          ['2024-02-29 13:14:15.123456', '0044-03-15 12:00:00 BC', '-infinity'][i % 3],
          ['2024-01-01 00:00:00+02', '1999-12-31 23:59:59.5-05:30', 'infinity'][i % 3],
          'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
          ['{"a": [1, 2.50]}', 'null', '"s\\tt"'][i % 3],
          ['{"n": null, "s": "x\\ny"}', '[]', '{"ü": "😀"}'][i % 3],
          [1, null, -3],
          ['a,b', 'c"d', null, 'e\\f', texts[i % texts.length]],
          Buffer.from([0, 9, 10, 92, i]),
        ],
      );
    }
    await db.query(`INSERT INTO ${schema}.kinds (id) VALUES (DEFAULT)`);
    const query = `SELECT * FROM ${schema}.kinds ORDER BY id`;
    // The query's values come through pg's own parser of the protocol, with the connector's parsers of the text.
    const { rows } = await client.query(query);
    expect(rows).toHaveLength(texts.length * 2 + 1);
    expect(await copyRows(query)).toEqual(rows);
    const converter = new JsonConverter(false);
    expect(await copyJson(query)).toEqual(
      rows.map((r) => converter.fromConnectData('', null, r)!.toString('utf8')),
    );
  });

  it('leaves the connection ready for the next statement after a COPY, and after one the server fails midway', async () => {
    expect(await copyRows('SELECT g AS n FROM generate_series(1, 50000) g')).toHaveLength(50000);
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    // Rows stream before the error: the division by zero comes at the 40,000th.
    const failing = 'SELECT g, 1 / (40000 - g) AS q FROM generate_series(1, 50000) g';
    await expect(copyRows(failing)).rejects.toThrow('division by zero');
    await expect(copyJson(failing)).rejects.toThrow('division by zero');
    expect((await client.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
  });
});
