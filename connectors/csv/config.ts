import { z } from 'zod';
import { field } from '../../src/connect/index.js';
import { FIELD_TYPES } from './field-types.js';

/**
 * The CSV source's config, with the names users of kafka-connect-spooldir know where a key has a counterpart
 * there (`input.path`, `input.file.pattern`, `finished.path`, `error.path`, `cleanup.policy`,
 * `file.minimum.age.ms`, `csv.first.row.as.header`, `batch.size`, `key.fields`).
 */
const char = (value: string, description: string) =>
  z.string().length(1, 'must be exactly one character').default(value).describe(description);

const columnType = z
  .string()
  .regex(
    new RegExp(`^\\s*(${FIELD_TYPES.join('|')})\\s*(\\(.*\\))?\\s*\\??\\s*$`),
    `use one of ${FIELD_TYPES.join(', ')}, optionally with a format in parentheses and ? for nullable`,
  );

export const csvSourceConfig = z.strictObject({
  topic: field.string('Topic the rows are written to'),
  'input.path': field.string('Directory watched for CSV files'),
  'input.file.pattern': field.stringDefault('*.csv', 'Glob of the file names to read, e.g. orders-*.csv'),
  'input.path.walk.recursively': field.bool(false, 'Also read files in subdirectories of input.path'),
  'input.finite': field.bool(
    false,
    'Read the files present at start, then report end of input (batch ETL); otherwise keep watching',
  ),
  'input.claim': z
    .enum(['rename', 'offsets'])
    .default('rename')
    .describe(
      'rename: claim a file by moving it into processing.path (several tasks or workers share a folder safely); offsets: leave files in place and skip those whose committed offset reached their end (read-only inputs; tasks split files by name hash; needs cleanup.policy=none)',
    ),
  'processing.path': field.optionalString(
    'Where claimed files are moved while being read (default <input.path>/.processing)',
  ),
  'finished.path': field.optionalString(
    'Where finished files are moved when cleanup.policy is move (default <input.path>/.finished)',
  ),
  'finished.path.by.date': field.bool(false, 'Move finished files into a yyyy-MM-dd subdirectory'),
  'error.path': field.optionalString(
    'Where unreadable files are moved, with a .error note (default <input.path>/.error)',
  ),
  'cleanup.policy': z
    .enum(['none', 'delete', 'move', 'NONE', 'DELETE', 'MOVE'])
    .default('move')
    .transform((v) => v.toLowerCase() as 'none' | 'delete' | 'move')
    .describe(
      'What to do with a file once every row is in the topic: none, delete, or move to finished.path',
    ),
  'file.minimum.age.ms': field.int(0, 'A file is read only once it has not been modified for this long', 0),
  'file.sort.attributes': z
    .enum(['name', 'mtime'])
    .default('name')
    .describe('Order in which waiting files are read: by name or by last-modified time'),
  'batch.size': field.int(1000, 'Rows handed to the runtime per poll', 1),
  'empty.poll.wait.ms': field.int(500, 'How long a poll waits for a new file before returning nothing', 1),
  'csv.separator.char': char(',', 'Field delimiter'),
  'csv.quote.char': char('"', 'Quote character'),
  'csv.escape.char': char('"', 'Escape character inside quotes (RFC 4180 doubles the quote)'),
  'csv.first.row.as.header': field.bool(true, 'The first row (after csv.skip.lines) names the columns'),
  'csv.columns': field.list([], 'Column names, when the file has no header row (or to override it)'),
  'csv.skip.lines': field.int(0, 'Lines to skip at the top of each file', 0),
  'csv.null.value': field.optionalString('A cell equal to this is null (an empty cell always is)'),
  'csv.trim': field.bool(false, 'Trim whitespace around cells'),
  'csv.file.charset': z
    .enum(['utf8', 'utf-8', 'UTF-8', 'latin1', 'ISO-8859-1', 'utf16le', 'UTF-16LE', 'ascii'])
    .default('utf8')
    .transform((v): BufferEncoding => {
      const n = v.toLowerCase();
      return n === 'utf-8'
        ? 'utf8'
        : n === 'iso-8859-1'
          ? 'latin1'
          : n === 'utf-16le'
            ? 'utf16le'
            : (n as BufferEncoding);
    })
    .describe('Character set of the files'),
  'value.schema': z
    .record(z.string(), columnType)
    .optional()
    .describe(
      'Column types, e.g. { id: long, ts: timestamp(yyyy-MM-dd HH:mm:ss), note: string? }; inferred when absent',
    ),
  'schema.generation.rows': field.int(
    100,
    'Rows sampled to infer column types when value.schema is absent',
    1,
  ),
  'key.fields': field.list([], 'Columns that make the record key (one: its value; several: an object)'),
  'csv.parse.thread': field.enumOf(
    ['auto', 'always', 'never'],
    'auto',
    'Parse big files on a thread of their own: auto does so only while a core is free (load average below the core count minus a half), since on a busy machine the thread is slower than parsing in the task; always and never decide alone',
  ),
  'csv.parse.thread.min.bytes': field.int(
    1024 * 1024,
    "Files at least this large are parsed on a thread of their own while the task's thread types and sends the rows (0: every file; smaller files are not worth the thread's start)",
    0,
  ),
  // The runtime reads these two keys too (for records failing a transform or converter), so their default is the
  // runtime's: with `all` and no dead-letter topic, such records would be skipped with no trace.
  'errors.tolerance': z
    .enum(['none', 'all'])
    .default('none')
    .describe(
      'none: a bad row stops the task; all: a bad row goes to the dead-letter topic and reading goes on',
    ),
  'errors.deadletterqueue.topic.name': field.optionalString(
    'Topic for rows that do not parse or fit the schema, with errors.tolerance=all (default <topic>-dlq)',
  ),
});

export type CsvSourceConfig = z.output<typeof csvSourceConfig>;

/** What each task gets: the connector's config plus its share of the claiming. */
export interface CsvSourceTaskConfig extends CsvSourceConfig {
  'task.id': number;
  'task.count': number;
}

/** The CSV sink's config. */
export const csvSinkConfig = z.strictObject({
  'output.path': field.string('Directory the CSV files are written to'),
  'csv.separator.char': char(',', 'Field delimiter'),
  'csv.quote.char': char('"', 'Quote character'),
  'csv.header': field.bool(true, 'Write a header row with the column names'),
  'csv.columns': field.list(
    [],
    'Columns to write, in order (default: the fields of the first record of each file)',
  ),
  'csv.null.value': field.stringDefault('', 'How a null is written'),
  'rotate.rows': field.int(0, 'Complete a file after this many rows (0: no limit)', 0),
  'rotate.bytes': field.int(0, 'Complete a file after this many bytes (0: no limit)', 0),
  'rotate.interval.ms': field.int(0, 'Complete a file this long after its first row (0: no limit)', 0),
  'value.schema': z
    .record(z.string(), columnType)
    .optional()
    .describe(
      "Column types, as the CSV source's value.schema: date and timestamp columns arriving as numbers (what the JSON converter makes of them: days since the epoch for a date, epoch milliseconds for a timestamp) are written as dates again, in ISO 8601 or their format; the columns are written in this order when csv.columns is empty",
    ),
});

export type CsvSinkConfig = z.output<typeof csvSinkConfig>;
