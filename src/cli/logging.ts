import { Writable } from 'node:stream';
import { type Command, Option } from 'commander';
import type { Logger } from 'pino';

/** `--log-level` and `--log-format`, as the long-running commands (run, connect, broker) take them. */
export interface LoggingOptions {
  logLevel?: string;
  logFormat?: 'pretty' | 'json';
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** Adds `--log-level` (env SLUICE_LOG_LEVEL) and `--log-format pretty|json` (env SLUICE_LOG_FORMAT). */
export function loggingOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--log-level <level>',
        'least severe level logged (default: warn on a terminal, info otherwise)',
      )
        .choices(LEVELS)
        .env('SLUICE_LOG_LEVEL'),
    )
    .addOption(
      new Option(
        '--log-format <format>',
        'pretty: one readable line per entry; json: JSON lines (default: pretty on a terminal)',
      )
        .choices(['pretty', 'json'])
        .env('SLUICE_LOG_FORMAT'),
    );
}

/**
 * A pino logger as the options say: pretty (pino-pretty, one line per entry) on a terminal and JSON lines otherwise,
 * as pino and Vector do, unless `--log-format` chooses. Each entry goes to `write` (stderr by default), so that a
 * live view can print log lines above itself instead of having them drawn over.
 */
export async function cliLogger(
  o: LoggingOptions,
  defaults: { level: string; terminal: boolean; write?: (text: string) => void },
): Promise<Logger> {
  const { pino } = await import('pino');
  const write = defaults.write ?? ((text: string) => void process.stderr.write(text));
  const level = o.logLevel ?? defaults.level;
  const format = o.logFormat ?? (defaults.terminal ? 'pretty' : 'json');
  const sink = new Writable({
    write(chunk, _encoding, done) {
      write(String(chunk));
      done();
    },
  });
  if (format === 'json') return pino({ level }, sink);
  const { default: pretty } = await import('pino-pretty');
  return pino(
    { level },
    pretty({
      destination: sink,
      sync: true,
      colorize: defaults.terminal && process.stderr.hasColors?.() === true,
      singleLine: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
    }),
  );
}
