import type { z } from 'zod';
import type { ConnectRecord } from '../data/connect-record.js';
import type { Schema } from '../data/schema.js';

/**
 * A single message transform: one record in, one record (changed or not) or null (dropped) out. It runs between the
 * task and the converter, in the order of `transforms=a,b`. It must not mutate its input: return a copy with
 * `{...record, value}` so other fields (source offsets, Kafka offsets) carry over. It throws DataError for a record
 * it cannot handle; `errors.tolerance` decides whether the task fails or the record is skipped.
 */
export interface Transformation {
  apply<R extends ConnectRecord>(record: R): R | null;
}

/** Which part of the record a `$Key` / `$Value` variant works on. */
export type Side = 'key' | 'value';

/** A transform plugin, declared once: names, config schema, constructor. */
export interface TransformDefinition<S extends z.ZodObject = z.ZodObject> {
  /** Short name, e.g. `InsertField`; with `$Key`/`$Value` appended when {@link sided}. */
  name: string;
  /** Kafka's class name without the variant, e.g. `org.apache.kafka.connect.transforms.InsertField`. */
  kafkaClass: string;
  /** True when the transform exists as `$Key` and `$Value` variants. */
  sided: boolean;
  description: string;
  config: S;
  create(config: z.output<S>, side: Side): Transformation;
}

/** A condition a transform can be made conditional on (`transforms.a.predicate=p`). */
export interface Predicate {
  test(record: ConnectRecord): boolean;
}

export interface PredicateDefinition<S extends z.ZodObject = z.ZodObject> {
  name: string;
  kafkaClass: string;
  description: string;
  config: S;
  create(config: z.output<S>): Predicate;
}

export function defineTransform<S extends z.ZodObject>(d: TransformDefinition<S>): TransformDefinition<S> {
  return d;
}

export function definePredicate<S extends z.ZodObject>(d: PredicateDefinition<S>): PredicateDefinition<S> {
  return d;
}

/** The schema and value a sided transform works on. */
export function operating(record: ConnectRecord, side: Side): { schema: Schema | null; value: unknown } {
  return side === 'key'
    ? { schema: record.keySchema ?? null, value: record.key }
    : { schema: record.valueSchema ?? null, value: record.value };
}

/** A copy of `record` with the operated side replaced. */
export function replaced<R extends ConnectRecord>(
  record: R,
  side: Side,
  schema: Schema | null,
  value: unknown,
): R {
  return side === 'key'
    ? { ...record, keySchema: schema, key: value }
    : { ...record, valueSchema: schema, value };
}
