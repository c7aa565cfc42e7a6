import { existsSync } from 'node:fs';
import { basename, dirname, resolve, sep } from 'node:path';
import { builtinConnectors } from '../../connectors/index.js';
import { connect } from '../client/connect.js';
import { embeddedClient } from '../client/embedded/index.js';
import type { Admin, Client } from '../client/index.js';
import { pickKafkaSecurity } from '../client/options.js';
import type { AnyConnectorDefinition } from '../connect/index.js';
import { parseWorkerConfig, Worker } from '../connect/runtime/index.js';
import { SluiceError } from '../errors.js';
import { Log } from '../log/index.js';
import type { StreamsApp } from '../streams/runtime/index.js';
import { connectorConfig, isModuleReference, moduleConnectors } from './catalog.js';
import type { PipelineChanges } from './pipeline-changes.js';
import type { PipelineSpec, SinkSpec, SourceSpec, StreamSpec } from './schema.js';

/** A component of a running pipeline, as the live view and the summary show it. */
export interface ComponentProgress {
  kind: 'source' | 'stream' | 'sink';
  name: string;
  /** Records so far: written to the log (sources), read (streams), written out (sinks). */
  records: number;
  /** Records waiting to be read by this component's consumer group; 0 for sources. */
  lag: number;
  state: string;
  /** Bytes of input read (sources whose tasks report it: the CSV and file sources). */
  bytesRead?: number;
  /** The size of the whole input, for a source whose input is bounded and of known size (a finite folder or file). */
  bytesTotal?: number;
  /** Why it failed (the first line of the error), for a failed or restarting component. */
  error?: string;
}

export interface PipelineSummary {
  recordsIn: number;
  recordsOut: number;
  deadLettered: number;
  durationMs: number;
  components: ComponentProgress[];
  /**
   * What went wrong, one sentence each: a component that ended failed or was still restarting after a failure, and
   * (for a batch run) a source that read nothing because the path it names does not exist. Empty when all is well.
   */
  problems: string[];
}

export interface PipelineRunOptions {
  /** The pipeline file, for naming and for resolving relative paths (module steps). */
  file: string;
  plugins?: readonly AnyConnectorDefinition[];
  logger?: import('pino').Logger;
  /** How often offsets are committed; it bounds how long `--until-done` waits after the data is through. */
  commitIntervalMs?: number;
  /**
   * `host:port` to serve the pipeline's embedded log on over the Kafka protocol while it runs (`--serve`), so that
   * `--bootstrap-server` commands and Kafka tools can look at it. Ignored for a pipeline on `log.brokers`.
   */
  serve?: string;
  /**
   * How often a failed task is restarted automatically before it stays FAILED (the worker's
   * `task.restart.max.attempts`, default 3). Pipeline tests use 0: their one input file would fail again.
   */
  taskRestartAttempts?: number;
}

/**
 * A pipeline started on a client: its sources and sinks as Connect connectors in one worker, each stream as its
 * own Streams app (consumer group `<name>-streams-<stream>`), so that a reload can restart one without the others.
 * Stopping it is graceful: sources stop polling, streams and sinks flush and commit what they hold.
 */
export class PipelineRun {
  private readonly started = performance.now();
  private readonly deadLetterStart = new Map<string, number>();
  private readonly apps = new Map<string, StreamsApp>();
  /** Why a stream's app failed, by stream name. */
  private readonly streamFailures = new Map<string, string>();
  /** The Kafka-protocol listener of `serve`, when asked for. */
  private served: import('../broker/index.js').ServedLog | undefined;

  private constructor(
    private current: PipelineSpec,
    readonly name: string,
    private readonly options: PipelineRunOptions,
    private readonly client: Client,
    private readonly admin: Admin,
    private readonly worker: Worker,
  ) {}

  /** Where the log is served over the Kafka protocol (`serve`), for `--bootstrap-server`. */
  get bootstrap(): string | undefined {
    return this.served?.bootstrap;
  }

  /** The definition running now (the latest one reloaded). */
  get spec(): PipelineSpec {
    return this.current;
  }

  private get plugins(): readonly AnyConnectorDefinition[] {
    return this.options.plugins ?? builtinConnectors;
  }

  /** Opens the log the pipeline names, creates its topics, and starts sources, streams and sinks. */
  static async start(spec: PipelineSpec, given: PipelineRunOptions): Promise<PipelineRun> {
    const options = await withModuleConnectors(spec, given);
    const name = spec.name ?? basename(options.file).replace(/\.ya?ml$/, '');
    const clientId = `sluice-pipeline-${name}`;
    const dir = resolve(spec.log.dir ?? './.sluice/data');
    // Served: the log is opened here, so that the broker and the pipeline's clients share it (and its groups).
    const served =
      options.serve !== undefined && !spec.log.brokers
        ? await Log.open({ dir, autoCreateTopics: true, defaultPartitions: 1 })
        : undefined;
    const client = spec.log.brokers
      ? await connect({ log: { ...pickKafkaSecurity(spec.log), brokers: spec.log.brokers }, clientId })
      : served
        ? embeddedClient(served, { clientId, ownsLog: true })
        : await connect({ log: { dir }, clientId });
    let run: PipelineRun | undefined;
    let worker: Worker | undefined;
    let serving: import('../broker/index.js').ServedLog | undefined;
    try {
      if (served) {
        const { serveLog } = await import('../broker/index.js');
        serving = await serveLog(served, {
          listen: options.serve!,
          ...(options.logger ? { logger: options.logger } : {}),
        });
      }
      const admin = client.admin();
      await createTopics(admin, spec);
      worker = await Worker.start({
        client,
        plugins: options.plugins ?? builtinConnectors,
        ...(options.logger ? { logger: options.logger } : {}),
        config: parseWorkerConfig({
          'rest.enable': false,
          'offset.storage.topic': `${name}-connect-offsets`,
          'offset.flush.interval.ms': options.commitIntervalMs ?? 500,
          'key.converter.schemas.enable': false,
          'value.converter.schemas.enable': false,
          ...(options.taskRestartAttempts !== undefined
            ? { 'task.restart.max.attempts': options.taskRestartAttempts }
            : {}),
        }),
      });
      run = new PipelineRun(spec, name, options, client, admin, worker);
      run.served = serving;
      await run.markDeadLetterStart();
      // Downstream first, so that nothing a source writes waits for a reader that is not there yet.
      for (const sink of spec.sinks) await run.startSink(sink);
      for (const stream of spec.streams) await run.startStream(stream);
      for (const source of spec.sources) await run.startSource(source);
      return run;
    } catch (err) {
      for (const app of run?.apps.values() ?? []) await app.close().catch(() => undefined);
      await worker?.close().catch(() => undefined);
      await serving?.close().catch(() => undefined);
      await client.close().catch(() => undefined);
      throw err;
    }
  }

  private definition(connector: string): AnyConnectorDefinition {
    return this.plugins.find((p) => p.name === connector || p.aliases?.includes(connector))!;
  }

  private async startSink(sink: SinkSpec): Promise<void> {
    await this.worker.putConfig(
      sink.name,
      connectorConfig(this.definition(sink.connector), sink, { topics: sink.topics }),
    );
  }

  private async startSource(source: SourceSpec): Promise<void> {
    await this.worker.putConfig(
      source.name,
      connectorConfig(this.definition(source.connector), source, {
        ...(source.topic ? { topic: source.topic } : {}),
      }),
    );
  }

  private async startStream(stream: StreamSpec): Promise<void> {
    // Loaded with the first stream: a pipeline of sources and sinks only never pays for RxJS, jsonata and the steps.
    const [{ streams }, { compileStream }] = await Promise.all([
      import('../streams/runtime/index.js'),
      import('./steps/index.js'),
    ]);
    const app = streams(this.client, {
      applicationId: `${this.name}-streams-${stream.name}`,
      commitIntervalMs: this.options.commitIntervalMs ?? 500,
    });
    try {
      const pipeline = await compileStream(
        stream,
        this.current.streams.indexOf(stream),
        { stream: (t) => app.stream(t), table: (t) => app.table(t) },
        dirname(resolve(this.options.file)),
      );
      await app.start(pipeline);
      app.done().catch((err: unknown) => {
        if (this.apps.get(stream.name) === app) this.streamFailures.set(stream.name, messageOf(err));
      });
    } catch (err) {
      await app.close().catch(() => undefined);
      throw err;
    }
    this.streamFailures.delete(stream.name);
    this.apps.set(stream.name, app);
  }

  private async stopStream(name: string): Promise<void> {
    const app = this.apps.get(name);
    this.apps.delete(name);
    await app?.close();
  }

  /**
   * Applies an edited version of the pipeline: creates topics it declares anew, stops what was removed, restarts
   * what changed (a restarted source resumes from its committed offsets, a stream or sink from its group's), starts
   * what was added, and leaves everything else running untouched. Does not handle `changes.restartAll` (stop this run
   * and start a new one). A component that fails to start is reported in the rejection, after every other change
   * was applied; the edited definition is kept, so the next edit that fixes it restarts it.
   */
  async reload(next: PipelineSpec, changes: PipelineChanges): Promise<void> {
    const failures: string[] = [];
    const attempt = async (what: string, action: () => Promise<void>) => {
      try {
        await action();
      } catch (err) {
        failures.push(`${what}: ${(err as Error).message}`);
      }
    };
    this.current = next;
    await createTopics(this.admin, next);
    await this.markDeadLetterStart();
    // Sources first when stopping (no new input), last when starting (readers are there).
    for (const name of [...changes.sources.removed, ...changes.sources.changed])
      await attempt(`source ${name}`, () => this.worker.delete(name));
    for (const name of [...changes.streams.removed, ...changes.streams.changed])
      await attempt(`stream ${name}`, () => this.stopStream(name));
    for (const name of [...changes.sinks.removed, ...changes.sinks.changed])
      await attempt(`sink ${name}`, () => this.worker.delete(name));
    const wanted = (list: string[], extra: string[]) => new Set([...list, ...extra]);
    const sinks = wanted(changes.sinks.changed, changes.sinks.added);
    for (const s of next.sinks.filter((s) => sinks.has(s.name)))
      await attempt(`sink ${s.name}`, () => this.startSink(s));
    const streamNames = wanted(changes.streams.changed, changes.streams.added);
    for (const s of next.streams.filter((s) => streamNames.has(s.name)))
      await attempt(`stream ${s.name}`, () => this.startStream(s));
    const sources = wanted(changes.sources.changed, changes.sources.added);
    for (const s of next.sources.filter((s) => sources.has(s.name)))
      await attempt(`source ${s.name}`, () => this.startSource(s));
    if (failures.length > 0) throw new SluiceError('RELOAD_FAILED', `could not start ${failures.join('; ')}`);
  }

  /** Where each dead-letter topic ended when the pipeline (or a reload adding one) started. */
  private async markDeadLetterStart(): Promise<void> {
    for (const topic of deadLetterTopics(this.current)) {
      if (!this.deadLetterStart.has(topic)) this.deadLetterStart.set(topic, await this.endOffsets(topic));
    }
  }

  private async endOffsets(topic: string): Promise<number> {
    try {
      const partitions = await this.admin.partitionOffsets(topic);
      return partitions.reduce((n, p) => n + p.highWatermark, 0);
    } catch {
      return 0;
    }
  }

  /** Records, lag and state of every source, stream and sink. */
  async progress(): Promise<ComponentProgress[]> {
    const out: ComponentProgress[] = [];
    const metrics = await this.worker.metrics.registry.getMetricsAsJSON();
    const sum = (metric: string, connector: string) =>
      metrics
        .find((m) => m.name === metric)
        ?.values.filter((v) => v.labels.connector === connector)
        .reduce((n, v) => n + v.value, 0) ?? 0;
    /** A gauge summed over the connector's tasks, or undefined when no task set it. */
    const reported = (metric: string, connector: string) => {
      const values = metrics
        .find((m) => m.name === metric)
        ?.values.filter((v) => v.labels.connector === connector);
      return values && values.length > 0 ? values.reduce((n, v) => n + v.value, 0) : undefined;
    };
    for (const s of this.spec.sources) {
      const bytesRead = reported('sluice_connect_source_bytes_read', s.name);
      const bytesTotal = reported('sluice_connect_source_bytes_total', s.name);
      out.push({
        kind: 'source',
        name: s.name,
        records: sum('sluice_connect_source_records_written_total', s.name),
        lag: 0,
        ...(bytesRead !== undefined ? { bytesRead } : {}),
        ...(bytesTotal !== undefined ? { bytesTotal } : {}),
        ...this.connectorState(s.name),
      });
    }
    // A group that does not exist yet (a sink whose task has not joined) is behind by everything: lagOrEnd says so.
    const groups = (
      await Promise.all(
        [
          ...[...this.apps.values()].map((a) => a.applicationId),
          ...this.spec.sinks.map((s) => `connect-${s.name}`),
        ].map((id) =>
          this.admin.describeGroups([id]).catch((err: { code?: string }) => {
            if (err?.code === 'GROUP_ID_NOT_FOUND') return [];
            throw err;
          }),
        ),
      )
    ).flat();
    const lagOf = (group: string, topics: string[]) =>
      groups
        .find((g) => g.groupId === group)
        ?.offsets.filter((o) => topics.includes(o.topic))
        .reduce((n, o) => n + o.lag, 0) ?? 0;
    const committedOf = (group: string, topics: string[]) =>
      groups
        .find((g) => g.groupId === group)
        ?.offsets.filter((o) => topics.includes(o.topic) && o.committed >= 0)
        .reduce((n, o) => n + (o.committed - o.logStartOffset), 0) ?? 0;
    for (const s of this.spec.streams) {
      const app = this.apps.get(s.name);
      const group = `${this.name}-streams-${s.name}`;
      out.push({
        kind: 'stream',
        name: s.name,
        records: committedOf(group, s.from),
        lag: await this.lagOrEnd(lagOf(group, s.from), s.from, group, groups),
        state: app ? app.state.toUpperCase() : 'STOPPED',
        ...(this.streamFailures.has(s.name) ? { error: this.streamFailures.get(s.name) } : {}),
      });
    }
    for (const s of this.spec.sinks) {
      const group = `connect-${s.name}`;
      out.push({
        kind: 'sink',
        name: s.name,
        records: sum('sluice_connect_sink_records_written_total', s.name),
        lag: await this.lagOrEnd(lagOf(group, s.topics), s.topics, group, groups),
        ...this.connectorState(s.name),
      });
    }
    return out;
  }

  /** The states of a connector's tasks, and the first line of the last error of a failed or restarting one. */
  private connectorState(name: string): { state: string; error?: string } {
    const tasks = this.worker.status(name).tasks;
    const trace = tasks.find((t) => t.trace && (t.state === 'FAILED' || t.state === 'RESTARTING'))?.trace;
    return {
      state: tasks.map((t) => t.state).join(',') || 'UNASSIGNED',
      ...(trace ? { error: firstLine(trace) } : {}),
    };
  }

  /** A group that has not committed anything for a topic yet is behind by everything in it. */
  private async lagOrEnd(
    lag: number,
    topics: string[],
    group: string,
    groups: Awaited<ReturnType<Admin['describeGroups']>>,
  ): Promise<number> {
    let behind = lag;
    const known = new Set(
      groups.find((g) => g.groupId === group)?.offsets.map((o) => `${o.topic}/${o.partition}`) ?? [],
    );
    for (const topic of topics) {
      for (const p of await this.admin.partitionOffsets(topic).catch(() => [])) {
        if (!known.has(`${topic}/${p.partition}`)) behind += p.highWatermark - p.logStartOffset;
      }
    }
    return behind;
  }

  /**
   * Resolves once every source has reported the end of its input and every stream and sink has committed all of
   * it (two consecutive checks with no lag, since a stream's output is a sink's input). A task that failed and is
   * waiting for its automatic restart has not finished: this waits for the restart, and rejects once a source has
   * failed for good (or a stream or sink has failed).
   */
  async untilDone(signal?: AbortSignal): Promise<void> {
    for (const s of this.spec.sources) {
      for (;;) {
        await this.worker.finished(s.name);
        if (signal?.aborted) return;
        const tasks = this.worker.status(s.name).tasks;
        if (tasks.some((t) => t.state === 'RESTARTING')) {
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        const failed = tasks.find((t) => t.state === 'FAILED');
        if (failed)
          throw new Error(
            `source ${s.name} failed: ${failed.trace ? firstLine(failed.trace) : 'unknown error'}`,
          );
        break;
      }
    }
    let quiet = 0;
    let committed = 0;
    while (quiet < 2) {
      if (signal?.aborted) return;
      await new Promise((r) => setTimeout(r, 20));
      // The input is all read: streams and sinks commit what they processed every 100 ms, not at their own
      // interval, so the run ends soon after the data is through rather than a few commit intervals later. A
      // failed commit shows in the progress below.
      if (Date.now() - committed >= 100) {
        for (const app of this.apps.values()) await app.commit().catch(() => undefined);
        for (const s of this.spec.sinks) await this.worker.commitNow(s.name).catch(() => undefined);
        committed = Date.now();
      }
      const progress = await this.progress();
      const failed = progress.find((c) => c.state.includes('FAILED'));
      if (failed)
        throw new Error(`${failed.kind} ${failed.name} failed${failed.error ? `: ${failed.error}` : ''}`);
      quiet = progress.every((c) => c.lag === 0) ? quiet + 1 : 0;
    }
  }

  /**
   * Stops gracefully: sources stop, streams and sinks flush and commit, then the log is closed. With `batch`, a
   * source that read nothing because the path it names does not exist counts as a problem of the summary.
   */
  async stop(options: { batch?: boolean } = {}): Promise<PipelineSummary> {
    const components = await this.progress().catch(() => [] as ComponentProgress[]);
    let deadLettered = 0;
    for (const [topic, start] of this.deadLetterStart) deadLettered += (await this.endOffsets(topic)) - start;
    await this.worker.close();
    for (const app of this.apps.values()) await app.close();
    await this.served?.close();
    await this.client.close();
    const problems: string[] = [];
    for (const c of components) {
      const why = c.error ? `: ${c.error}` : '';
      if (c.state.includes('FAILED')) problems.push(`${c.kind} ${c.name} failed${why}`);
      else if (c.state.includes('RESTARTING'))
        problems.push(`${c.kind} ${c.name} was still restarting after a failure${why}`);
    }
    if (options.batch) {
      for (const s of this.spec.sources) {
        const read = components.find((c) => c.kind === 'source' && c.name === s.name)?.records ?? 0;
        const missing = read === 0 ? missingInputPath(s) : undefined;
        if (missing) problems.push(`source ${s.name} read nothing: ${missing} does not exist`);
      }
    }
    return {
      recordsIn: components.filter((c) => c.kind === 'source').reduce((n, c) => n + c.records, 0),
      recordsOut: components.filter((c) => c.kind === 'sink').reduce((n, c) => n + c.records, 0),
      deadLettered,
      durationMs: performance.now() - this.started,
      components,
      problems,
    };
  }
}

/** The source config keys that name where its input is read from: the CSV source's folder, the file source's file. */
const INPUT_PATH_KEYS = ['input.path', 'file'];

/**
 * The input path a source names, as `key path`, when it does not exist; for a glob, its leading folder without
 * wildcards. Relative paths are taken from the working directory, as the connectors take them.
 */
function missingInputPath(source: SourceSpec): string | undefined {
  for (const key of INPUT_PATH_KEYS) {
    const value = source.config[key];
    if (typeof value !== 'string' || value === '') continue;
    const parts = resolve(value).split(sep);
    const glob = parts.findIndex((p) => /[*?{[]/.test(p));
    const fixed = glob < 0 ? parts.join(sep) : parts.slice(0, glob).join(sep) || sep;
    if (!existsSync(fixed)) return `${key} ${glob < 0 ? value : fixed}`;
  }
  return undefined;
}

/** The first line of an error's trace, without the class name a stack starts with. */
function firstLine(text: string): string {
  return text.split('\n')[0]!.replace(/^\w*Error: /, '');
}

function messageOf(err: unknown): string {
  return firstLine(err instanceof Error ? err.message : String(err));
}

/**
 * The options with the connectors the spec names by module (`connector: ./x.ts#y`) that the given plugins lack,
 * loaded relative to the pipeline file: a reload that restarts everything finds them too.
 */
async function withModuleConnectors(
  spec: PipelineSpec,
  options: PipelineRunOptions,
): Promise<PipelineRunOptions> {
  const plugins = options.plugins ?? builtinConnectors;
  const known = (name: string) => plugins.some((p) => p.name === name || p.aliases?.includes(name));
  const missing = [...spec.sources, ...spec.sinks].filter(
    (c) => isModuleReference(c.connector) && !known(c.connector),
  );
  if (missing.length === 0) return options;
  const loaded = await moduleConnectors(spec, dirname(resolve(options.file)));
  if (loaded.errors.length > 0) throw new SluiceError('CONNECTOR_NOT_LOADED', loaded.errors[0]!.message);
  return { ...options, plugins: [...plugins, ...loaded.plugins] };
}

function deadLetterTopics(spec: PipelineSpec): string[] {
  const dlq = new Set<string>();
  for (const s of spec.streams) if (s['dead.letter.topic']) dlq.add(s['dead.letter.topic']);
  for (const c of [...spec.sources, ...spec.sinks]) {
    const t = c.config['errors.deadletterqueue.topic.name'];
    if (typeof t === 'string') dlq.add(t);
  }
  for (const s of spec.sources) if (s.topic && s.connector === 'csv') dlq.add(`${s.topic}-dlq`);
  return [...dlq];
}

async function createTopics(admin: Admin, spec: PipelineSpec): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const wanted = new Map<string, { partitions: number; config: Record<string, string | number | boolean> }>();
  for (const [name, t] of Object.entries(spec.topics)) wanted.set(name, t);
  const add = (t: string | undefined) => {
    if (t && !wanted.has(t)) wanted.set(t, { partitions: 1, config: {} });
  };
  for (const s of spec.sources) {
    add(s.topic);
    if (s.topic && s.connector === 'csv') add(`${s.topic}-dlq`);
  }
  for (const s of spec.streams) {
    s.from.forEach(add);
    add(s.to);
    add(s['dead.letter.topic']);
  }
  for (const s of spec.sinks) s.topics.forEach(add);
  const missing = [...wanted].filter(([name]) => !existing.has(name));
  if (missing.length > 0) {
    await admin.createTopics(
      missing.map(([name, t]) => ({ name, partitions: t.partitions, config: t.config as never })),
    );
  }
}
