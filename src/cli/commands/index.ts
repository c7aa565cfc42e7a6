import type { Command } from 'commander';
import { registerBrokerCommand } from './broker.js';
import { registerLogCommand } from './log.js';

/** A function that adds one command (and its subcommands) to the root program. */
export type RegisterCommand = (program: Command) => void;

/** Every top-level command, in the order `sluice --help` lists them. */
export const registry: RegisterCommand[] = [registerLogCommand, registerBrokerCommand];
