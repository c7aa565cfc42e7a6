import { SluiceError } from '../errors.js';

/**
 * Thrown by a task (`poll`, `put`, `flush`) when the same call may succeed later, for example while a database
 * restarts. The runtime waits `delayMs` (or its own backoff when 0), then calls again with the same input; the
 * record is not lost and the task is not failed.
 */
export class RetriableError extends SluiceError {
  /** How long the runtime should wait before calling again; 0 leaves it to the runtime's backoff. */
  readonly delayMs: number;
  constructor(message: string, options: { delayMs?: number; cause?: unknown } = {}) {
    super('RETRIABLE', message, { cause: options.cause, retriable: true });
    this.delayMs = options.delayMs ?? 0;
  }
}

/**
 * Thrown by a task whose external system is unreachable. Treated as retriable: the runtime backs off and calls
 * again, and reports the task as RUNNING (not FAILED) with this message in its trace.
 */
export class NotConnectedError extends SluiceError {
  constructor(what: string, cause?: unknown) {
    super('NOT_CONNECTED', `not connected to ${what}; will retry`, { cause, retriable: true });
  }
}

/**
 * Thrown by `poll()` of a bounded source (a file read once, a table dump) once every record has been returned.
 * The runtime commits the offsets of everything delivered, stops the task cleanly, and reports it as finished.
 */
export class EndOfInputError extends SluiceError {
  constructor(what = 'source') {
    super('END_OF_INPUT', `${what} has no more records`);
  }
}

/**
 * Data that cannot be converted or transformed: a value of the wrong type, a missing field, bytes that do not
 * parse. Kafka's `DataException`; `errors.tolerance=all` skips (and dead-letters) records that raise it.
 */
export class DataError extends SluiceError {
  constructor(message: string, cause?: unknown) {
    super('DATA_EXCEPTION', message, { cause });
  }
}

/** A connector name, plugin or task that does not exist in this worker. */
export class NotFoundError extends SluiceError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}

/** An operation that conflicts with the current state (a connector that already exists, offsets of a running one). */
export class ConflictError extends SluiceError {
  constructor(message: string) {
    super('CONFLICT', message);
  }
}

/**
 * A record failed at some stage and `errors.tolerance=none`: the task fails with this error, naming the stage and
 * the record, with the original error as its cause.
 */
export class ToleranceExceededError extends SluiceError {
  readonly stage: string;
  constructor(stage: string, where: string, cause: unknown) {
    super(
      'TOLERANCE_EXCEEDED',
      `Tolerance exceeded in error handler: ${stage} failed for ${where}: ${cause instanceof Error ? cause.message : String(cause)}; ` +
        'fix the data or config, or set errors.tolerance=all (with errors.deadletterqueue.topic.name) to skip such records',
      { cause },
    );
    this.stage = stage;
  }
}
