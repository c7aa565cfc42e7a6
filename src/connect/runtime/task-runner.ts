import type { Client } from '../../client/index.js';
import type { TaskLogger } from '../task-context.js';
import { DeadLetterQueueReporter, LogReporter, RetryWithToleranceOperator } from '../tolerance/index.js';
import type { ConnectMetrics } from './connect-metrics.js';
import type { ParsedConnectorConfig } from './connector-config.js';
import type { TaskState } from './task-status.js';
import type { WorkerConfig } from './worker-config.js';

/** What a task runner needs from its worker. */
export interface TaskRunnerDeps {
  connector: string;
  taskId: number;
  parsed: ParsedConnectorConfig;
  taskConfig: unknown;
  client: Client;
  worker: WorkerConfig;
  metrics: ConnectMetrics;
  logger: TaskLogger;
  /** Told of every state change (the worker's status and restart logic listen). */
  onState(state: TaskState, error?: unknown): void;
}

/**
 * The part every runner shares: state, pause gate, stop signal, and the connector's error handling
 * (retries, tolerance, dead-letter queue, error log) wired to its config.
 */
export abstract class TaskRunner {
  state: TaskState = 'UNASSIGNED';
  protected readonly controller = new AbortController();
  protected paused = false;
  private resumed: (() => void) | undefined;
  protected readonly labels: { connector: string; task: string };
  readonly tolerance: RetryWithToleranceOperator;
  private done: Promise<void> = Promise.resolve();

  constructor(protected readonly deps: TaskRunnerDeps) {
    this.labels = { connector: deps.connector, task: String(deps.taskId) };
    const c = deps.parsed.common;
    const dlqTopic = c['errors.deadletterqueue.topic.name'];
    const dlqProducer = dlqTopic ? deps.client.producer({ acks: 'all', 'linger.ms': 0 }) : undefined;
    const dlq = dlqProducer
      ? new DeadLetterQueueReporter(
          dlqTopic,
          async (topic, record) => {
            await dlqProducer.send(topic, record);
            deps.metrics.deadLettered.inc(this.labels);
          },
          {
            connectorName: deps.connector,
            taskId: deps.taskId,
            contextHeaders: c['errors.deadletterqueue.context.headers.enable'],
          },
        )
      : undefined;
    this.dlqProducer = dlqProducer;
    this.tolerance = new RetryWithToleranceOperator(c, {
      always: [
        ...(c['errors.log.enable'] ? [new LogReporter(deps.logger, c['errors.log.include.messages'])] : []),
        { report: async (r) => void deps.metrics.failed.inc({ ...this.labels, stage: r.stage }) },
      ],
      tolerated: dlq ? [dlq] : [],
      signal: this.controller.signal,
    });
  }

  private readonly dlqProducer: { close(): Promise<void> } | undefined;

  protected setState(state: TaskState, error?: unknown): void {
    this.state = state;
    this.deps.metrics.setState(this.deps.connector, this.deps.taskId, state);
    this.deps.onState(state, error);
  }

  /** Starts the task's loop; failures are reported through `onState`, never thrown. */
  start(): void {
    this.done = this.run()
      .then(
        (finished) => this.setState(finished ? 'FINISHED' : 'STOPPED'),
        (err) => {
          this.deps.logger.error(
            { err },
            `task ${this.deps.connector}-${this.deps.taskId} failed: ${(err as Error).message}`,
          );
          this.setState('FAILED', err);
        },
      )
      .finally(() => this.dlqProducer?.close().catch(() => undefined));
  }

  /** The loop: resolves true when a bounded input was finished, false when stopped. */
  protected abstract run(): Promise<boolean>;

  get stopping(): boolean {
    return this.controller.signal.aborted;
  }

  pause(): void {
    if (this.state !== 'RUNNING') return;
    this.paused = true;
    this.setState('PAUSED');
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.resumed?.();
    if (this.state === 'PAUSED') this.setState('RUNNING');
  }

  /** Resolves when resumed or stopping. */
  protected waitWhilePaused(): Promise<void> {
    if (!this.paused || this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.controller.signal.removeEventListener('abort', done);
        this.resumed = undefined;
        resolve();
      };
      this.resumed = done;
      this.controller.signal.addEventListener('abort', done);
    });
  }

  /** Asks the loop to end (flushing and committing), and waits for it, at most the graceful timeout. */
  async stop(): Promise<void> {
    this.controller.abort();
    const timeout = this.deps.worker['task.shutdown.graceful.timeout.ms'];
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.done,
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          this.deps.logger.warn(
            {},
            `task ${this.deps.connector}-${this.deps.taskId} did not stop within ${timeout} ms`,
          );
          resolve();
        }, timeout);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Resolves when the loop has ended, however it ended. */
  /**
   * Commits now what the task has processed, instead of at the next `offset.flush.interval.ms` (a batch run that
   * drained its input). Sink tasks flush and commit; the default does nothing.
   */
  commitNow(): Promise<void> {
    return Promise.resolve();
  }

  finished(): Promise<void> {
    return this.done;
  }
}
