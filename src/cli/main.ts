import { Command, CommanderError, Option } from 'commander';
import { SluiceError } from '../errors.js';
import { type CommandEntry, commands } from './commands/index.js';

function root(): Command {
  return new Command('sluice')
    .description('Kafka Connect and Kafka Streams for TypeScript, on an embedded Kafka-format log')
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
}

/**
 * Builds the `sluice` command tree with the modules of `entries` loaded (every command by default). `main` loads
 * only the module of the command being run: the others stay unloaded, so startup pays for one layer at most.
 */
export async function program(entries: readonly CommandEntry[] = commands): Promise<Command> {
  const program = root();
  const loaded = new Set<unknown>();
  for (const entry of entries) {
    const register = await entry.load();
    if (loaded.has(register)) continue;
    loaded.add(register);
    register(program);
  }
  return program;
}

/** The root with a placeholder per command: enough for `--help`, `--version` and "unknown command" hints. */
function listing(): Command {
  const program = root();
  for (const c of commands) {
    const stub = program.command(c.name).description(c.description);
    if (c.args) for (const a of c.args.split(' ')) stub.argument(a);
    if (c.options) stub.addOption(new Option('--options').hideHelp());
  }
  return program;
}

/**
 * Output piped into a reader that stops early (`sluice consume t | head`) ends the command quietly, as a Unix tool
 * ends, where writing on would throw EPIPE with a stack.
 */
function endOnClosedOutput(err: NodeJS.ErrnoException): void {
  if (err.code !== 'EPIPE') throw err;
  process.exit(0);
}

/**
 * Runs the CLI. Expected failures (a {@link SluiceError}) print one line and exit 1; usage errors exit 2 as
 * commander decides; anything else is a bug and keeps its stack.
 */
export async function main(argv: string[]): Promise<void> {
  if (!process.stdout.listeners('error').includes(endOnClosedOutput))
    process.stdout.on('error', endOnClosedOutput);
  const args = argv.slice(2);
  // `sluice help topics` is `sluice topics --help`.
  const named = args[0] === 'help' && args[1] !== undefined ? args[1] : args[0];
  const entry = commands.find((c) => c.name === named);
  const effective = args[0] === 'help' && entry ? [...argv.slice(0, 2), named!, '--help'] : argv;
  try {
    const cli = entry ? await program([entry]) : listing();
    await cli.parseAsync(effective);
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
