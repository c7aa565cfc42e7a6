import { Command, CommanderError } from 'commander';
import { SluiceError } from '../errors.js';
import { registry } from './commands/index.js';

/** Builds the `sluice` command tree. Each layer contributes its commands through `commands/index.ts`. */
export function program(): Command {
  const root = new Command('sluice')
    .description('Kafka Connect and Kafka Streams for TypeScript, on an embedded Kafka-format log')
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  for (const register of registry) register(root);
  return root;
}

/**
 * Runs the CLI. Expected failures (a {@link SluiceError}) print one line and exit 1; usage errors exit 2 as
 * commander decides; anything else is a bug and keeps its stack.
 */
export async function main(argv: string[]): Promise<void> {
  try {
    await program().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    if (err instanceof SluiceError) {
      process.stderr.write(`sluice: ${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
}
