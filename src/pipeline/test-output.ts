import { differences, failureLine, isObject, show } from './differences.js';
import type { ExpectedOutputSpec } from './schema.js';
import type { OutputLine } from './test-connectors.js';

/**
 * The fields of a line a sink wrote, for naming what differs: a JSON object line's own fields, else what the sink
 * tells of its format (a CSV row's columns by its header); undefined when neither applies.
 */
export type LineFields = (line: string, header: string) => Record<string, unknown> | undefined;

function fieldsOf(line: string, header: string, sinkFields: LineFields): Record<string, unknown> | undefined {
  if (line.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(line);
      if (isObject(parsed)) return parsed;
    } catch {
      // not JSON after all: the sink's own format may tell
    }
  }
  return sinkFields(line, header);
}

/** Why the line `expected` is not `actual`: the fields that differ when both have fields, else both lines. */
function lineDifferences(expected: string, actual: OutputLine, sinkFields: LineFields): string[] {
  const e = fieldsOf(expected, actual.header, sinkFields);
  const a = fieldsOf(actual.text, actual.header, sinkFields);
  const why = e && a ? differences('', e, a, false) : [];
  return why.length > 0 ? why : [`expected ${show(expected)}, got ${show(actual.text)}`];
}

/**
 * Why the lines a sink wrote do not meet `expected`, one entry per line that is missing, unexpected or different
 * (naming the fields that differ), and per `contains` line found nowhere (with the nearest line's differences).
 */
export function outputMismatches(
  sink: string,
  expected: ExpectedOutputSpec,
  actual: OutputLine[],
  sinkFields: LineFields,
): string[] {
  const failures: string[] = [];
  if (expected.lines !== undefined) {
    const n = Math.max(expected.lines.length, actual.length);
    for (let i = 0; i < n; i++) {
      const e = expected.lines[i];
      const a = actual[i];
      const where = `${sink} line ${i + 1}`;
      if (e !== undefined && !a) failures.push(`${where}: missing; expected ${show(e)}`);
      else if (e === undefined && a) failures.push(`${where}: unexpected ${show(a.text)}`);
      else if (e !== undefined && a && e !== a.text)
        failures.push(failureLine(where, lineDifferences(e, a, sinkFields)));
    }
  }
  for (const e of expected.contains ?? []) {
    if (actual.some((a) => a.text === e)) continue;
    // The nearest line: the one with the fewest fields different, among those whose fields can be told.
    let nearest: { line: number; why: string[] } | undefined;
    for (const [i, a] of actual.entries()) {
      const ef = fieldsOf(e, a.header, sinkFields);
      const af = fieldsOf(a.text, a.header, sinkFields);
      if (!ef || !af) continue;
      const why = differences('', ef, af, false);
      if (!nearest || why.length < nearest.why.length) nearest = { line: i + 1, why };
    }
    const head = `${sink}: no line is ${show(e)} (${actual.length} line${actual.length === 1 ? '' : 's'} written)`;
    failures.push(nearest ? failureLine(`${head}; nearest is line ${nearest.line}`, nearest.why) : head);
  }
  return failures;
}
