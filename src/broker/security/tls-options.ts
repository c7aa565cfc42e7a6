import { readFile } from 'node:fs/promises';
import type { TlsOptions } from 'node:tls';
import { ConfigError } from '../../errors.js';
import type { BrokerConfig } from '../broker-config.js';

/** Reads one PEM file named by a config key; a missing or unreadable file is a ConfigError naming both. */
export async function readPem(path: string, key: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new ConfigError(`cannot read ${key} (${flag}) file "${path}": ${reason}`, { key, cause: err });
  }
}

/**
 * The TLS listener's options, or null when the broker listens in plaintext. With a CA, clients must present a
 * certificate it signed (Kafka's ssl.client.auth=required); without one, no client certificate is asked for.
 */
export async function brokerTlsOptions(config: BrokerConfig): Promise<TlsOptions | null> {
  if (config.tlsCert === undefined || config.tlsKey === undefined) return null;
  const [cert, key, ca] = await Promise.all([
    readPem(config.tlsCert, 'tlsCert'),
    readPem(config.tlsKey, 'tlsKey'),
    config.tlsCa === undefined ? undefined : readPem(config.tlsCa, 'tlsCa'),
  ]);
  const options: TlsOptions = { cert, key, minVersion: 'TLSv1.2' };
  if (ca) Object.assign(options, { ca, requestCert: true, rejectUnauthorized: true });
  return options;
}
