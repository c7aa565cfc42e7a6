import { setTimeout as delay } from 'node:timers/promises';
import { SluiceError } from '../../errors.js';
import { RetriableError, ToleranceExceededError } from '../errors.js';
import type { ErrorConfig } from './error-config.js';
import { describeRecord, type ErrorReporter, type ErrorStage, type FailedRecord } from './error-report.js';

/** Returned by {@link RetryWithToleranceOperator.execute} for a record that failed and was tolerated: skip it. */
export const SKIPPED: unique symbol = Symbol('skipped');

/** The first wait between retries; later waits double up to `errors.retry.delay.max.ms` (Kafka's schedule). */
const FIRST_RETRY_DELAY_MS = 300;

export interface ToleranceCounters {
  /** Operations that failed after their retries. */
  failed: number;
  /** Failed records skipped under `errors.tolerance=all`. */
  skipped: number;
  retries: number;
}

type ToleranceConfig = Pick<
  ErrorConfig,
  'errors.tolerance' | 'errors.retry.timeout' | 'errors.retry.delay.max.ms'
>;

export interface ToleranceOptions {
  /** Reporters that see every final failure (the log reporter). */
  always?: ErrorReporter[];
  /** Reporters that see tolerated failures only (the dead-letter queue). */
  tolerated?: ErrorReporter[];
  /** Aborts retry waits when the task stops. */
  signal?: AbortSignal;
  now?: () => number;
}

function isRetriable(err: unknown): boolean {
  return err instanceof SluiceError && err.retriable;
}

/**
 * Runs one stage of one record (convert, transform, put) under the connector's `errors.*` policy, as Kafka's
 * RetryWithToleranceOperator: retriable errors are retried with a doubling delay for up to
 * `errors.retry.timeout`; a failure that remains is reported, then either fails the task
 * ({@link ToleranceExceededError}, `errors.tolerance=none`) or skips the record (`all`), after the dead-letter
 * reporter made it durable.
 */
export class RetryWithToleranceOperator {
  readonly counters: ToleranceCounters = { failed: 0, skipped: 0, retries: 0 };
  private readonly now: () => number;

  constructor(
    private readonly config: ToleranceConfig,
    private readonly options: ToleranceOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  get toleratesAll(): boolean {
    return this.config['errors.tolerance'] === 'all';
  }

  /**
   * Runs `fn`, or handles `firstError` when the caller already ran it once (the synchronous fast path).
   * Resolves with its result, or {@link SKIPPED} when it failed and the failure is tolerated.
   */
  async execute<T>(
    stage: ErrorStage,
    executing: string,
    fn: () => T | Promise<T>,
    record: FailedRecord,
    firstError?: unknown,
  ): Promise<T | typeof SKIPPED> {
    const timeout = this.config['errors.retry.timeout'];
    const deadline = timeout < 0 ? Number.POSITIVE_INFINITY : this.now() + timeout;
    let wait = FIRST_RETRY_DELAY_MS;
    let attempts = firstError === undefined ? 0 : 1;
    let error: unknown = firstError;
    for (;;) {
      if (attempts === 0 || (error !== undefined && isRetriable(error) && this.now() < deadline)) {
        if (attempts > 0) {
          const hinted = error instanceof RetriableError && error.delayMs > 0 ? error.delayMs : wait;
          const pause = Math.min(
            hinted,
            this.config['errors.retry.delay.max.ms'],
            Math.max(0, deadline - this.now()),
          );
          this.counters.retries++;
          await delay(pause, undefined, { signal: this.options.signal });
          wait = Math.min(wait * 2, this.config['errors.retry.delay.max.ms']);
        }
        attempts++;
        try {
          return await fn();
        } catch (err) {
          error = err;
          continue;
        }
      }
      return this.fail(stage, executing, error, record, attempts);
    }
  }

  private async fail(
    stage: ErrorStage,
    executing: string,
    error: unknown,
    record: FailedRecord,
    attempts: number,
  ): Promise<typeof SKIPPED> {
    this.counters.failed++;
    const report = { stage, executing, error, record, attempts };
    for (const r of this.options.always ?? []) await r.report(report);
    if (!this.toleratesAll) throw new ToleranceExceededError(stage, describeRecord(record), error);
    for (const r of this.options.tolerated ?? []) await r.report(report);
    this.counters.skipped++;
    return SKIPPED;
  }
}
