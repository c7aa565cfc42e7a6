import { readFileSync } from 'node:fs';
import type { KafkaConfig } from 'kafkajs';
import { ConfigError } from '../../errors.js';
import type { KafkaSecurity } from '../options.js';

function pem(path: string, key: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ConfigError(`cannot read ${key} "${path}": ${reason}`, { key, cause: err });
  }
}

/** kafkajs's `ssl` and `sasl` settings for resolved security keys; certificate files are read here. */
export function kafkaJsSecurity(security: KafkaSecurity): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const out: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (security.ssl) {
    const { ca, certificate, key, keyPassword } = security.ssl;
    out.ssl =
      ca === undefined && certificate === undefined
        ? true
        : {
            ...(ca !== undefined ? { ca: [pem(ca, 'ssl.ca.location')] } : {}),
            ...(certificate !== undefined ? { cert: pem(certificate, 'ssl.certificate.location') } : {}),
            ...(key !== undefined ? { key: pem(key, 'ssl.key.location') } : {}),
            ...(keyPassword !== undefined ? { passphrase: keyPassword } : {}),
          };
  }
  if (security.sasl) {
    const { mechanism, username, password } = security.sasl;
    const name = mechanism.toLowerCase() as 'plain' | 'scram-sha-256' | 'scram-sha-512';
    out.sasl = { mechanism: name, username, password } as KafkaConfig['sasl'];
  }
  return out;
}
