/**
 * Formats rows as CSV text the way RFC 4180 (and csv-stringify's defaults) do: a cell is quoted only when it holds
 * the delimiter, the quote character or a line break, and a quote inside a quoted cell is doubled. Rows end with
 * `\n`. Written for the sink's hot path: one string per batch of rows, no per-cell options lookup or callbacks.
 */
export class RowFormatter {
  private readonly needsQuotes: RegExp;
  private readonly quotes: RegExp;
  private readonly doubled: string;
  /** Whether no number or boolean can hold the delimiter or the quote (`-` or `.` as delimiter, say). */
  private readonly plainNumbers: boolean;

  constructor(
    private readonly delimiter: string,
    private readonly quote: string,
    /** How a null or missing cell is written. */
    private readonly nullValue: string,
  ) {
    const d = escapeRegExp(delimiter);
    const q = escapeRegExp(quote);
    // One character class when both are single characters: quicker to test than the alternation.
    this.needsQuotes =
      delimiter.length === 1 && quote.length === 1
        ? new RegExp(`[\\r\\n${unicodeEscape(delimiter)}${unicodeEscape(quote)}]`)
        : new RegExp(`[\\r\\n]|${d}|${q}`);
    this.quotes = new RegExp(q, 'g');
    this.plainNumbers = ![...delimiter, ...quote].some((c) => NUMBER_CHARS.includes(c));
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
        text = String(value);
        if (this.plainNumbers) return text;
        break;
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

  /**
   * {@link fields} for `columns`, as a function written for them: it reads each field by its name as a constant,
   * which is several times quicker than by a name in a variable when every record has the same shape. Where code
   * generation from strings is disabled, it is {@link fields} itself.
   */
  compile(columns: readonly string[]): (record: Readonly<Record<string, unknown>>) => string {
    try {
      const cells = columns.map((c) => `cell(r[${JSON.stringify(c)}])`).join(' + d + ');
      const make = new Function('cell', 'd', `return (r) => ${cells || "''"} + '\\n';`) as (
        cell: (value: unknown) => string,
        delimiter: string,
      ) => (record: Readonly<Record<string, unknown>>) => string;
      return make((value) => this.cell(value), this.delimiter);
    } catch {
      return (record) => this.fields(record, columns);
    }
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

/** Every character that the text of a number, a bigint or a boolean can hold. */
const NUMBER_CHARS = '0123456789+-.eEInfinityNaNtruefals';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A character as `\uXXXX`, which means it alone inside a character class, whatever it is (`-`, `]`, `^`). */
function unicodeEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
