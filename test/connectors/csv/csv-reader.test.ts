import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CsvFormat,
  type CsvRow,
  readHeader,
  readRows as readRowsInProcess,
} from '../../../connectors/csv/csv-reader.js';
import { readRowsThreaded } from '../../../connectors/csv/threaded-reader.js';

const format: CsvFormat = {
  delimiter: ',',
  quote: '"',
  escape: '"',
  header: true,
  skipLines: 0,
  trim: false,
  encoding: 'utf8',
  relaxColumnCount: false,
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-csv-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every test runs with the rows parsed in the task's thread and on a parsing thread: they must agree. */
describe.each([
  ['in the task thread', readRowsInProcess],
  ['on a parsing thread', readRowsThreaded],
] as const)('connectors › csv › reader, parsing %s', (_, readRows) => {
  async function all(file: string, f = format): Promise<{ columns: string[]; rows: CsvRow[] }> {
    const { columns, start } = await readHeader(file, f);
    const rows: CsvRow[] = [];
    for await (const batch of readRows(file, f, columns, start)) rows.push(...batch);
    return { columns, rows };
  }

  it('handles RFC 4180 corner cases: BOM, CRLF, quoted newlines, doubled quotes, empty cells', async () => {
    const file = join(dir, 'rfc.csv');
    await writeFile(
      file,
      '\ufeffid,text,n\r\n1,"a, b",2\r\n2,"line one\r\nline two",\r\n3,"say ""hi""",4\r\n4,,5',
    );
    const { columns, rows } = await all(file);
    expect(columns).toEqual(['id', 'text', 'n']);
    expect(rows.map((r) => (r.ok ? r.cells : r.reason))).toEqual([
      ['1', 'a, b', '2'],
      ['2', 'line one\r\nline two', null],
      ['3', 'say "hi"', '4'],
      ['4', null, '5'],
    ]);
    expect(rows.map((r) => r.line)).toEqual([2, 3, 5, 6]);
  });

  it('reads the same rows, lines, positions and bad-row text whatever the chunk size, LF or CRLF', async () => {
    const lf = 'id,text\n1,"a\r\nb"\n\n2,plain\n3\n4,"x ""y"""\n\n\n5,"é, ü"\n6,7,8\n9,last';
    for (const [name, text] of [
      ['lf.csv', lf],
      ['crlf.csv', lf.replace(/\n/g, '\r\n').replace('a\r\r\nb', 'a\nb')],
    ] as const) {
      const file = join(dir, name);
      await writeFile(file, text);
      const { columns, start } = await readHeader(file, format);
      const read = async (chunk: number) => {
        const rows: CsvRow[] = [];
        for await (const batch of readRowsInProcess(file, format, columns, start, chunk)) rows.push(...batch);
        return rows;
      };
      const whole: CsvRow[] = [];
      for await (const batch of readRows(file, format, columns, start)) whole.push(...batch);
      expect(whole.map((r) => [r.line, r.end.line, r.ok ? r.cells : `${r.reason} [${r.raw}]`])).toEqual([
        [2, 3, ['1', name === 'lf.csv' ? 'a\r\nb' : 'a\nb']],
        [5, 5, ['2', 'plain']],
        [6, 6, 'expected 2 columns, found 1 [3]'],
        [7, 7, ['4', 'x "y"']],
        [10, 10, ['5', 'é, ü']],
        [11, 11, 'expected 2 columns, found 3 [6,7,8]'],
        [12, 12, ['9', 'last']],
      ]);
      for (const chunk of [1, 2, 3, 5, 8, 13, 64]) expect(await read(chunk)).toEqual(whole);
    }
  });

  it('makes empty cells null, quoted or not, and cells equal to the null marker', async () => {
    const file = join(dir, 'nulls.csv');
    await writeFile(file, 'a,b,c,d\n1,"",NULL,\n"NULL",x,"",y\n');
    const { rows } = await all(file, { ...format, nullValue: 'NULL' });
    expect(rows.map((r) => (r.ok ? r.cells : r.reason))).toEqual([
      ['1', null, null, null],
      [null, 'x', null, 'y'],
    ]);
  });

  it('resumes mid-file at the next row, with the same lines and cells', async () => {
    const file = join(dir, 'resume.csv');
    const lines = ['k,v', ...Array.from({ length: 50 }, (_, i) => `${i},"é ${i}\n${i}"`)];
    await writeFile(file, `${lines.join('\n')}\n`);
    const { columns, rows } = await all(file);
    expect(rows).toHaveLength(50);
    const resumed: CsvRow[] = [];
    for await (const batch of readRows(file, format, columns, rows[19].end)) resumed.push(...batch);
    expect(resumed).toEqual(rows.slice(20));
  });

  it('turns a row with the wrong column count into a bad row naming its line, and goes on', async () => {
    const file = join(dir, 'bad.csv');
    await writeFile(file, 'a,b\n1,2\n3\n4,5,6\n7,8\n');
    const { rows } = await all(file);
    expect(rows.map((r) => (r.ok ? `ok ${r.line}` : `bad ${r.line}: ${r.reason} [${r.raw}]`))).toEqual([
      'ok 2',
      'bad 3: expected 2 columns, found 1 [3]',
      'bad 4: expected 2 columns, found 3 [4,5,6]',
      'ok 5',
    ]);
  });

  it('skips lines, uses declared columns without a header, and a null marker', async () => {
    const file = join(dir, 'noheader.csv');
    await writeFile(file, '# exported by x\n1;NULL\n2;b\n');
    const f = {
      ...format,
      delimiter: ';',
      header: false,
      columns: ['id', 'name'],
      skipLines: 1,
      nullValue: 'NULL',
    };
    const { rows } = await all(file, f);
    expect(rows.map((r) => (r.ok ? r.cells : null))).toEqual([
      ['1', null],
      ['2', 'b'],
    ]);
    expect(rows.map((r) => r.line)).toEqual([2, 3]);
  });

  it('reports an unclosed quote with its line', async () => {
    const file = join(dir, 'unclosed.csv');
    await writeFile(file, 'a,b\n1,2\n3,"oops\n');
    const { columns, start } = await readHeader(file, format);
    const seen: CsvRow[] = [];
    await expect(async () => {
      for await (const batch of readRows(file, format, columns, start)) seen.push(...batch);
    }).rejects.toThrow(/Quote Not Closed/i);
    expect(seen).toHaveLength(1);
  });
});

describe('connectors › csv › reader › parsing thread', () => {
  it('stops its thread when the reader is left mid-file, and reads a file of many batches in order', async () => {
    const file = join(dir, 'many.csv');
    const n = 20_000;
    await writeFile(
      file,
      `i,text\n${Array.from({ length: n }, (_, i) => `${i},"row ${i}, ""q"""`).join('\n')}\n`,
    );
    const { columns, start } = await readHeader(file, format);
    let ids: number[] = [];
    for await (const batch of readRowsThreaded(file, format, columns, start))
      for (const r of batch) ids.push(r.ok ? Number(r.cells?.[0]) : -1);
    expect(ids).toEqual(Array.from({ length: n }, (_, i) => i));
    ids = [];
    const rows = readRowsThreaded(file, format, columns, start);
    for await (const batch of rows) {
      ids.push(...batch.map((r) => r.row));
      break;
    }
    expect(ids[0]).toBe(1);
    expect(ids.length).toBeLessThan(n);
    // A generator left by break was returned: its thread is gone and it yields nothing more.
    expect(await rows.next()).toEqual({ done: true, value: undefined });
  });
});
