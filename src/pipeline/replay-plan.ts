import type { PipelineSpec, StepKind, StreamSpec } from './schema.js';
import { stepKinds } from './schema.js';

/**
 * Steps whose output depends on records before the one at hand: windows and aggregates, dedupe, and joins (the
 * table's contents at the time). Replaying the last N records cannot give what they gave when the pipeline ran.
 */
const STATEFUL: readonly StepKind[] = ['aggregate', 'dedupe', 'join'];

/** A stream that reads the replayed records (directly or downstream) but is not replayed, and why. */
export interface StoppedStream {
  stream: string;
  /** Where its first stateful step is, e.g. `streams.1.steps.1 (aggregate)`. */
  step: string;
  kind: StepKind;
}

/** Which streams of one version of a pipeline a replay of `topic` runs. */
export interface ReplayPlan {
  /** Stateless streams that read the topic, or a topic a replayed stream writes, with their index in the file. */
  replayed: { stream: StreamSpec; index: number }[];
  /** Streams that would read what is replayed, but hold state: they are not run. */
  stopped: StoppedStream[];
  /** Every topic a replayed stream writes: `to`, its dead-letter topic and `branch` targets. */
  written: Set<string>;
}

/** The topics one stream writes: its `to`, its dead-letter topic and its `branch` targets. */
export function streamOutputs(stream: StreamSpec): string[] {
  const out: string[] = [];
  if (stream.to) out.push(stream.to);
  if (stream['dead.letter.topic']) out.push(stream['dead.letter.topic']);
  for (const step of stream.steps) {
    const branches = (step as { branch?: unknown }).branch;
    if (Array.isArray(branches))
      for (const b of branches)
        if (typeof (b as { to?: unknown }).to === 'string') out.push((b as { to: string }).to);
  }
  return out;
}

function firstStatefulStep(stream: StreamSpec): { at: number; kind: StepKind } | undefined {
  for (const [at, step] of stream.steps.entries()) {
    const kind = stepKinds.find((k) => k in (step as object));
    if (kind && STATEFUL.includes(kind)) return { at, kind };
  }
  return undefined;
}

/**
 * Follows `topic` through the streams of `spec`: every stateless stream reading it is replayed, then every one
 * reading what those write, and so on. A stream with a stateful step is where the replay stops.
 */
export function replayPlan(spec: PipelineSpec, topic: string): ReplayPlan {
  const reached = new Set([topic]);
  const plan: ReplayPlan = { replayed: [], stopped: [], written: new Set() };
  const seen = new Set<number>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const [index, stream] of spec.streams.entries()) {
      if (seen.has(index) || !stream.from.some((t) => reached.has(t))) continue;
      seen.add(index);
      grew = true;
      const stateful = firstStatefulStep(stream);
      if (stateful) {
        plan.stopped.push({
          stream: stream.name,
          step: `streams.${index}.steps.${stateful.at} (${stateful.kind})`,
          kind: stateful.kind,
        });
        continue;
      }
      plan.replayed.push({ stream, index });
      for (const t of streamOutputs(stream)) {
        reached.add(t);
        plan.written.add(t);
      }
    }
  }
  plan.replayed.sort((a, b) => a.index - b.index);
  return plan;
}
