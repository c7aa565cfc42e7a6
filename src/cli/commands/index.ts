import type { Command } from 'commander';

/** A function that adds one command (and its subcommands) to the root program. */
export type RegisterCommand = (program: Command) => void;

/**
 * A top-level command as `sluice --help` lists it, and the module that defines it. The module is imported only when
 * its command runs (or its own `--help` is asked for): each brings its layer (the log, zod schemas, the runtimes),
 * which the other commands, `--help` and `--version` do not need.
 */
export interface CommandEntry {
  name: string;
  /** Its arguments, as `--help` shows them. */
  args: string;
  /** Whether it takes options (`[options]` in the listing). */
  options: boolean;
  /** Must equal the description the module registers (a test checks). */
  description: string;
  load(): Promise<RegisterCommand>;
}

const pipeline = () => import('./pipeline.js').then((m) => m.registerPipelineCommands);

/** Every top-level command, in the order `sluice --help` lists them. */
export const commands: CommandEntry[] = [
  {
    name: 'validate',
    args: '<file>',
    options: true,
    description:
      'check a pipeline file: every error at once, with file:line:column and the nearest valid name',
    load: pipeline,
  },
  {
    name: 'test',
    args: '<file>',
    options: true,
    description:
      "run a pipeline's tests: block on the test driver (no services; sources and sinks a case names run on a temporary log)",
    load: pipeline,
  },
  {
    name: 'run',
    args: '<file>',
    options: true,
    description:
      'run a pipeline: sources, streams and sinks, until Ctrl-C or (with --until-done) until drained',
    load: pipeline,
  },
  {
    name: 'diff',
    args: '<file>',
    options: true,
    description:
      'show what an edit of a pipeline changes: replay the last records of its log through both versions, field by field',
    load: () => import('./diff.js').then((m) => m.registerDiffCommand),
  },
  {
    name: 'topics',
    args: '',
    options: false,
    description: 'create, list, describe, alter and delete topics',
    load: () => import('./topics.js').then((m) => m.registerTopics),
  },
  {
    name: 'produce',
    args: '<topic>',
    options: true,
    description: 'append lines from stdin to a topic, one record per line',
    load: () => import('./produce.js').then((m) => m.registerProduce),
  },
  {
    name: 'consume',
    args: '<topic>',
    options: true,
    description: 'print records of a topic, following new ones until --max-messages or Ctrl-C',
    load: () => import('./consume.js').then((m) => m.registerConsume),
  },
  {
    name: 'groups',
    args: '',
    options: false,
    description: 'list, describe, reset and delete consumer groups',
    load: () => import('./groups.js').then((m) => m.registerGroupsCommand),
  },
  {
    name: 'log',
    args: '',
    options: false,
    description: 'inspect and check the segment files of a log directory (Kafka layout)',
    load: () => import('./log.js').then((m) => m.registerLogCommand),
  },
  {
    name: 'broker',
    args: '',
    options: true,
    description:
      'Serve a log directory over the Kafka protocol, for any Kafka client and for several workers',
    load: () => import('./broker.js').then((m) => m.registerBrokerCommand),
  },
  {
    name: 'connect',
    args: '',
    options: false,
    description: 'Run Kafka Connect-style connectors',
    load: () => import('./connect.js').then((m) => m.registerConnectCommand),
  },
];
