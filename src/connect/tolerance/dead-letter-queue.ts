import type { Header } from '../../client/index.js';
import { JsonConverter } from '../converters/json-converter.js';
import type { ErrorReport, ErrorReporter } from './error-report.js';

/** Kafka's dead-letter context header names. */
export const DlqHeader = {
  topic: '__connect.errors.topic',
  partition: '__connect.errors.partition',
  offset: '__connect.errors.offset',
  connector: '__connect.errors.connector.name',
  task: '__connect.errors.task.id',
  stage: '__connect.errors.stage',
  executingClass: '__connect.errors.class.name',
  exceptionClass: '__connect.errors.exception.class.name',
  exceptionMessage: '__connect.errors.exception.message',
  exceptionStacktrace: '__connect.errors.exception.stacktrace',
} as const;

/** Writes one record to the dead-letter topic and resolves once it is durable. */
export type DlqSend = (
  topic: string,
  record: { key: Buffer | null; value: Buffer | null; headers: Header[] },
) => Promise<void>;

const plainJson = new JsonConverter(false);

function bytesOf(
  value: unknown,
  schema: Parameters<JsonConverter['fromConnectData']>[1],
  topic: string,
): Buffer | null {
  try {
    return plainJson.fromConnectData(topic, schema ?? null, value);
  } catch {
    return value === null || value === undefined ? null : Buffer.from(String(value));
  }
}

/**
 * Sends each failed record to `errors.deadletterqueue.topic.name`: for sinks the bytes exactly as consumed, for
 * sources the record as schemaless JSON (it never had bytes), with `__connect.errors.*` headers naming the stage,
 * connector, task, exception and original coordinates. Header values are UTF-8 text, as Kafka writes them.
 */
export class DeadLetterQueueReporter implements ErrorReporter {
  constructor(
    private readonly topic: string,
    private readonly send: DlqSend,
    private readonly context: { connectorName: string; taskId: number; contextHeaders: boolean },
  ) {}

  async report(report: ErrorReport): Promise<void> {
    const original =
      'consumed' in report.record
        ? report.record.consumed
        : {
            topic: report.record.source.topic,
            partition: report.record.source.kafkaPartition ?? undefined,
            offset: undefined,
            key: bytesOf(
              report.record.source.key,
              report.record.source.keySchema,
              report.record.source.topic,
            ),
            value: bytesOf(
              report.record.source.value,
              report.record.source.valueSchema,
              report.record.source.topic,
            ),
            headers: [] as Header[],
          };
    const headers: Header[] = [...original.headers];
    if (this.context.contextHeaders) {
      const add = (key: string, value: string | number | undefined) => {
        if (value !== undefined) headers.push({ key, value: Buffer.from(String(value), 'utf8') });
      };
      const err = report.error instanceof Error ? report.error : new Error(String(report.error));
      add(DlqHeader.topic, original.topic);
      add(DlqHeader.partition, original.partition);
      add(DlqHeader.offset, original.offset);
      add(DlqHeader.connector, this.context.connectorName);
      add(DlqHeader.task, this.context.taskId);
      add(DlqHeader.stage, report.stage);
      add(DlqHeader.executingClass, report.executing);
      add(DlqHeader.exceptionClass, err.name);
      add(DlqHeader.exceptionMessage, err.message);
      add(DlqHeader.exceptionStacktrace, err.stack ?? `${err.name}: ${err.message}`);
    }
    await this.send(this.topic, { key: original.key, value: original.value, headers });
  }
}
