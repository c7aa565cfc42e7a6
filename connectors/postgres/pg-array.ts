/**
 * PostgreSQL's array literal, the text form of every array type:
 *
 *   array    => [ dims '=' ] '{' [ element { ',' element } ] '}'
 *   element  => array | 'NULL' | quoted | bare
 *   quoted   => '"' { any char but '"' and '\' | '\' any char } '"'
 *   bare     => chars up to the next ',' or '}' (surrounding white space is not part of it)
 *
 * `dims` (`[0:1]=`) appears only for arrays whose lower bound is not 1; it is skipped. The delimiter is ',' for
 * every built-in type but `box`.
 */

/** Parses an array literal, converting each non-NULL element with `parse`. */
export function parseArray(text: string, parse: (element: string) => unknown): unknown[] {
  let i = text.startsWith('[') ? text.indexOf('=') + 1 : 0;
  const read = (): unknown[] => {
    const out: unknown[] = [];
    i++; // '{'
    while (i < text.length) {
      const ch = text[i];
      if (ch === '}') {
        i++;
        return out;
      }
      if (ch === ',' || ch === ' ') {
        i++;
      } else if (ch === '{') {
        out.push(read());
      } else if (ch === '"') {
        let s = '';
        i++;
        while (text[i] !== '"') {
          if (text[i] === '\\') i++;
          s += text[i++];
        }
        i++;
        out.push(parse(s));
      } else {
        const start = i;
        while (text[i] !== ',' && text[i] !== '}') i++;
        const bare = text.slice(start, i).trim();
        out.push(bare === 'NULL' ? null : parse(bare));
      }
    }
    return out;
  };
  return read();
}

/** Writes `values` as an array literal; every element is quoted, so no content can break out of it. */
export function formatArray(values: readonly unknown[], format: (element: unknown) => string): string {
  const parts = values.map((v) => {
    if (v === null || v === undefined) return 'NULL';
    if (Array.isArray(v)) return formatArray(v, format);
    return `"${format(v).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
  });
  return `{${parts.join(',')}}`;
}
