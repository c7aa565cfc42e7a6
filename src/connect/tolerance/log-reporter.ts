import type { TaskLogger } from '../task-context.js';
import { describeRecord, type ErrorReport, type ErrorReporter } from './error-report.js';

/** `errors.log.enable`: one error line per failure, with the record's key and value when `includeMessages`. */
export class LogReporter implements ErrorReporter {
  constructor(
    private readonly logger: TaskLogger,
    private readonly includeMessages: boolean,
  ) {}

  async report(report: ErrorReport): Promise<void> {
    const err = report.error instanceof Error ? report.error : new Error(String(report.error));
    const fields: Record<string, unknown> = {
      stage: report.stage,
      executing: report.executing,
      attempts: report.attempts,
      err,
    };
    if (this.includeMessages) {
      if ('consumed' in report.record) {
        fields.key = report.record.consumed.key?.toString('utf8') ?? null;
        fields.value = report.record.consumed.value?.toString('utf8') ?? null;
      } else {
        fields.key = report.record.source.key;
        fields.value = report.record.source.value;
      }
    }
    this.logger.error(
      fields,
      `error at stage ${report.stage} (${report.executing}) for ${describeRecord(report.record)}`,
    );
  }
}
