import { stringifyJson } from '../client/exact-json.js';
import type { FieldChange } from './field-changes.js';
import type { InputDiff, OutputDiff, PipelineDiff, ShownRecord } from './replay-diff.js';

const json = (v: unknown) => (v === undefined ? '(none)' : stringifyJson(v));

function record(r: ShownRecord): string {
  return r.key === null ? json(r.value) : `key ${json(r.key)} value ${json(r.value)}`;
}

function change(c: FieldChange): string {
  return `${c.path}: ${json(c.before)} → ${json(c.after)}`;
}

function output(o: OutputDiff): string[] {
  const inLog = o.at ? ` (${o.at} in the log)` : '';
  switch (o.status) {
    case 'changed':
      return [`  ${o.topic}${inLog}:`, ...o.changes.map((c) => `      ${change(c)}`)];
    case 'dropped':
      return [`  ${o.topic}: no longer written${inLog}: ${record(o.before!)}`];
    case 'new':
      return [`  ${o.topic}: now written: ${record(o.after!)}`];
    default:
      return [];
  }
}

const STATUS: Record<InputDiff['status'], string> = {
  unchanged: 'unchanged',
  changed: 'changed',
  dropped: 'dropped (its outputs are no longer written: newly filtered out)',
  new: 'new (it gives outputs it did not give)',
};

/** One input whose outputs the edit changes: its place in the log, then each output that differs. */
export function formatInput(topic: string, r: InputDiff): string {
  const lines = [`${topic}:${r.partition}@${r.offset}  ${STATUS[r.status]}`];
  if (r.error?.before !== undefined && r.error.before !== r.error.after)
    lines.push(`  the old version fails the stream on it: ${r.error.before}`);
  if (r.error?.after !== undefined && r.error.before !== r.error.after)
    lines.push(`  the edited version fails the stream on it (no dead-letter topic): ${r.error.after}`);
  for (const o of r.outputs) lines.push(...output(o));
  return lines.join('\n');
}

/** The report for people: each input whose outputs change, then notes, the summary and the log check. */
export function formatDiff(d: PipelineDiff, header: string): string {
  const ranges = d.ranges.map((r) => `${r.partition}@${r.from}..${r.to - 1}`).join(', ');
  const lines = [
    `${header}, over ${d.topic} ${d.ranges.length === 0 || d.summary.inputs === 0 ? '(no records)' : ranges}`,
    `changed streams: ${d.changedStreams.join(', ') || 'none'}; replayed: ${d.replayed.join(', ') || 'none'}`,
    '',
  ];
  const changed = d.records.filter((r) => r.status !== 'unchanged');
  for (const r of changed) lines.push(formatInput(d.topic, r));
  if (changed.length > 0) lines.push('');
  for (const n of d.notes) lines.push(`note: ${n}`);
  const s = d.summary;
  lines.push(
    `${s.inputs} input${s.inputs === 1 ? '' : 's'}: ${s.unchanged} unchanged, ${s.changed} changed, ${s.dropped} dropped, ${s.new} new`,
  );
  const found = d.deployed.filter((c) => c.found === c.expected && c.expected > 0);
  if (found.length > 0)
    lines.push(
      `in the log: every record the old version gives for these inputs (${found.map((c) => `${c.expected} in ${c.topic}`).join(', ')})`,
    );
  return lines.join('\n');
}
