import type { Client } from '../client/index.js';
import { SluiceError, UnknownTopicError } from '../errors.js';
import { type FieldChange, fieldChanges } from './field-changes.js';
import { pipelineChanges } from './pipeline-changes.js';
import { readRanges } from './read-ranges.js';
import { type PartitionRange, type ReplayFrom, replayRanges } from './replay-from.js';
import { type ReplayPlan, replayPlan, type StoppedStream } from './replay-plan.js';
import {
  decodeBytes,
  headerObject,
  Replayer,
  type ReplayInput,
  type ReplayOutcome,
  type ReplayOutput,
} from './replayer.js';
import type { PipelineSpec } from './schema.js';

/** A record as the report shows it. */
export interface ShownRecord {
  key: unknown;
  value: unknown;
  headers: Record<string, string | null>;
  timestamp: number;
}

/**
 * What became of one output record: the same in both versions, different (field by field), no longer written
 * (`dropped`: newly filtered out, or now written elsewhere), or written only by the edit (`new`).
 */
export interface OutputDiff {
  topic: string;
  status: 'unchanged' | 'changed' | 'dropped' | 'new';
  before?: ShownRecord;
  after?: ShownRecord;
  changes: FieldChange[];
  /** Where `before` is in the log (`orders-clean-0@17`), when it was found there. */
  at?: string;
}

/** What the edit does to one input record's outputs. */
export interface InputDiff {
  partition: number;
  offset: number;
  /** `dropped`: it gave outputs and gives none now; `new`: it gave none and gives some now. */
  status: 'unchanged' | 'changed' | 'dropped' | 'new';
  input: ShownRecord;
  outputs: OutputDiff[];
  /** A stream failing on the record (no dead-letter topic): the running pipeline stops there. */
  error?: { before?: string; after?: string };
}

export interface DiffSummary {
  inputs: number;
  unchanged: number;
  changed: number;
  dropped: number;
  new: number;
}

/** Of the records the old version gives for the replayed inputs, how many are in the log's topic. */
export interface DeployedCheck {
  topic: string;
  expected: number;
  found: number;
}

export interface PipelineDiff {
  topic: string;
  ranges: PartitionRange[];
  /** Streams whose definition differs between the versions (changed, added or removed). */
  changedStreams: string[];
  /** Streams the edited version replays. */
  replayed: string[];
  /** Streams reached by the records but not replayed (stateful), in the edited version. */
  stopped: StoppedStream[];
  /** Things the reader should know about what was and was not compared. */
  notes: string[];
  summary: DiffSummary;
  /** Every input, in partition then offset order, with what it gives in each version. */
  records: InputDiff[];
  /** Topics the edited version's replayed streams write (for expectations of saved tests). */
  written: string[];
  deployed: DeployedCheck[];
}

export interface DiffOptions {
  client: Client;
  /** The version that produced the log. */
  before: PipelineSpec;
  /** The edited version. */
  after: PipelineSpec;
  from: ReplayFrom;
  /** Directory module steps are relative to (the pipeline file's). */
  baseDir: string;
  /** Compare the stateless streams even when a changed stream is stateful (and say it was left out). */
  skipStateful?: boolean;
}

/** The `--from` topic must be one a stream of the edited version reads. */
export function checkReplayTopic(spec: PipelineSpec, topic: string): void {
  if (spec.streams.some((s) => s.from.includes(topic))) return;
  const read = [...new Set(spec.streams.flatMap((s) => s.from))].sort();
  throw new SluiceError(
    'DIFF_TOPIC_NOT_READ',
    `--from ${topic}: no stream of the pipeline reads topic ${JSON.stringify(topic)}${read.length ? `; its streams read ${read.join(', ')}` : '; it has no streams'}`,
  );
}

function stateful(name: string, plans: ReplayPlan[]): StoppedStream | undefined {
  for (const plan of plans) {
    const found = plan.stopped.find((s) => s.stream === name);
    if (found) return found;
  }
  return undefined;
}

const shown = (r: ReplayOutput | ReplayInput): ShownRecord =>
  'topic' in r
    ? { key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp }
    : {
        key: decodeBytes(r.key),
        value: decodeBytes(r.value),
        headers: headerObject(r.headers),
        timestamp: r.timestamp,
      };

/** Compares what one input gave in the old version with what it gives in the edited one, topic by topic. */
function compareOutcomes(input: ReplayInput, before: ReplayOutcome, after: ReplayOutcome): InputDiff {
  const topics = [...new Set([...before.outputs, ...after.outputs].map((o) => o.topic))].sort();
  const outputs: OutputDiff[] = [];
  for (const topic of topics) {
    const old = before.outputs.filter((o) => o.topic === topic);
    const now = after.outputs.filter((o) => o.topic === topic);
    for (let i = 0; i < Math.max(old.length, now.length); i++) {
      const b = old[i];
      const a = now[i];
      if (b && a) {
        const changes = [
          ...fieldChanges('key', b.key, a.key),
          ...fieldChanges('value', b.value, a.value),
          ...fieldChanges('headers', b.headers, a.headers),
          ...(b.timestamp !== a.timestamp
            ? [{ path: 'timestamp', before: b.timestamp, after: a.timestamp }]
            : []),
        ];
        outputs.push({
          topic,
          status: changes.length === 0 ? 'unchanged' : 'changed',
          before: shown(b),
          after: shown(a),
          changes,
        });
      } else if (b) outputs.push({ topic, status: 'dropped', before: shown(b), changes: [] });
      else if (a) outputs.push({ topic, status: 'new', after: shown(a), changes: [] });
    }
  }
  const sameError = before.error === after.error;
  const status: InputDiff['status'] =
    sameError && outputs.every((o) => o.status === 'unchanged')
      ? 'unchanged'
      : sameError && before.outputs.length > 0 && after.outputs.length === 0
        ? 'dropped'
        : sameError && before.outputs.length === 0 && after.outputs.length > 0
          ? 'new'
          : 'changed';
  const error =
    before.error !== undefined || after.error !== undefined
      ? {
          ...(before.error !== undefined ? { before: before.error } : {}),
          ...(after.error !== undefined ? { after: after.error } : {}),
        }
      : undefined;
  return {
    partition: input.partition,
    offset: input.offset,
    status,
    input: shown(input),
    outputs,
    ...(error ? { error } : {}),
  };
}

const signature = (key: Buffer | null, value: Buffer | null) =>
  `${key === null ? '-' : key.toString('base64')}|${value === null ? '-' : value.toString('base64')}`;

/**
 * Finds the old version's outputs in the log: the records that running version wrote from these inputs. Reads the
 * last K records of each partition of each output topic (K: how many the old version gives for it), and pairs
 * records by their key and value bytes, in order. Sets `at` on each output found.
 */
async function locateInLog(
  client: Client,
  records: InputDiff[],
  befores: Map<OutputDiff, ReplayOutput>,
): Promise<DeployedCheck[]> {
  const byTopic = new Map<string, OutputDiff[]>();
  for (const r of records)
    for (const o of r.outputs) {
      if (!befores.has(o)) continue;
      const list = byTopic.get(o.topic);
      if (list) list.push(o);
      else byTopic.set(o.topic, [o]);
    }
  const topics = new Set(await client.admin().listTopics());
  const checks: DeployedCheck[] = [];
  for (const [topic, outputs] of [...byTopic].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const check = { topic, expected: outputs.length, found: 0 };
    checks.push(check);
    if (!topics.has(topic)) continue;
    const partitions = await client.admin().partitionOffsets(topic);
    const ranges = partitions.map((p) => ({
      partition: p.partition,
      from: Math.max(p.logStartOffset, p.highWatermark - outputs.length),
      to: p.highWatermark,
    }));
    const where = new Map<string, string[]>();
    for (const [partition, read] of await readRanges(client, topic, ranges))
      for (const r of read) {
        const sig = signature(r.key, r.value);
        const at = `${topic}-${partition}@${r.offset}`;
        const list = where.get(sig);
        if (list) list.push(at);
        else where.set(sig, [at]);
      }
    for (const o of outputs) {
      const b = befores.get(o)!;
      const at = where.get(signature(b.bytes.key, b.bytes.value))?.shift();
      if (at !== undefined) {
        o.at = at;
        check.found++;
      }
    }
  }
  return checks;
}

/**
 * Replays records of the log through two versions of a pipeline and says, record by record and field by field,
 * what the edit changes. Only stateless streams are replayed (see {@link replayPlan}); a changed stream that holds
 * state is refused (or, with `skipStateful`, left out and said so). The old version's outputs are looked up in the
 * log, so the report also says whether the log holds what that version gives.
 */
export async function diffPipeline(o: DiffOptions): Promise<PipelineDiff> {
  const { topic } = o.from;
  checkReplayTopic(o.after, topic);
  const beforePlan = replayPlan(o.before, topic);
  const afterPlan = replayPlan(o.after, topic);
  const changes = pipelineChanges(o.before, o.after).streams;
  const changedStreams = [...changes.changed, ...changes.added, ...changes.removed];
  const notes: string[] = [];
  for (const name of changedStreams) {
    const held = stateful(name, [afterPlan, beforePlan]);
    if (!held) continue;
    const why = `stream ${name} changed and holds state (${held.step}): a replay of the last records cannot give what windows, aggregates, dedupe and joins gave, as those depend on records before them`;
    if (!o.skipStateful)
      throw new SluiceError(
        'DIFF_STATEFUL',
        `${why}. sluice diff replays stateless streams (filter, map, key, flatMap, branch, module); give --skip-stateful to compare those and leave ${name} out`,
      );
    notes.push(`${why}; it was left out (--skip-stateful)`);
  }
  const replayedNames = new Set([...beforePlan.replayed, ...afterPlan.replayed].map((r) => r.stream.name));
  for (const s of afterPlan.stopped)
    if (!changedStreams.includes(s.stream))
      notes.push(
        `stream ${s.stream} is not replayed: ${s.step} holds state built from earlier records; it is unchanged, and the changes to what it reads are shown`,
      );
  for (const name of changedStreams)
    if (!replayedNames.has(name) && !stateful(name, [afterPlan, beforePlan])) {
      const stream =
        o.after.streams.find((s) => s.name === name) ?? o.before.streams.find((s) => s.name === name);
      notes.push(
        `stream ${name} changed but does not read ${topic}, nor what the replayed streams write: diff it with --from ${stream?.from[0] ?? '<topic>'}@-N`,
      );
    }
  if (!changedStreams.some((n) => replayedNames.has(n)))
    notes.push(
      `no stream that the records of ${topic} go through changed: the outputs are the same by definition`,
    );

  const admin = o.client.admin();
  const topics = await admin.listTopics();
  if (!topics.includes(topic)) {
    // The topics a user names: not the internal ones of groups, Connect offsets and Streams stores.
    const shownTopics = topics
      .filter((t) => !t.startsWith('__') && !/-(changelog|repartition|connect-offsets)$/.test(t))
      .sort();
    throw new UnknownTopicError(
      topic,
      shownTopics.length
        ? `the log has ${shownTopics.join(', ')}`
        : 'the log has no topics yet (run the pipeline first)',
    );
  }
  const ranges = replayRanges(o.from, await admin.partitionOffsets(topic));
  const read = await readRanges(o.client, topic, ranges);

  const old = new Replayer(o.before, beforePlan, topic, o.baseDir);
  const edited = new Replayer(o.after, afterPlan, topic, o.baseDir);
  const records: InputDiff[] = [];
  const befores = new Map<OutputDiff, ReplayOutput>();
  const summary: DiffSummary = { inputs: 0, unchanged: 0, changed: 0, dropped: 0, new: 0 };
  try {
    for (const range of ranges) {
      for (const r of read.get(range.partition) ?? []) {
        const input: ReplayInput = {
          partition: r.partition,
          offset: r.offset,
          timestamp: r.timestamp,
          key: r.key,
          value: r.value,
          headers: r.headers,
        };
        const before = await old.replay(input);
        const after = await edited.replay(input);
        const diff = compareOutcomes(input, before, after);
        // Pair each shown "before" with the replayed record it came from, to find its bytes in the log.
        const remaining = new Map<string, ReplayOutput[]>();
        for (const b of before.outputs) {
          const list = remaining.get(b.topic);
          if (list) list.push(b);
          else remaining.set(b.topic, [b]);
        }
        for (const out of diff.outputs) if (out.before) befores.set(out, remaining.get(out.topic)!.shift()!);
        records.push(diff);
        summary.inputs++;
        summary[diff.status]++;
      }
    }
  } finally {
    old.close();
    edited.close();
  }
  const deployed = await locateInLog(o.client, records, befores);
  for (const d of deployed)
    if (d.found < d.expected)
      notes.push(
        `${d.expected - d.found} of the ${d.expected} records the old version gives in ${d.topic} for these inputs are not in the log: the running pipeline is not that version, or has not processed these inputs yet; "before" shows what that version gives`,
      );
  return {
    topic,
    ranges,
    changedStreams,
    replayed: afterPlan.replayed.map((r) => r.stream.name),
    stopped: afterPlan.stopped,
    notes,
    summary,
    records,
    written: [...afterPlan.written].sort(),
    deployed,
  };
}
