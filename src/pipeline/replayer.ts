import type { Observable } from 'rxjs';
import { parseJson } from '../client/exact-json.js';
import type { Header } from '../client/index.js';
import { Serdes, type TestOutputTopic, TopologyTestDriver } from '../streams/index.js';
import type { ReplayPlan } from './replay-plan.js';
import type { PipelineSpec } from './schema.js';
import { compileStream } from './steps/index.js';

/** A record as read from the log, to replay. */
export interface ReplayInput {
  partition: number;
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Header[];
}

/** A record a replayed stream wrote: decoded to compare and show, and as the bytes that would be in the log. */
export interface ReplayOutput {
  topic: string;
  key: unknown;
  value: unknown;
  headers: Record<string, string | null>;
  timestamp: number;
  bytes: { key: Buffer | null; value: Buffer | null };
}

/** What one input record caused: the records written (in order, every topic), or the failure of a stream. */
export interface ReplayOutcome {
  outputs: ReplayOutput[];
  /** Set when a step failed with no dead-letter topic: the running pipeline would stop on this record. */
  error?: string;
}

type Raw = TestOutputTopic<Buffer | null, Buffer | null>;

/** JSON as the streams write it; bytes that are not JSON (read from a topic a stream does not write) as text. */
export function decodeBytes(bytes: Buffer | null): unknown {
  if (bytes === null) return null;
  const text = bytes.toString('utf8');
  try {
    return parseJson(text);
  } catch {
    return text;
  }
}

export function headerObject(headers: readonly Header[]): Record<string, string | null> {
  return Object.fromEntries(headers.map((h) => [h.key, h.value?.toString('utf8') ?? null]));
}

/**
 * Runs records of one topic, one at a time, through the replayed streams of one version of a pipeline on the
 * Streams test driver (the machinery of `sluice test`), and says what each one caused. Each record keeps its
 * partition, offset, timestamp and headers, so `$offset` and dead-letter headers are as they were in the log. A
 * stream that fails stops the driver's topology; the next record gets a new one (the replayed streams are
 * stateless, so nothing is lost).
 */
export class Replayer {
  #driver: TopologyTestDriver | undefined;
  #readers = new Map<string, Raw>();

  constructor(
    private readonly spec: PipelineSpec,
    private readonly plan: ReplayPlan,
    private readonly topic: string,
    private readonly baseDir: string,
  ) {}

  private async driver(): Promise<TopologyTestDriver> {
    if (this.#driver) return this.#driver;
    const driver = new TopologyTestDriver({ applicationId: this.spec.name ?? 'pipeline-diff', startTime: 0 });
    const pipelines: Observable<unknown>[] = [];
    for (const { stream, index } of this.plan.replayed) {
      pipelines.push(
        await compileStream(
          stream,
          index,
          { stream: (t) => driver.stream(t), table: (t) => driver.table(t) },
          this.baseDir,
        ),
      );
    }
    driver.start(...pipelines);
    this.#driver = driver;
    this.#readers = new Map();
    return driver;
  }

  async replay(input: ReplayInput): Promise<ReplayOutcome> {
    const driver = await this.driver();
    let error: string | undefined;
    try {
      driver.pipe(
        this.topic,
        {
          key: input.key,
          value: input.value,
          timestamp: input.timestamp,
          headers: input.headers,
          partition: input.partition,
        },
        input.offset,
      );
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    const outputs: ReplayOutput[] = [];
    for (const topic of driver.outputTopics()) {
      if (topic === this.topic) continue;
      let reader = this.#readers.get(topic);
      if (!reader) {
        reader = driver.output(topic, { key: Serdes.buffer, value: Serdes.buffer });
        this.#readers.set(topic, reader);
      }
      for (const r of reader.readRecords()) {
        outputs.push({
          topic,
          key: decodeBytes(r.key),
          value: decodeBytes(r.value),
          headers: headerObject(r.headers),
          timestamp: r.timestamp,
          bytes: { key: r.key, value: r.value },
        });
      }
    }
    if (error !== undefined) this.close();
    return error === undefined ? { outputs } : { outputs, error };
  }

  close(): void {
    this.#driver?.close();
    this.#driver = undefined;
  }
}
