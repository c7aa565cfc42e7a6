/**
 * JSON text exactly as Kafka's JsonConverter writes it (Jackson, compact): no spaces, object keys in insertion
 * order, floats as Java's `Double.toString` / `Float.toString` spell them (`1.0`, `1.0E7`, `1.5E-4`), bytes as
 * base64. Matching it byte for byte lets Kafka's consumers and sluice's read each other's topics unchanged.
 */

/** A number that Java holds as a float or double, so it is written with a decimal point or an exponent. */
export class JavaFloat {
  constructor(
    readonly value: number,
    readonly single: boolean,
  ) {}
}

/**
 * The JSON tree the converter builds: plain JSON plus floats and bytes that need Java's spelling, and bigints for
 * longs beyond 2^53, written as their exact digits.
 */
export type JsonNode =
  | null
  | boolean
  | number
  | bigint
  | string
  | JavaFloat
  | Buffer
  | JsonNode[]
  | { [key: string]: JsonNode };

/** Shortest decimal digits that read back as the same float32. */
function float32Digits(value: number): string {
  for (let p = 1; p <= 9; p++) {
    const s = value.toPrecision(p);
    if (Math.fround(Number(s)) === value) return Number(s).toExponential();
  }
  return value.toExponential();
}

/** Java's `Double.toString` (JDK 19+, shortest round-trip digits) of a finite number. */
export function javaDouble(value: number, single = false): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(value);
  // In this range JS prints the same shortest digits in plain notation; Java only adds `.0` to whole numbers.
  if (!single && abs >= 1e-3 && abs < 1e7) {
    const plain = String(value);
    return plain.includes('.') ? plain : `${plain}.0`;
  }
  const exp = single ? float32Digits(value) : value.toExponential(); // e.g. "-1.2345e-7"
  const [mantissa, e] = exp.split('e') as [string, string];
  const exponent = Number(e);
  if (abs >= 1e-3 && abs < 1e7) {
    const negative = mantissa.startsWith('-');
    const digits = mantissa.replace('-', '').replace('.', '');
    let text: string;
    if (exponent >= 0) {
      const intPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
      const frac = digits.slice(exponent + 1) || '0';
      text = `${intPart}.${frac}`;
    } else {
      text = `0.${'0'.repeat(-exponent - 1)}${digits}`;
    }
    return negative ? `-${text}` : text;
  }
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${exponent}`;
}

/** Jackson escapes `"`, `\` and control characters, using short forms where JSON has them and `\u00XX` otherwise. */
export function quote(s: string): string {
  // Most text needs no escape at all: no quote, backslash, control character or surrogate (which JSON.stringify
  // would escape when unpaired). Checking that is cheaper than JSON.stringify and its scan for `\u00`.
  // Long text goes straight to JSON.stringify, whose native scan beats this loop.
  let plain = s.length <= 256;
  for (let i = 0; plain && i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) plain = false;
  }
  if (plain) return `"${s}"`;
  const json = JSON.stringify(s);
  if (!json.includes('\\u00')) return json;
  return json.replace(/\\u00([0-9a-f]{2})/g, (_m, hex: string) => `\\u00${hex.toUpperCase()}`);
}

/** Quoted object keys: records of a topic repeat the same few keys, so each is quoted once (the cache is bounded). */
const quotedKeys = new Map<string, string>();

export function quoteKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    if (quotedKeys.size >= 4096) quotedKeys.clear();
    quoted = quote(key);
    quotedKeys.set(key, quoted);
  }
  return quoted;
}

export function stringify(node: JsonNode): string {
  if (node === null) return 'null';
  if (typeof node === 'string') return quote(node);
  if (typeof node === 'number') return Number.isFinite(node) ? String(node) : quote(String(node));
  if (typeof node === 'boolean') return node ? 'true' : 'false';
  if (typeof node === 'bigint') return node.toString();
  if (node instanceof JavaFloat) {
    const text = javaDouble(node.value, node.single);
    return Number.isFinite(node.value) ? text : quote(text);
  }
  if (Buffer.isBuffer(node)) return `"${node.toString('base64')}"`;
  if (Array.isArray(node)) return `[${node.map(stringify).join(',')}]`;
  const parts: string[] = [];
  for (const key of Object.keys(node)) parts.push(`${quoteKey(key)}:${stringify(node[key] as JsonNode)}`);
  return `{${parts.join(',')}}`;
}
