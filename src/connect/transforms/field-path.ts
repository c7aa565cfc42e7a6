/**
 * Field paths as Kafka's `field.syntax.version` reads them: V1 takes the name literally; V2 splits it at dots
 * into a path into nested structs and maps (`after.id`), with a dot inside backticks kept (`` `a.b`.c ``).
 */
export function fieldPath(name: string, version: 'V1' | 'V2'): string[] {
  if (version === 'V1') return [name];
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of name) {
    if (ch === '`') quoted = !quoted;
    else if (ch === '.' && !quoted) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}
