import type pg from 'pg';
import { RetriableError } from '../../src/connect/index.js';
import { pg as loadPg } from './pg-modules.js';
import { pgTypes } from './pg-values.js';

/** What a task needs to reach its database. The password never appears in an error or a log line. */
export interface ConnectionSettings {
  /** `postgres://user:password@host:port/database?...` (the JDBC form `jdbc:postgresql://...` is accepted too). */
  url: string;
  user?: string | undefined;
  password?: string | undefined;
  /** Opens a replication connection (`replication=database`) for logical decoding. */
  replication?: boolean;
  applicationName?: string;
}

/** `jdbc:postgresql://h:5432/db` → `postgres://h:5432/db`; a postgres URL is returned as it is. */
export function normalizeUrl(url: string): string {
  return url.replace(/^jdbc:postgresql:/, 'postgres:');
}

/** The URL without user and password, for messages: `postgres://127.0.0.1:5432/test`. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(normalizeUrl(url));
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'the configured connection.url';
  }
}

/**
 * Opens a connection. Every session reads and writes dates in ISO style and time stamps with zone in UTC, so that
 * values have one spelling whatever the server's settings.
 */
export async function connect(settings: ConnectionSettings): Promise<pg.Client> {
  const client = new (loadPg().Client)({
    connectionString: normalizeUrl(settings.url),
    ...(settings.user === undefined ? {} : { user: settings.user }),
    ...(settings.password === undefined ? {} : { password: settings.password }),
    ...(settings.replication ? { replication: 'database' } : {}),
    application_name: settings.applicationName ?? 'sluice',
    options: '-c TimeZone=UTC -c DateStyle=ISO -c extra_float_digits=3 -c bytea_output=hex',
    types: pgTypes,
  } as pg.ClientConfig);
  // A connection that breaks while idle emits 'error'; the next query fails and is classified by the caller.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    client.on('end', () => {});
    throw asTaskError(error, `cannot connect to ${describeUrl(settings.url)}`);
  }
  return client;
}

/** SQLSTATEs that mean "try again later": connection exceptions, shutdown in progress, too many connections. */
const RETRIABLE_STATES = /^(08...|57P0[1-4]|53300|53400|40001|40P01)$/;
const RETRIABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EAI_AGAIN',
]);

/** True when `error` is a lost or refused connection, or a server state that a retry can get past. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (RETRIABLE_STATES.test(code) || RETRIABLE_CODES.has(code))) return true;
  return /Connection terminated|connection error|not queryable|terminating connection/i.test(error.message);
}

/**
 * Wraps a transient failure in a {@link RetriableError} (the runtime calls again after `delayMs`); any other error is
 * returned unchanged and fails the task.
 */
export function asTaskError(error: unknown, what: string, delayMs = 1000): unknown {
  if (!isTransient(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new RetriableError(`${what}: ${reason}; retrying in ${delayMs} ms`, { delayMs, cause: error });
}

/** Closes a client, ignoring errors: it may already be broken. */
export async function closeQuietly(client: pg.Client | undefined): Promise<void> {
  if (!client) return;
  try {
    await client.end();
  } catch {
    // already closed or broken
  }
}
