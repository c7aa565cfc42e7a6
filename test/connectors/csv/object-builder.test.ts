import { describe, expect, it } from 'vitest';
import { objectBuilder } from '../../../connectors/csv/object-builder.js';

describe('connectors › csv › object builder', () => {
  it('makes plain objects with the keys in order, whatever a header names its columns', () => {
    const keys = [
      'id',
      '__proto__',
      'constructor',
      'a b',
      '"quoted"',
      '`x`${1}',
      '\u2028',
      '}; throw 1; ({',
      '',
    ];
    const build = objectBuilder<unknown>(keys);
    const values = keys.map((_, i) => i);
    const made = build(values);
    expect(Object.getPrototypeOf(made)).toBe(Object.prototype);
    expect(Object.keys(made)).toEqual(keys);
    expect(Object.values(made)).toEqual(values);
    expect(Object.hasOwn(made, '__proto__')).toBe(true);
    // Each call makes a new object from the values it is given.
    const again = build(values.map((v) => v * 2));
    expect(again).not.toBe(made);
    expect(again.id).toBe(0);
    expect(again['a b']).toBe(6);
  });
});
