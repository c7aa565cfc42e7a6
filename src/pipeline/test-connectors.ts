import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { builtinConnectors } from '../../connectors/index.js';
import { connect } from '../client/connect.js';
import type { Client } from '../client/index.js';
import type { AnyConnectorDefinition } from '../connect/index.js';
import type { Header } from '../log/types.js';
import { PipelineRun } from './pipeline-run.js';
import type { PipelineSpec, SinkSpec, SourceInputSpec, SourceSpec } from './schema.js';

/** A record as it sits in a topic: the bytes a converter or a stream wrote. */
export interface TopicRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: Header[];
  timestamp: number;
}

/** One line a sink wrote, with the first line of its file (a CSV file's header). */
export interface OutputLine {
  text: string;
  header: string;
}

/** Topics of the Connect runtime and the group coordinator: not the pipeline's data. */
const isInternal = (topic: string, pipeline: string) =>
  topic === '__consumer_offsets' || topic === `${pipeline}-connect-offsets`;

/**
 * The real sources and sinks of a pipeline, run for a `tests:` case on a temporary embedded log: a source reads the
 * case's file through its own parsing, typing, transforms, converter and error handling, and a sink writes what the
 * case's records and streams produced through its own converter and formatting into a temporary folder. Streams
 * stay on the test driver; only the connectors touch the log.
 */
export class TestConnectors {
  private constructor(
    private readonly root: string,
    private readonly spec: PipelineSpec,
    private readonly file: string,
    private readonly plugins: readonly AnyConnectorDefinition[],
  ) {}

  static async create(
    spec: PipelineSpec,
    file: string,
    plugins: readonly AnyConnectorDefinition[] = builtinConnectors,
  ): Promise<TestConnectors> {
    return new TestConnectors(await mkdtemp(join(tmpdir(), 'sluice-test-')), spec, file, plugins);
  }

  private get name(): string {
    return this.spec.name ?? 'pipeline-test';
  }

  private definition(connector: string): AnyConnectorDefinition | undefined {
    return this.plugins.find((p) => p.name === connector || p.aliases?.includes(connector));
  }

  /** The pipeline reduced to some of its connectors, on the temporary log. */
  private part(sources: SourceSpec[], sinks: SinkSpec[]): PipelineSpec {
    return {
      ...this.spec,
      name: this.name,
      'until-done': true,
      log: { dir: join(this.root, 'log') },
      sources,
      streams: [],
      sinks,
      tests: [],
    };
  }

  /** Runs the part until its sources are drained and its sinks caught up; what went wrong, one line each. */
  private async run(part: PipelineSpec): Promise<string[]> {
    // Quiet: what goes wrong is in the run's summary, and said once as the case's failure.
    const { pino } = await import('pino');
    const run = await PipelineRun.start(part, {
      file: this.file,
      plugins: this.plugins,
      commitIntervalMs: 50,
      taskRestartAttempts: 0,
      logger: pino({ level: 'silent' }),
    });
    let failure: string | undefined;
    try {
      await run.untilDone();
    } catch (err) {
      failure = (err as Error).message;
    }
    const summary = await run.stop({ batch: true });
    const problems = summary.problems;
    return failure && !problems.includes(failure) ? [failure, ...problems] : problems;
  }

  /**
   * Has `source` read the case's file, and returns what it wrote, by topic in offset order (dead-letter topics
   * included), or why it could not.
   */
  async readSource(
    source: SourceSpec,
    input: SourceInputSpec,
  ): Promise<{ records: Map<string, TopicRecord[]>; topics: string[]; problems: string[] }> {
    const definition = this.definition(source.connector);
    if (definition?.kind !== 'source' || !definition.testInput) {
      return {
        records: new Map(),
        topics: [],
        problems: [`source ${source.name}: connector ${source.connector} cannot be given a file in tests`],
      };
    }
    const dir = join(this.root, 'in', source.name);
    const scratch = join(this.root, 'scratch', source.name);
    await mkdir(dir, { recursive: true });
    await mkdir(scratch, { recursive: true });
    const from = input.file === undefined ? undefined : resolve(dirname(this.file), input.file);
    const name = input.name ?? (from ? basename(from) : source.name);
    const path = join(dir, name);
    await writeFile(path, from ? await readFile(from) : (input.content ?? ''));
    const overrides = definition.testInput({ path, name, dir }, scratch);
    const reading: SourceSpec = { ...source, config: { ...source.config, ...overrides } };
    const before = await this.topicEnds();
    const problems = await this.run(this.part([reading], []));
    const { records, topics } = await this.readNew(before);
    return { records, topics, problems };
  }

  /**
   * Writes `records` (by topic) to the sinks' topics and has the sinks write them out under a temporary folder each;
   * returns the lines of each sink's files, in file-name order, or why it could not.
   */
  async writeSinks(
    sinks: SinkSpec[],
    records: Map<string, TopicRecord[]>,
  ): Promise<{ lines: Map<string, OutputLine[]>; problems: string[] }> {
    const problems: string[] = [];
    const writing: SinkSpec[] = [];
    const dirs = new Map<string, string>();
    for (const sink of sinks) {
      const definition = this.definition(sink.connector);
      if (definition?.kind !== 'sink' || !definition.testOutput) {
        problems.push(`sink ${sink.name}: connector ${sink.connector} cannot be read back in tests`);
        continue;
      }
      const dir = join(this.root, 'out', sink.name);
      await mkdir(dir, { recursive: true });
      dirs.set(sink.name, dir);
      writing.push({ ...sink, config: { ...sink.config, ...definition.testOutput(dir) } });
    }
    if (writing.length === 0) return { lines: new Map(), problems };
    await this.produce(new Set(writing.flatMap((s) => s.topics)), records);
    problems.push(...(await this.run(this.part([], writing))));
    const lines = new Map<string, OutputLine[]>();
    for (const [sink, dir] of dirs) lines.set(sink, await outputLines(dir));
    return { lines, problems };
  }

  async close(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }

  private async withClient<T>(use: (client: Client) => Promise<T>): Promise<T> {
    const client = await connect({ log: { dir: join(this.root, 'log') }, clientId: 'sluice-test' });
    try {
      return await use(client);
    } finally {
      await client.close();
    }
  }

  /** The end offset of every partition of the temporary log, to read only what a run adds. */
  private async topicEnds(): Promise<Map<string, number>> {
    return this.withClient(async (client) => {
      const admin = client.admin();
      const ends = new Map<string, number>();
      for (const topic of await admin.listTopics()) {
        for (const p of await admin.partitionOffsets(topic))
          ends.set(`${topic}/${p.partition}`, p.highWatermark);
      }
      return ends;
    });
  }

  /** Every record the log holds past `from`, by topic, partition after partition; and every topic there. */
  private async readNew(
    from: Map<string, number>,
  ): Promise<{ records: Map<string, TopicRecord[]>; topics: string[] }> {
    return this.withClient(async (client) => {
      const admin = client.admin();
      const out = new Map<string, TopicRecord[]>();
      const topics = (await admin.listTopics()).filter((t) => !isInternal(t, this.name)).sort();
      for (const topic of topics) {
        for (const p of await admin.partitionOffsets(topic)) {
          const start = Math.max(p.logStartOffset, from.get(`${topic}/${p.partition}`) ?? 0);
          if (start >= p.highWatermark) continue;
          const list = out.get(topic) ?? [];
          out.set(topic, list);
          list.push(...(await readPartition(client, topic, p.partition, start, p.highWatermark)));
        }
      }
      return { records: out, topics };
    });
  }

  private async produce(topics: Set<string>, records: Map<string, TopicRecord[]>): Promise<void> {
    await this.withClient(async (client) => {
      const admin = client.admin();
      const existing = new Set(await admin.listTopics());
      const missing = [...topics].filter((t) => !existing.has(t));
      if (missing.length > 0)
        await admin.createTopics(
          missing.map((name) => ({ name, partitions: this.spec.topics[name]?.partitions ?? 1 })),
        );
      const producer = client.producer<Buffer | null, Buffer | null>({ acks: 'all', 'linger.ms': 0 });
      for (const topic of topics) {
        const list = records.get(topic) ?? [];
        if (list.length === 0) continue;
        await producer.sendBatch(
          topic,
          list.map((r) => ({
            key: r.key ?? undefined,
            value: r.value,
            headers: r.headers,
            timestamp: r.timestamp,
          })),
        );
      }
      await producer.close();
    });
  }
}

async function readPartition(
  client: Client,
  topic: string,
  partition: number,
  start: number,
  end: number,
): Promise<TopicRecord[]> {
  const consumer = client.consumer<Buffer | null, Buffer | null>({ 'enable.auto.commit': false });
  const out: TopicRecord[] = [];
  try {
    await consumer.assign([{ topic, partition }]);
    consumer.seek({ topic, partition, offset: start });
    let position = start;
    for await (const batch of consumer) {
      for (const r of batch.records) {
        if (r.offset >= end) break;
        out.push({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp });
      }
      position = batch.records.at(-1)!.offset + 1;
      if (position >= end) break;
    }
  } finally {
    await consumer.close();
  }
  return out;
}

/** The lines of every file under `dir`, file after file in the order of their paths. */
async function outputLines(dir: string): Promise<OutputLine[]> {
  const files: string[] = [];
  const walk = async (d: string) => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  await walk(dir);
  files.sort((a, b) => (relative(dir, a) < relative(dir, b) ? -1 : 1));
  const out: OutputLine[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    const lines = text.split(/\r?\n/);
    if (lines.at(-1) === '') lines.pop();
    for (const line of lines) out.push({ text: line, header: lines[0]! });
  }
  return out;
}
