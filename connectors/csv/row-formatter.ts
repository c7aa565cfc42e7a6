/**
 * Formats rows as CSV text the way RFC 4180 (and csv-stringify's defaults) do: a cell is quoted only when it holds
 * the delimiter, the quote character or a line break, and a quote inside a quoted cell is doubled. Rows end with
 * `\n`. Written for the sink's hot path: one string per batch of rows, no per-cell options lookup or callbacks.
 */
export class RowFormatter {
  private readonly needsQuotes: RegExp;
  private readonly quotes: RegExp;
  private readonly doubled: string;

  constructor(
    private readonly delimiter: string,
    private readonly quote: string,
    /** How a null or missing cell is written. */
    private readonly nullValue: string,
  ) {
    const d = escapeRegExp(delimiter);
    const q = escapeRegExp(quote);
    this.needsQuotes = new RegExp(`[\\r\\n]|${d}|${q}`);
    this.quotes = new RegExp(q, 'g');
    this.doubled = quote + quote;
  }

  /** The text of one cell: dates in ISO 8601, bytes in base64, objects and arrays as JSON. */
  cell(value: unknown): string {
    if (value === null || value === undefined) return this.nullValue;
    let text: string;
    switch (typeof value) {
      case 'string':
        text = value;
        break;
      case 'number':
      case 'bigint':
      case 'boolean':
        return String(value);
      default:
        text =
          value instanceof Date
            ? value.toISOString()
            : Buffer.isBuffer(value)
              ? value.toString('base64')
              : JSON.stringify(value);
    }
    if (!this.needsQuotes.test(text)) return text;
    return this.quote + text.replace(this.quotes, this.doubled) + this.quote;
  }

  /** One row from a record's fields, in the order of `columns`; a missing field is null. */
  fields(record: Readonly<Record<string, unknown>>, columns: readonly string[]): string {
    let line = '';
    for (let i = 0; i < columns.length; i++) {
      if (i > 0) line += this.delimiter;
      line += this.cell(record[columns[i]!]);
    }
    return `${line}\n`;
  }

  /** One row: the cells in order, separated by the delimiter, ended by a line break. */
  row(values: readonly unknown[]): string {
    let line = '';
    for (let i = 0; i < values.length; i++) {
      if (i > 0) line += this.delimiter;
      line += this.cell(values[i]);
    }
    return `${line}\n`;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
