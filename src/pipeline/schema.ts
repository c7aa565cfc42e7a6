import { z } from 'zod';
import { kafkaSecurityShape } from '../client/options.js';
import { duration } from './duration.js';

/**
 * The schema of a pipeline file. It is the single source for validation, `sluice validate`, and the JSON Schema
 * shipped for editors (`schema/pipeline.schema.json`, generated from this by `npm run schema`).
 */

const name = z
  .string()
  .regex(/^[a-zA-Z0-9._-]{1,249}$/, 'use letters, digits, ".", "_" and "-" (as Kafka topic names)');

const expression = z.string().min(1).meta({ description: 'A JSONata expression over the record value' });

const configMap = z
  .record(z.string(), z.unknown())
  .default({})
  .meta({ description: "The connector's config, with Kafka Connect's key names" });

export const logSchema = z
  .strictObject({
    dir: z.string().optional().meta({ description: 'Embedded log directory (default ./.sluice/data)' }),
    brokers: z
      .array(z.string())
      .min(1)
      .optional()
      .meta({ description: 'Kafka bootstrap servers; when set, the pipeline runs against a Kafka cluster' }),
    clientId: z.string().optional(),
    ...kafkaSecurityShape,
  })
  .refine((log) => !(log.dir && log.brokers), { message: 'set either log.dir or log.brokers, not both' })
  .refine((log) => log.brokers || !Object.keys(kafkaSecurityShape).some((k) => k in log), {
    message: 'security.protocol, ssl.* and sasl.* are for log.brokers; an embedded log.dir takes none',
  });

export const topicSchema = z.strictObject({
  partitions: z.number().int().positive().default(1),
  config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});

export const sourceSchema = z.strictObject({
  name,
  connector: z.string().meta({ description: 'Connector name, e.g. csv, file, postgres, postgres-cdc' }),
  topic: z
    .string()
    .optional()
    .meta({ description: 'The topic the source writes (for connectors with one topic)' }),
  'tasks.max': z.number().int().positive().default(1),
  config: configMap,
});

export const sinkSchema = z.strictObject({
  name,
  connector: z.string(),
  topics: z.union([z.string(), z.array(z.string()).min(1)]).transform((t) => (Array.isArray(t) ? t : [t])),
  'tasks.max': z.number().int().positive().default(1),
  config: configMap,
});

const windowSchema = z.strictObject({
  type: z.enum(['tumbling', 'hopping', 'sliding', 'session']),
  size: duration.optional().meta({ description: 'Window size (tumbling, hopping, sliding)' }),
  advance: duration.optional().meta({ description: 'Advance of a hopping window' }),
  gap: duration.optional().meta({ description: 'Inactivity gap of a session window' }),
  grace: duration.default(0).meta({ description: 'How late a record may be and still count' }),
  emit: z.enum(['changes', 'final']).default('final'),
  timestamp: expression
    .optional()
    .meta({ description: 'Event time from the value (default: record timestamp)' }),
});

const aggregateField = z.union([
  z.strictObject({ count: z.literal(true) }),
  z.strictObject({ sum: expression }),
  z.strictObject({ min: expression }),
  z.strictObject({ max: expression }),
  z.strictObject({ avg: expression }),
  z.strictObject({ collect: expression }),
]);

export const stepSchemas = {
  filter: z.strictObject({ filter: expression }),
  map: z.strictObject({ map: expression }),
  key: z.strictObject({ key: expression }),
  flatMap: z.strictObject({ flatMap: expression }),
  branch: z.strictObject({
    branch: z.array(z.strictObject({ when: expression.optional(), to: z.string() })).min(1),
  }),
  aggregate: z.strictObject({
    aggregate: z.strictObject({
      window: windowSchema.optional(),
      fields: z.record(z.string(), aggregateField),
      'late.topic': z.string().optional(),
    }),
  }),
  join: z.strictObject({
    join: z.strictObject({
      table: z.string().meta({ description: 'Topic read as a table (latest value per key)' }),
      type: z.enum(['inner', 'left']).default('inner'),
      as: z.string().default('joined').meta({ description: 'Field of the output holding the table value' }),
    }),
  }),
  dedupe: z.strictObject({
    dedupe: z.strictObject({ key: expression.optional(), within: duration }),
  }),
  module: z.strictObject({
    module: z
      .string()
      .regex(/^.+#[A-Za-z_$][\w$]*$/, 'write ./path.ts#exportName')
      .meta({
        description: "The user's own operator: ./path.ts#export, a function returning an RxJS operator",
      }),
    options: z.record(z.string(), z.unknown()).optional(),
  }),
} as const;

export type StepKind = keyof typeof stepSchemas;
export const stepKinds = Object.keys(stepSchemas) as StepKind[];

export const stepSchema = z.union(
  Object.values(stepSchemas) as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]],
);

export const streamSchema = z.strictObject({
  name,
  from: z.union([z.string(), z.array(z.string()).min(1)]).transform((t) => (Array.isArray(t) ? t : [t])),
  steps: z.array(z.unknown()).default([]),
  to: z.string().optional(),
  'dead.letter.topic': z
    .string()
    .optional()
    .meta({ description: 'Where records that fail a step go, with the reason' }),
});

const testRecord = z.strictObject({
  key: z.unknown().optional(),
  value: z.unknown(),
  headers: z.record(z.string(), z.string()).optional(),
  timestamp: z.union([z.number(), z.string()]).optional(),
});

/** An expected output record: its exact value, or fields it must hold, or a condition it must meet. */
const expectedRecord = z
  .strictObject({
    key: z.unknown().optional(),
    value: z.unknown().optional().meta({ description: 'The exact value' }),
    value_contains: z.unknown().optional().meta({
      description:
        'Fields (and array items) the value must hold, recursively; others may be there too (Benthos json_contains)',
    }),
    condition: z.string().optional().meta({
      description:
        'A JSONata expression over the record (the value, with $key, $headers, $timestamp) that must be true',
    }),
    headers: z.record(z.string(), z.string()).optional(),
    timestamp: z.union([z.number(), z.string()]).optional(),
  })
  .refine((r) => 'value' in r || r.value_contains !== undefined || r.condition !== undefined, {
    message: 'an expected record needs value, value_contains or condition',
  });

/** A file a source reads in a test, through its own parsing: given inline, or as a path. */
const sourceInput = z
  .strictObject({
    content: z.string().optional().meta({ description: "The file's text, e.g. CSV rows under their header" }),
    file: z
      .string()
      .optional()
      .meta({ description: 'A file to read instead, relative to the pipeline file' }),
    name: z.string().optional().meta({
      description: "The file's name as the source sees it (default: the name of file, or the source's name)",
    }),
  })
  .refine((i) => (i.content === undefined) !== (i.file === undefined), {
    message: 'a source input needs content or file (one of them)',
  });

/** What a sink must have written: its output files' lines, in file-name order. */
const expectedOutput = z
  .strictObject({
    lines: z.array(z.string()).optional().meta({
      description: 'Every line written, in order (a CSV file its header first); nothing else may be there',
    }),
    contains: z.array(z.string()).optional().meta({
      description: 'Lines that must each be among those written; others may be there too',
    }),
  })
  .refine((o) => o.lines !== undefined || o.contains !== undefined, {
    message: 'an expected output needs lines or contains',
  });

export const testSchema = z
  .strictObject({
    name: z.string(),
    input: z.record(z.string(), z.union([z.array(testRecord), sourceInput])).meta({
      description:
        "By topic, the records fed to the streams; or by source name, a file the source reads with its own parsing (its records go to the source's topics)",
    }),
    expect: z
      .record(z.string(), z.array(expectedRecord))
      .default({})
      .meta({ description: 'By topic, the records the streams (or a source given a file) must write there' }),
    expect_output: z.record(z.string(), expectedOutput).optional().meta({
      description:
        'By sink name, the lines the sink must write (the real sink, run on what the streams wrote and the input)',
    }),
  })
  .refine((t) => Object.keys(t.expect).length > 0 || t.expect_output !== undefined, {
    message: 'a test needs expect (records by topic) or expect_output (lines by sink)',
  });

export const pipelineSchema = z.strictObject({
  name: z.string().optional(),
  'until-done': z.boolean().default(false).meta({
    description:
      'Batch ETL: `sluice run` exits once every bounded source is drained and every sink has caught up, as with --until-done',
  }),
  log: logSchema.default({}),
  topics: z.record(z.string(), topicSchema).default({}),
  sources: z.array(sourceSchema).default([]),
  streams: z.array(streamSchema).default([]),
  sinks: z.array(sinkSchema).default([]),
  tests: z.array(testSchema).default([]),
});

export type PipelineSpec = z.output<typeof pipelineSchema>;
export type SourceSpec = z.output<typeof sourceSchema>;
export type SinkSpec = z.output<typeof sinkSchema>;
export type StreamSpec = z.output<typeof streamSchema>;
export type TestSpec = z.output<typeof testSchema>;
export type SourceInputSpec = z.output<typeof sourceInput>;
export type ExpectedOutputSpec = z.output<typeof expectedOutput>;
