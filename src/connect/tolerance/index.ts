// Error handling for connectors: retries, tolerance, the dead-letter queue and error logging.

export type { DlqSend } from './dead-letter-queue.js';
export { DeadLetterQueueReporter, DlqHeader } from './dead-letter-queue.js';
export type { ErrorConfig } from './error-config.js';
export { errorConfig, errorConfigShape } from './error-config.js';
export type { ConsumedRecord, ErrorReport, ErrorReporter, ErrorStage, FailedRecord } from './error-report.js';
export { describeRecord } from './error-report.js';
export { LogReporter } from './log-reporter.js';
export type { ToleranceCounters, ToleranceOptions } from './retry-with-tolerance.js';
export { RetryWithToleranceOperator, SKIPPED } from './retry-with-tolerance.js';
