import type { Command } from 'commander';
import { registerBrokerCommand } from './broker.js';
import { registerConnectCommand } from './connect.js';
import { registerConsume } from './consume.js';
import { registerGroupsCommand } from './groups.js';
import { registerLogCommand } from './log.js';
import { registerPipelineCommands } from './pipeline.js';
import { registerProduce } from './produce.js';
import { registerTopics } from './topics.js';

/** A function that adds one command (and its subcommands) to the root program. */
export type RegisterCommand = (program: Command) => void;

/** Every top-level command, in the order `sluice --help` lists them. */
export const registry: RegisterCommand[] = [
  registerPipelineCommands,
  registerTopics,
  registerProduce,
  registerConsume,
  registerGroupsCommand,
  registerLogCommand,
  registerBrokerCommand,
  registerConnectCommand,
];
