// Vitest global setup: the suite talks to real things (kcat, kafka-python, PostgreSQL with logical
// replication). They are brought up here by `.ci/services.sh` (idempotent) when they are missing and this
// user can install them; otherwise the run stops at once, naming what is missing and the command that provides it.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

export const SERVICES_COMMAND = 'sudo .ci/services.sh';
const ROOT = path.resolve(import.meta.dirname, '..');
const PG_URL = process.env.SLUICE_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface Requirement {
  name: string;
  /** Null when present, else why it is not. */
  check(): Promise<string | null>;
}

function works(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore', timeout: 20_000 }).status === 0;
}

export const requirements: Requirement[] = [
  {
    name: 'kcat (Debian package kcat)',
    check: async () => (works('/usr/bin/kcat', ['-V']) ? null : '/usr/bin/kcat is not installed'),
  },
  {
    name: 'kafka-python (Debian package python3-kafka)',
    check: async () =>
      works('/usr/bin/python3', ['-c', 'import kafka']) ? null : "/usr/bin/python3 cannot 'import kafka'",
  },
  {
    name: `PostgreSQL at ${PG_URL.replace(/\/\/[^@]*@/, '//')} with wal_level=logical`,
    check: async () => {
      const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000 });
      try {
        await client.connect();
        const { rows } = await client.query('show wal_level');
        return rows[0].wal_level === 'logical' ? null : `wal_level is ${rows[0].wal_level}, not logical`;
      } catch (err) {
        return `cannot connect: ${(err as Error).message}`;
      } finally {
        await client.end().catch(() => {});
      }
    },
  },
];

/** What is missing, each with its reason. */
export async function missing(list: readonly Requirement[] = requirements): Promise<string[]> {
  const found = await Promise.all(list.map(async (r) => [r.name, await r.check()] as const));
  return found.filter(([, why]) => why !== null).map(([name, why]) => `${name}: ${why}`);
}

/** The error a run stops with when something cannot be provided. */
export function servicesError(absent: readonly string[]): Error {
  return new Error(
    `the test suite needs services this machine does not provide:\n${absent.map((m) => `  - ${m}`).join('\n')}\n` +
      `provide them with: ${SERVICES_COMMAND}   (installs kcat and python3-kafka, starts PostgreSQL with wal_level=logical)`,
  );
}

export default async function setup(): Promise<void> {
  let absent = await missing();
  if (absent.length === 0) return;
  const script = path.join(ROOT, '.ci', 'services.sh');
  const canProvide =
    process.getuid?.() === 0 && fs.existsSync(script) && works('sh', ['-c', 'command -v apt-get']);
  if (canProvide) {
    process.stderr.write(`test services missing (${absent.length}); running .ci/services.sh\n`);
    try {
      execFileSync('bash', [script], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 });
    } catch {
      // What is still missing is reported below.
    }
    absent = await missing();
  }
  if (absent.length > 0) throw servicesError(absent);
}
