/**
 * A function making an object with these keys, in this order, from an array of their values, written as one object
 * literal: V8 then creates the object with every field in place at once. Adding the keys one by one by name costs
 * about ten times as much (each store by a computed name sees every key, and the object changes shape at each).
 *
 * The keys come from a file's header, so they are written as computed keys of JSON string literals: any text is a
 * valid, inert literal, and `["__proto__"]` makes an own property where `__proto__:` would set the prototype.
 * Where code generation from strings is disabled, the keys are added one by one instead.
 */
export function objectBuilder<T>(keys: readonly string[]): (values: ArrayLike<T>) => Record<string, T> {
  try {
    const fields = keys.map((k, i) => `[${JSON.stringify(k)}]: v[${i}]`).join(', ');
    return new Function('v', `return { ${fields} };`) as (values: ArrayLike<T>) => Record<string, T>;
  } catch {
    return (values) => {
      const out: Record<string, T> = {};
      for (let i = 0; i < keys.length; i++) out[keys[i]!] = values[i]!;
      return out;
    };
  }
}
