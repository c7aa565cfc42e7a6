/**
 * Identifiers are always quoted, and values always travel as parameters (or as COPY data), so a table or column
 * named `x"; drop table t; --` is just a name.
 */

/** `my "odd" name` → `"my ""odd"" name"`. */
export function quoteIdent(name: string): string {
  if (name.includes('\0')) throw new Error(`identifier ${JSON.stringify(name)} contains a NUL character`);
  return `"${name.replaceAll('"', '""')}"`;
}

/** A schema-qualified table name. */
export interface TableId {
  schema: string;
  table: string;
}

/** `"public"."orders"`. */
export function quoteTable(id: TableId): string {
  return `${quoteIdent(id.schema)}.${quoteIdent(id.table)}`;
}

/** `public.orders`, as offsets, topics and messages name a table. */
export function tableName(id: TableId): string {
  return `${id.schema}.${id.table}`;
}

/**
 * Parses `schema.table` or `table` (then in `defaultSchema`). Names with a dot in them are written quoted:
 * `"my.schema"."t"`. Unquoted names are taken as they are written (no case folding), since Kafka Connect users
 * write them as they appear in the catalog.
 */
export function parseTableId(text: string, defaultSchema = 'public'): TableId {
  const parts: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      let name = '';
      i++;
      while (i < text.length) {
        if (text[i] === '"' && text[i + 1] === '"') {
          name += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else name += text[i++];
      }
      parts.push(name);
    } else {
      const dot = text.indexOf('.', i);
      const end = dot === -1 ? text.length : dot;
      parts.push(text.slice(i, end).trim());
      i = end;
    }
    if (text[i] === '.') i++;
  }
  if (parts.length === 1) return { schema: defaultSchema, table: parts[0]! };
  return { schema: parts.slice(0, -1).join('.'), table: parts[parts.length - 1]! };
}

/**
 * Whether `name` (`schema.table`) matches one of the patterns of a `table.include.list`-style option. Like
 * Debezium's, each pattern is a regular expression anchored at both ends, so `public.orders` matches only that
 * table and `public\..*` every table of `public`.
 */
export function matchesAny(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => new RegExp(`^(?:${p})$`).test(name));
}
