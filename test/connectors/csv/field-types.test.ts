import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CellError, convertCell, type FieldSpec } from '../../../connectors/csv/field-types.js';

const long: FieldSpec = { name: 'n', type: 'long', nullable: false };
const boolean: FieldSpec = { name: 'b', type: 'boolean', nullable: false };

/**
 * What a long cell means, spelled out: optional sign and digits, spaces around allowed, exact within ±2^53; a long
 * has no -0.
 */
function expectedLong(text: string): number | 'error' {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) return 'error';
  const n = Number(t);
  return Number.isSafeInteger(n) ? n + 0 : 'error';
}

const outcome = (fn: () => unknown) => {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CellError) return 'error';
    throw err;
  }
};

describe('connectors › csv › field types', () => {
  it('reads a long cell as its exact value, or refuses it, whatever its text', () => {
    const text = fc.string({
      unit: fc.constantFrom('0', '1', '7', '9', '-', '+', ' ', '.', 'e', 'x'),
      maxLength: 20,
    });
    const digits = fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }).map(String);
    fc.assert(
      fc.property(fc.oneof(text, digits), (t) => {
        fc.pre(t !== '');
        expect(outcome(() => convertCell(long, t))).toEqual(expectedLong(t));
      }),
    );
    expect(convertCell(long, '-0')).toBe(0);
    expect(convertCell(long, ' -0')).toBe(0);
    expect(convertCell(long, '+42')).toBe(42);
    expect(convertCell(long, ' 7 ')).toBe(7);
    expect(outcome(() => convertCell(long, '9007199254740993'))).toBe('error');
  });

  it('reads booleans in the spellings it documents, any case, spaces around', () => {
    for (const t of ['true', 'TRUE', ' yes', 'Y', '1', 't']) expect(convertCell(boolean, t)).toBe(true);
    for (const t of ['false', 'False ', 'no', 'N', '0', 'f']) expect(convertCell(boolean, t)).toBe(false);
    expect(outcome(() => convertCell(boolean, 'maybe'))).toBe('error');
  });
});
