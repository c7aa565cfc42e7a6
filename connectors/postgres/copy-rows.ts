import { StringDecoder } from 'node:string_decoder';
import type pg from 'pg';
import { CopyOut } from './copy-out.js';
import { type ValueParser, valueParser } from './pg-values.js';

/** A `COPY (query) TO STDOUT` under way, with the names and type OIDs of the query's columns. */
export interface StartedCopy {
  out: CopyOut;
  names: string[];
  oids: number[];
}

/**
 * Starts streaming `query` (which must not take parameters: COPY has none). Its columns are described first with
 * `LIMIT 0`, for their names and types (COPY's own response carries neither).
 */
export async function startCopy(client: pg.Client, query: string): Promise<StartedCopy> {
  const described = await client.query({ text: `${query} LIMIT 0`, rowMode: 'array' });
  const out = new CopyOut(`COPY (${query}) TO STDOUT`);
  client.query(out);
  return {
    out,
    names: described.fields.map((f) => f.name),
    oids: described.fields.map((f) => f.dataTypeID),
  };
}

/**
 * Rows of a query streamed with `COPY (query) TO STDOUT` and parsed here, a batch at a time. One statement, no
 * round trip per batch (as a cursor's FETCH has), and the server streams as fast as the reader takes rows; the
 * stream pauses (TCP back-pressure) while a batch is out, so memory stays bounded by the stream's buffer.
 *
 * COPY's text format: rows end with `\n`, fields are separated by `\t`, `\N` is NULL, and in a value backslash,
 * newline, carriage return, tab, backspace, form feed and vertical tab are written `\\ \n \r \t \b \f \v` (COPY TO
 * never writes the octal or hex escapes). The text of a value is what the type's output function prints, the same
 * text a query returns, so {@link valueParser} turns it into the same record value.
 */
export class CopyRows {
  private readonly decoder = new StringDecoder('utf8');
  private readonly parsers: ValueParser[];
  private pending = '';
  private rows: Record<string, unknown>[] = [];
  private ended = false;

  private constructor(
    private readonly out: CopyOut,
    private readonly names: string[],
    oids: number[],
  ) {
    this.parsers = oids.map(valueParser);
  }

  /** Starts streaming `query` (see {@link startCopy}) into row objects. */
  static async open(client: pg.Client, query: string): Promise<CopyRows> {
    return CopyRows.from(await startCopy(client, query));
  }

  static from(copy: StartedCopy): CopyRows {
    return new CopyRows(copy.out, copy.names, copy.oids);
  }

  /** Up to `max` rows; fewer only when the query's rows are exhausted. */
  async read(max: number): Promise<Record<string, unknown>[]> {
    while (this.rows.length < max && !this.ended) {
      const next = await this.out.next();
      if (next === null) {
        this.ended = true;
        this.parse(this.decoder.end());
      } else {
        this.parse(this.decoder.write(next));
      }
    }
    if (this.rows.length <= max) {
      const out = this.rows;
      this.rows = [];
      return out;
    }
    return this.rows.splice(0, max);
  }

  /** Abandons the COPY; the connection is left mid-COPY and must be closed by the caller. */
  close(): void {
    this.out.close();
  }

  private parse(text: string): void {
    const data = this.pending + text;
    const names = this.names;
    const parsers = this.parsers;
    const last = names.length - 1;
    let at = 0;
    for (let eol = data.indexOf('\n', at); eol !== -1; eol = data.indexOf('\n', at)) {
      const row: Record<string, unknown> = {};
      for (let c = 0; c <= last; c++) {
        const tab = c === last ? eol : data.indexOf('\t', at);
        const end = tab === -1 || tab > eol ? eol : tab;
        const field = data.slice(at, end);
        row[names[c]!] =
          field === '\\N' ? null : parsers[c]!(field.includes('\\') ? unescapeField(field) : field);
        at = end + 1;
      }
      at = eol + 1;
      this.rows.push(row);
    }
    this.pending = data.slice(at);
  }
}

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** A COPY text field's value: `\x` becomes the character it stands for. */
export function unescapeField(field: string): string {
  return field.replace(/\\(.)/gs, (_m, c: string) => ESCAPES[c] ?? c);
}
