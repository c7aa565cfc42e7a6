import os from 'node:os';
import pino from 'pino';
import type { Client } from '../../client/index.js';
import { ConfigError } from '../../errors.js';
import type { AnyConnectorDefinition } from '../connector.js';
import { validateConnectorName } from '../connector-name.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { TaskLogger } from '../task-context.js';
import { checkAllowedPaths } from './allowed-paths.js';
import { ConnectMetrics } from './connect-metrics.js';
import { type ParsedConnectorConfig, parseConnectorConfig } from './connector-config.js';
import { type ConnectorOffsets, offsetsApi } from './connector-offsets.js';
import { OffsetStore } from './offset-store.js';
import { SinkTaskRunner } from './sink-task-runner.js';
import { SourceTaskRunner } from './source-task-runner.js';
import type { TaskRunner } from './task-runner.js';
import { type TaskState, type TaskStatus, traceOf } from './task-status.js';
import type { WorkerConfig } from './worker-config.js';

export type ConnectorState = 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED';

/** `GET /connectors/{c}/status`, Kafka's shape. */
export interface ConnectorStatus {
  name: string;
  connector: { state: ConnectorState; worker_id: string; trace?: string };
  tasks: TaskStatus[];
  type: 'source' | 'sink';
}

export interface ConnectorInfo {
  name: string;
  config: Record<string, string>;
  tasks: { connector: string; task: number }[];
  type: 'source' | 'sink';
}

interface TaskSlot {
  id: number;
  config: unknown;
  runner: TaskRunner | undefined;
  state: TaskState;
  trace?: string;
  restarts: number;
  restartTimer?: NodeJS.Timeout;
}

interface ConnectorEntry {
  parsed: ParsedConnectorConfig;
  target: 'RUNNING' | 'PAUSED' | 'STOPPED';
  tasks: TaskSlot[];
}

export interface WorkerOptions {
  client: Client;
  config: WorkerConfig;
  plugins: readonly AnyConnectorDefinition[];
  logger?: TaskLogger & { child?(bindings: object): TaskLogger };
}

/** Kafka's REST API shows every config value as a string. */
function stringified(raw: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) out[k] = Array.isArray(v) ? v.join(',') : String(v);
  return out;
}

/**
 * A standalone Connect worker: runs connectors' tasks in this process on one client (either backend), keeps
 * their source offsets in `connect-offsets` and their sink progress in consumer groups, restarts failed tasks with
 * back off, and lets them be paused, resumed, stopped, restarted and their offsets read and reset.
 */
export class Worker {
  readonly metrics = new ConnectMetrics();
  readonly workerId: string;
  private readonly connectors = new Map<string, ConnectorEntry>();
  private readonly logger: TaskLogger & { child?(bindings: object): TaskLogger };
  private closed = false;

  private constructor(
    readonly options: WorkerOptions,
    readonly offsetStore: OffsetStore,
  ) {
    this.logger = options.logger ?? pino({ name: 'sluice-connect' });
    this.workerId = `${os.hostname()}:${options.config['rest.port']}`;
  }

  static async start(options: WorkerOptions): Promise<Worker> {
    const c = options.config;
    const store = await OffsetStore.open(
      options.client,
      c['offset.storage.topic'],
      c['offset.storage.partitions'],
    );
    return new Worker(options, store);
  }

  get plugins(): readonly AnyConnectorDefinition[] {
    return this.options.plugins;
  }

  /** Validates a config without starting anything (what `PUT .../config/validate` and `sluice validate` use). */
  validate(raw: Record<string, unknown>): ParsedConnectorConfig {
    const parsed = parseConnectorConfig(raw, this.options.plugins, this.options.config.converterDefaults);
    checkAllowedPaths(parsed, this.options.config['allowed.paths'] ?? '');
    return parsed;
  }

  list(): string[] {
    return [...this.connectors.keys()].sort();
  }

  private entry(name: string): ConnectorEntry {
    const e = this.connectors.get(name);
    if (!e) throw new NotFoundError(`Connector ${name} not found`);
    return e;
  }

  /** Creates and starts a connector. Rejects with ConflictError when the name is taken, ConfigError when invalid. */
  async create(
    raw: Record<string, unknown>,
    initial: 'RUNNING' | 'PAUSED' | 'STOPPED' = 'RUNNING',
  ): Promise<ConnectorInfo> {
    if (typeof raw.name !== 'string' || raw.name === '')
      throw new ConfigError('connector config: name is required', { key: 'name' });
    validateConnectorName(raw.name);
    if (this.connectors.has(raw.name)) throw new ConflictError(`Connector ${raw.name} already exists`);
    const parsed = this.validate(raw);
    const entry: ConnectorEntry = { parsed, target: initial, tasks: [] };
    this.connectors.set(raw.name, entry);
    if (initial !== 'STOPPED') this.startTasks(raw.name, entry);
    return this.info(raw.name);
  }

  /** Creates the connector, or replaces its config and restarts its tasks. Resolves with whether it was created. */
  async putConfig(
    name: string,
    raw: Record<string, unknown>,
  ): Promise<{ created: boolean; info: ConnectorInfo }> {
    const config = { ...raw, name };
    const existing = this.connectors.get(name);
    if (!existing) return { created: true, info: await this.create(config) };
    const parsed = this.validate(config);
    await this.stopTasks(existing);
    existing.parsed = parsed;
    if (existing.target !== 'STOPPED') this.startTasks(name, existing);
    return { created: false, info: this.info(name) };
  }

  async delete(name: string): Promise<void> {
    const entry = this.entry(name);
    this.connectors.delete(name);
    await this.stopTasks(entry);
  }

  info(name: string): ConnectorInfo {
    const e = this.entry(name);
    return {
      name,
      config: stringified(e.parsed.raw),
      tasks: e.tasks.map((t) => ({ connector: name, task: t.id })),
      type: e.parsed.definition.kind,
    };
  }

  config(name: string): Record<string, string> {
    return stringified(this.entry(name).parsed.raw);
  }

  taskConfigs(name: string): { id: { connector: string; task: number }; config: Record<string, string> }[] {
    const e = this.entry(name);
    return e.tasks.map((t) => ({
      id: { connector: name, task: t.id },
      config: stringified(t.config as Record<string, unknown>),
    }));
  }

  status(name: string): ConnectorStatus {
    const e = this.entry(name);
    const failed = e.tasks.length > 0 && e.tasks.every((t) => t.state === 'FAILED');
    return {
      name,
      connector: { state: failed ? 'FAILED' : e.target, worker_id: this.workerId },
      tasks: e.tasks.map((t) => ({
        id: t.id,
        state: t.state,
        worker_id: this.workerId,
        ...(t.trace ? { trace: t.trace } : {}),
      })),
      type: e.parsed.definition.kind,
    };
  }

  async pause(name: string): Promise<void> {
    const e = this.entry(name);
    if (e.target === 'STOPPED') this.startTasks(name, e);
    e.target = 'PAUSED';
    for (const t of e.tasks) t.runner?.pause();
  }

  async resume(name: string): Promise<void> {
    const e = this.entry(name);
    if (e.target === 'STOPPED') {
      e.target = 'RUNNING';
      this.startTasks(name, e);
      return;
    }
    e.target = 'RUNNING';
    for (const t of e.tasks) t.runner?.resume();
  }

  /** Stops the tasks (flushing and committing) but keeps the connector and its config: offsets can then be changed. */
  async stop(name: string): Promise<void> {
    const e = this.entry(name);
    e.target = 'STOPPED';
    await this.stopTasks(e);
  }

  /** Restarts the connector's tasks (all, or only the failed ones). */
  async restart(name: string, options: { onlyFailed?: boolean } = {}): Promise<ConnectorStatus> {
    const e = this.entry(name);
    if (e.target === 'STOPPED') return this.status(name);
    for (const t of e.tasks) {
      if (options.onlyFailed && t.state !== 'FAILED') continue;
      await this.restartTask(name, t.id);
    }
    return this.status(name);
  }

  async restartTask(name: string, id: number): Promise<void> {
    const e = this.entry(name);
    const slot = e.tasks.find((t) => t.id === id);
    if (!slot) throw new NotFoundError(`Task ${name}-${id} not found`);
    clearTimeout(slot.restartTimer);
    slot.state = 'RESTARTING';
    slot.restarts = 0;
    await slot.runner?.stop();
    this.launch(name, e, slot);
  }

  async offsets(name: string): Promise<ConnectorOffsets> {
    return offsetsApi.get(this, this.entry(name).parsed, name);
  }

  /** Sets (`PATCH`) or, with null, resets (`DELETE`) offsets; the connector must be STOPPED, as in Kafka. */
  async alterOffsets(name: string, offsets: ConnectorOffsets | null): Promise<void> {
    const e = this.entry(name);
    if (e.target !== 'STOPPED') {
      throw new ConflictError(
        `Connectors must be in the STOPPED state before their offsets can be modified; stop ${name} first (PUT /connectors/${name}/stop)`,
      );
    }
    await offsetsApi.alter(this, e.parsed, name, offsets);
  }

  /** Has the connector's tasks commit what they processed now (sinks flush and commit their offsets). */
  async commitNow(name: string): Promise<void> {
    const e = this.entry(name);
    await Promise.all(e.tasks.map((t) => t.runner?.commitNow()));
  }

  /** Resolves once every task of the connector has ended (bounded sources finished, or stopped, or failed). */
  async finished(name: string): Promise<void> {
    const e = this.entry(name);
    await Promise.all(e.tasks.map((t) => t.runner?.finished()));
  }

  private startTasks(name: string, entry: ConnectorEntry): void {
    const { definition, own, common } = entry.parsed;
    const configs = definition.taskConfigs(own, common['tasks.max']);
    entry.tasks = configs.map((config: unknown, id: number) => ({
      id,
      config,
      runner: undefined,
      state: 'UNASSIGNED',
      restarts: 0,
    }));
    for (const slot of entry.tasks) this.launch(name, entry, slot);
  }

  private launch(name: string, entry: ConnectorEntry, slot: TaskSlot): void {
    if (this.closed) return;
    const logger = this.logger.child?.({ connector: name, task: slot.id }) ?? this.logger;
    const deps = {
      connector: name,
      taskId: slot.id,
      parsed: entry.parsed,
      taskConfig: slot.config,
      client: this.options.client,
      worker: this.options.config,
      metrics: this.metrics,
      logger,
      onState: (state: TaskState, error?: unknown) =>
        this.onTaskState(name, entry, slot, runner, state, error),
    };
    const runner: TaskRunner =
      entry.parsed.definition.kind === 'source'
        ? new SourceTaskRunner(deps, this.offsetStore)
        : new SinkTaskRunner(deps);
    slot.runner = runner;
    if (entry.target === 'PAUSED') runner.pause();
    runner.start();
  }

  private onTaskState(
    name: string,
    entry: ConnectorEntry,
    slot: TaskSlot,
    runner: TaskRunner,
    state: TaskState,
    error?: unknown,
  ): void {
    if (slot.runner !== runner) return; // a replaced runner reporting its end
    slot.state = state;
    if (state === 'RUNNING') slot.trace = undefined;
    if (state !== 'FAILED') return;
    slot.trace = traceOf(error);
    const c = this.options.config;
    if (slot.restarts >= c['task.restart.max.attempts'] || this.closed || this.connectors.get(name) !== entry)
      return;
    const wait = c['task.restart.backoff.ms'] * 2 ** slot.restarts;
    slot.restarts++;
    slot.state = 'RESTARTING';
    this.logger.warn(
      { connector: name, task: slot.id },
      `restarting task ${name}-${slot.id} in ${wait} ms (attempt ${slot.restarts})`,
    );
    slot.restartTimer = setTimeout(() => {
      if (slot.runner === runner && entry.target !== 'STOPPED') this.launch(name, entry, slot);
    }, wait);
  }

  private async stopTasks(entry: ConnectorEntry): Promise<void> {
    for (const t of entry.tasks) clearTimeout(t.restartTimer);
    await Promise.all(entry.tasks.map((t) => t.runner?.stop()));
    for (const t of entry.tasks) t.state = 'STOPPED';
    entry.tasks = [];
  }

  /** Stops every task gracefully (flush, commit), then the offset store. The client stays open (the caller owns it). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.connectors.values()].map((e) => this.stopTasks(e)));
    await this.offsetStore.close();
  }
}
