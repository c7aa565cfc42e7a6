import { isMap, isScalar, isSeq, type Node, parseDocument, stringify } from 'yaml';
import type { InputDiff, PipelineDiff, ShownRecord } from './replay-diff.js';

/** A `tests:` case as the pipeline file holds it (see `testSchema`). */
export interface SavedTest {
  name: string;
  input: Record<string, Record<string, unknown>[]>;
  expect: Record<string, Record<string, unknown>[]>;
}

function inputRecord(r: ShownRecord): Record<string, unknown> {
  const headers = Object.fromEntries(
    Object.entries(r.headers).filter((e): e is [string, string] => e[1] !== null),
  );
  return {
    ...(r.key !== null ? { key: r.key } : {}),
    value: r.value,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    timestamp: r.timestamp,
  };
}

/**
 * One `tests:` case per input whose outputs the edit changes: the record as it is in the log, and what the edited
 * version writes for it in every topic its replayed streams write (none at all is an expectation too: a record now
 * filtered out). Inputs the edited version fails on are left out: they would make a failing test. At most `limit`
 * cases; names already taken in `taken` get a suffix.
 */
export function diffTests(
  d: PipelineDiff,
  limit: number,
  taken: ReadonlySet<string> = new Set(),
): { tests: SavedTest[]; failing: number; beyondLimit: number } {
  const changed = d.records.filter((r) => r.status !== 'unchanged');
  const usable = changed.filter((r) => r.error?.after === undefined);
  const names = new Set(taken);
  const tests = usable.slice(0, limit).map((r: InputDiff) => {
    let name = `${d.topic}:${r.partition}@${r.offset} ${r.status} by the edit`;
    for (let n = 2; names.has(name); n++)
      name = `${d.topic}:${r.partition}@${r.offset} ${r.status} by the edit (${n})`;
    names.add(name);
    const expect: SavedTest['expect'] = {};
    for (const topic of d.written) {
      expect[topic] = r.outputs
        .filter((o) => o.topic === topic && o.after)
        .map((o) => ({ ...(o.after!.key !== null ? { key: o.after!.key } : {}), value: o.after!.value }));
    }
    return { name, input: { [d.topic]: [inputRecord(r.input)] }, expect };
  });
  return {
    tests,
    failing: changed.length - usable.length,
    beyondLimit: Math.max(0, usable.length - limit),
  };
}

/** The names of the `tests:` cases a pipeline file already has. */
export function testNames(text: string): Set<string> {
  const tests = parseDocument(text).toJS()?.tests;
  return new Set(
    Array.isArray(tests) ? tests.map((t: { name?: unknown }) => String(t?.name)).filter(Boolean) : [],
  );
}

const indent = (block: string, by: number) =>
  block
    .split('\n')
    .map((line) => (line === '' ? line : ' '.repeat(by) + line))
    .join('\n');

const columnOf = (text: string, offset: number) => offset - (text.lastIndexOf('\n', offset - 1) + 1);

/** Where the line holding `offset - 1` ends: just after its newline. */
function endOfLine(text: string, offset: number): number {
  const nl = text.indexOf('\n', Math.max(0, offset - 1));
  return nl < 0 ? text.length : nl + 1;
}

function insert(text: string, at: number, block: string): string {
  const before = text.slice(0, at);
  return `${before}${before.endsWith('\n') || before === '' ? '' : '\n'}${block}${text.slice(at)}`;
}

/**
 * `text` (a pipeline file) with `tests` added at the end of its `tests:` list, changing nothing else in the file:
 * comments, order and layout stay. A file without `tests:` gets one at the end.
 */
export function appendTests(text: string, tests: readonly SavedTest[]): string {
  if (tests.length === 0) return text;
  const block = stringify(tests, { lineWidth: 0 });
  const doc = parseDocument(text);
  const root = doc.contents;
  const pair = isMap(root) ? root.items.find((p) => isScalar(p.key) && p.key.value === 'tests') : undefined;
  if (!pair) return insert(text, text.length, `\ntests:\n${indent(block, 2)}`);
  const value = pair.value as Node | null;
  if (isSeq(value) && !value.flow && value.items.length > 0 && value.range) {
    const first = value.items[0] as Node;
    const column = first.range ? columnOf(text, first.range[0]) - 2 : 2;
    return insert(text, endOfLine(text, value.range[1]), indent(block, Math.max(0, column)));
  }
  // `tests: []`, `tests: [ ... ]` or `tests:` with nothing: a block list of the old cases and the new ones.
  const old = isSeq(value) ? (value.toJSON() as unknown[]) : [];
  const all = `\n${indent(stringify([...old, ...tests], { lineWidth: 0 }), 2)}`;
  if (value?.range)
    return `${text.slice(0, value.range[0]).trimEnd()}${all.trimEnd()}\n${text.slice(value.range[1]).replace(/^[ \t]*\n?/, '')}`;
  const keyEnd = isScalar(pair.key) && pair.key.range ? pair.key.range[1] : text.length;
  const lineEnd = endOfLine(text, keyEnd + 1);
  return insert(text, lineEnd, all.slice(1));
}
