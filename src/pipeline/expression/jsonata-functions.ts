/**
 * Every built-in function of jsonata 1.8 with its signature, as it registers them: what validation checks calls
 * against (an unknown name, or a number of arguments no call can match, is an error at `sluice validate`).
 */
const signatures: Record<string, string> = {
  sum: '<a<n>:n>',
  count: '<a:n>',
  max: '<a<n>:n>',
  min: '<a<n>:n>',
  average: '<a<n>:n>',
  string: '<x-b?:s>',
  substring: '<s-nn?:s>',
  substringBefore: '<s-s:s>',
  substringAfter: '<s-s:s>',
  lowercase: '<s-:s>',
  uppercase: '<s-:s>',
  length: '<s-:n>',
  trim: '<s-:s>',
  pad: '<s-ns?:s>',
  match: '<s-f<s:o>n?:a<o>>',
  contains: '<s-(sf):b>',
  replace: '<s-(sf)(sf)n?:s>',
  split: '<s-(sf)n?:a<s>>',
  join: '<a<s>s?:s>',
  formatNumber: '<n-so?:s>',
  formatBase: '<n-n?:s>',
  formatInteger: '<n-s:s>',
  parseInteger: '<s-s:n>',
  number: '<(nsb)-:n>',
  floor: '<n-:n>',
  ceil: '<n-:n>',
  round: '<n-n?:n>',
  abs: '<n-:n>',
  sqrt: '<n-:n>',
  power: '<n-n:n>',
  random: '<:n>',
  boolean: '<x-:b>',
  not: '<x-:b>',
  map: '<af>',
  zip: '<a+>',
  filter: '<af>',
  single: '<af?>',
  reduce: '<afj?:j>',
  sift: '<o-f?:o>',
  keys: '<x-:a<s>>',
  lookup: '<x-s:x>',
  append: '<xx:a>',
  exists: '<x:b>',
  spread: '<x-:a<o>>',
  merge: '<a<o>:o>',
  reverse: '<a:a>',
  each: '<o-f:a>',
  error: '<s?:x>',
  assert: '<bs?:x>',
  type: '<x:s>',
  sort: '<af?:a>',
  shuffle: '<a:a>',
  distinct: '<x:x>',
  base64encode: '<s-:s>',
  base64decode: '<s-:s>',
  encodeUrlComponent: '<s-:s>',
  encodeUrl: '<s-:s>',
  decodeUrlComponent: '<s-:s>',
  decodeUrl: '<s-:s>',
  eval: '<sx?:x>',
  toMillis: '<s-s?:n>',
  fromMillis: '<n-s?s?:s>',
  clone: '<(oa)-:o>',
  now: '<s?s?:s>',
  millis: '<:n>',
};

export function isJsonataFunction(name: string): boolean {
  return Object.hasOwn(signatures, name);
}

/**
 * How many arguments a call of the function can have and still match its signature: each parameter takes one
 * argument; one marked `?` or `-` (the context value stands in) may be left out, one marked `+` repeats.
 */
export function arityOf(name: string): { min: number; max: number } | undefined {
  const signature = signatures[name];
  if (signature === undefined) return undefined;
  const params = signature
    .slice(1, -1)
    .replace(/<[^<>]*(<[^<>]*>[^<>]*)*>/g, '') // type parameters: a<n>, f<s:o>
    .replace(/\([^)]*\)/g, 'c') // a choice of types is one parameter
    .split(':')[0];
  let min = 0;
  let max = 0;
  for (let i = 0; i < params.length; i++) {
    const modifier = params[i + 1];
    if (modifier === '?' || modifier === '-' || modifier === '+') i++;
    max = modifier === '+' || max === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : max + 1;
    if (modifier !== '?' && modifier !== '-') min++;
  }
  return { min, max };
}

export function jsonataFunctionNames(): string[] {
  return Object.keys(signatures);
}
