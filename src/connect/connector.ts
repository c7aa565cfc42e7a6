import type { z } from 'zod';
import type { SinkTask } from './sink-task.js';
import type { SourceTask } from './source-task.js';

/** The config schema of a connector: a strict zod object of its own keys, with Kafka's dotted names. */
export type ConnectorConfigSchema = z.ZodObject;

interface ConnectorDefinitionBase<S extends ConnectorConfigSchema, T> {
  /** The plugin name users put in `connector.class`, e.g. `FileStreamSource`. */
  name: string;
  /** Other names accepted in `connector.class`, e.g. Kafka's fully qualified class names. */
  aliases?: readonly string[];
  version: string;
  description: string;
  /**
   * The connector's own keys (not the runtime's `name`, `tasks.max`, `transforms`, ...): each with a default where
   * one makes sense and a `.describe()`. Unknown keys are rejected with the nearest valid name suggested.
   */
  config: S;
  /**
   * Checks the parsed config beyond what the schema can say (two keys that exclude each other). No I/O: it runs in
   * `sluice validate` and `PUT /connector-plugins/{p}/config/validate`. Throws a ConfigError naming the key.
   */
  validate?(config: z.output<S>): void;
  /**
   * The local files and directories the connector reads or writes given its config (a glob by the directory it
   * starts from). With the worker's `allowed.paths` set, a connector whose paths are not all inside one of those
   * directories is refused before it starts. No I/O. Optional: connectors that touch no local files leave it out.
   */
  localPaths?(config: z.output<S>): string[];
  /**
   * Splits the work into at most `maxTasks` task configs; each starts one task. May return fewer (a single file
   * cannot be read by two tasks). No I/O beyond cheap local checks.
   */
  taskConfigs(config: z.output<S>, maxTasks: number): T[];
}

/** A source connector: reads an external system into topics. */
export interface SourceConnectorDefinition<
  S extends ConnectorConfigSchema = ConnectorConfigSchema,
  T = z.output<S>,
> extends ConnectorDefinitionBase<S, T> {
  kind: 'source';
  /**
   * The topics the connector writes given its config, when the config names them (a change-data-capture source
   * listing its tables); undefined when they are only known at run time. No I/O: `sluice validate` uses it to know
   * which topics a pipeline's source feeds. Optional.
   */
  topicsWritten?(config: z.output<S>): string[] | undefined;
  /**
   * How a pipeline's `tests:` feed the source a file: the config keys, merged over the entry's own, that make it
   * read `file.path` (named `file.name`, in the otherwise empty folder `file.dir`) once to its end, and nothing
   * else. `scratch` is an empty folder for whatever else it keeps on disk. No I/O. Optional: a source without it
   * cannot be given a file in `tests:`.
   */
  testInput?(file: { path: string; name: string; dir: string }, scratch: string): Record<string, unknown>;
  /** A fresh task instance; the runtime calls it once per task and per restart. */
  createTask(): SourceTask<T>;
}

/** A sink connector: writes topics to an external system. Which topics is the runtime's `topics` key. */
export interface SinkConnectorDefinition<
  S extends ConnectorConfigSchema = ConnectorConfigSchema,
  T = z.output<S>,
> extends ConnectorDefinitionBase<S, T> {
  kind: 'sink';
  /**
   * How a pipeline's `tests:` read back what the sink writes: the config keys, merged over the entry's own, that
   * make it write its files under the empty folder `dir` (and nowhere else). No I/O. Optional: a sink without it
   * cannot be named in a test's `expect_output`.
   */
  testOutput?(dir: string): Record<string, unknown>;
  /**
   * The fields of one line the sink wrote, by name, so that a failed `expect_output` names the fields that differ;
   * `header` is the first line of the same file. Undefined when the line has no fields the sink can tell. Lines
   * that are JSON objects are compared field by field without it. Optional.
   */
  outputFields?(line: string, header: string, config: z.output<S>): Record<string, unknown> | undefined;
  createTask(): SinkTask<T>;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds connectors of every config type.
export type AnyConnectorDefinition = SourceConnectorDefinition<any, any> | SinkConnectorDefinition<any, any>;

/** Identity functions that check a definition's types where it is written. */
export function defineSourceConnector<S extends ConnectorConfigSchema, T = z.output<S>>(
  definition: SourceConnectorDefinition<S, T>,
): SourceConnectorDefinition<S, T> {
  return definition;
}

export function defineSinkConnector<S extends ConnectorConfigSchema, T = z.output<S>>(
  definition: SinkConnectorDefinition<S, T>,
): SinkConnectorDefinition<S, T> {
  return definition;
}
