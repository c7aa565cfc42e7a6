import type { PipelineSpec } from './schema.js';

/** What happened to one kind of component between two versions of a pipeline file, by component name. */
export interface ComponentChanges {
  added: string[];
  removed: string[];
  /** Present in both versions with a different definition: restarted on reload. */
  changed: string[];
  /** Present in both versions with the same definition: left running, with its offsets and state. */
  unchanged: string[];
}

/** The difference between a running pipeline and an edited version of its file. */
export interface PipelineChanges {
  /**
   * Set when nothing can be kept: the log or the pipeline name (which names every consumer group and offsets
   * topic) changed. Then the whole pipeline is stopped and started again.
   */
  restartAll?: string;
  sources: ComponentChanges;
  streams: ComponentChanges;
  sinks: ComponentChanges;
  /** Declared topics whose partitions or config changed: a reload does not alter existing topics. */
  topicsNotAltered: string[];
}

/** Compares two valid versions of a pipeline: which sources, streams and sinks a reload must start, stop or restart. */
export function pipelineChanges(before: PipelineSpec, after: PipelineSpec): PipelineChanges {
  const restartAll =
    stableJson(before.log) !== stableJson(after.log)
      ? 'the log changed'
      : before.name !== after.name
        ? 'the pipeline name changed'
        : undefined;
  const topicsNotAltered = Object.keys(after.topics).filter(
    (t) => before.topics[t] !== undefined && stableJson(before.topics[t]) !== stableJson(after.topics[t]),
  );
  return {
    ...(restartAll ? { restartAll } : {}),
    sources: compare(before.sources, after.sources),
    streams: compare(before.streams, after.streams),
    sinks: compare(before.sinks, after.sinks),
    topicsNotAltered,
  };
}

/** True when a reload would start, stop or restart nothing. */
export function nothingChanged(c: PipelineChanges): boolean {
  return (
    c.restartAll === undefined &&
    [c.sources, c.streams, c.sinks].every(
      (k) => k.added.length === 0 && k.removed.length === 0 && k.changed.length === 0,
    )
  );
}

/** One line for people: `restarted stream parse; started sink out; unchanged: source app-log, stream problems`. */
export function describeChanges(c: PipelineChanges): string {
  if (c.restartAll) return `restarted everything (${c.restartAll})`;
  const kinds = [
    ['source', c.sources],
    ['stream', c.streams],
    ['sink', c.sinks],
  ] as const;
  const list = (pick: (k: ComponentChanges) => string[]) =>
    kinds.flatMap(([kind, changes]) => pick(changes).map((name) => `${kind} ${name}`)).join(', ');
  const parts: string[] = [];
  const restarted = list((k) => k.changed);
  const started = list((k) => k.added);
  const stopped = list((k) => k.removed);
  const kept = list((k) => k.unchanged);
  if (restarted) parts.push(`restarted ${restarted}`);
  if (started) parts.push(`started ${started}`);
  if (stopped) parts.push(`stopped ${stopped}`);
  if (parts.length === 0) parts.push('no source, stream or sink changed: nothing restarted');
  if (kept) parts.push(`unchanged: ${kept}`);
  if (c.topicsNotAltered.length > 0)
    parts.push(
      `topic settings not applied to existing topics ${c.topicsNotAltered.join(', ')} (use sluice topics alter)`,
    );
  return parts.join('; ');
}

function compare<T extends { name: string }>(before: readonly T[], after: readonly T[]): ComponentChanges {
  const old = new Map(before.map((c) => [c.name, stableJson(c)]));
  const out: ComponentChanges = { added: [], removed: [], changed: [], unchanged: [] };
  const names = new Set(after.map((c) => c.name));
  for (const c of after) {
    const previous = old.get(c.name);
    if (previous === undefined) out.added.push(c.name);
    else if (previous === stableJson(c)) out.unchanged.push(c.name);
    else out.changed.push(c.name);
  }
  for (const c of before) if (!names.has(c.name)) out.removed.push(c.name);
  return out;
}

/** JSON with object keys sorted, so that reordering keys in the file is not a change. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}
