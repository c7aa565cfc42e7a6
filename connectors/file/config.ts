import { z } from 'zod';
import { field } from '../../src/connect/index.js';

/** FileStreamSource: Kafka's keys (`file`, `topic`, `batch.size`) and sluice's additions. */
export const fileSourceConfig = z.strictObject({
  file: field.string(
    'The file to read, or a glob (`logs/*.log`, `data/**/*.txt`) whose files are read as separate source partitions',
  ),
  topic: field.string('The topic to write the lines to'),
  'batch.size': field.int(2000, 'Most lines returned by one poll', 1),
  tail: field.bool(
    true,
    'Keep reading lines appended after the end (and new files matching the glob); false ends the task at the end of input',
  ),
  'poll.interval.ms': field.int(
    500,
    'Longest wait for new data before checking the files again (change notifications usually wake it sooner)',
    10,
  ),
});

export type FileSourceConfig = z.output<typeof fileSourceConfig>;

/** FileStreamSink: Kafka's `file`, and how values are written. */
export const fileSinkConfig = z.strictObject({
  file: field.string('The file to append one line per record to (created when missing)'),
  format: field.enumOf(
    ['text', 'json'],
    'text',
    'text: the value as text (strings as they are, structs and maps as JSON); json: the value as JSON',
  ),
});

export type FileSinkConfig = z.output<typeof fileSinkConfig>;
