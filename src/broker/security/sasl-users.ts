/**
 * The users file of `--sasl-users`: JSON, one entry per user, holding a password, or SCRAM credentials (salted keys,
 * so the file does not hold the password), or both:
 *
 *   {
 *     "users": {
 *       "alice": { "password": "alice-secret" },
 *       "bob": {
 *         "SCRAM-SHA-256": { "salt": "<base64>", "iterations": 4096, "storedKey": "<base64>", "serverKey": "<base64>" },
 *         "SCRAM-SHA-512": { ... }
 *       }
 *     }
 *   }
 *
 * A user with a password can use PLAIN and both SCRAM mechanisms (its SCRAM keys are derived when the file is read).
 * A user with only SCRAM credentials can use those mechanisms, and PLAIN, checked against the stored keys.
 * Errors name the file and the user, never a password or key.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import { SCRAM_MIN_ITERATIONS, type ScramCredential, type ScramMechanism, scramCredential } from './scram.js';

export const SCRAM_MECHANISMS: readonly ScramMechanism[] = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];

const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64');
const credentialSchema = z.strictObject({
  salt: base64,
  iterations: z.number().int().min(SCRAM_MIN_ITERATIONS),
  storedKey: base64,
  serverKey: base64,
});
const userSchema = z
  .strictObject({
    password: z.string().min(1).optional(),
    'SCRAM-SHA-256': credentialSchema.optional(),
    'SCRAM-SHA-512': credentialSchema.optional(),
  })
  .refine((u) => Object.keys(u).length > 0, 'needs a password or SCRAM credentials');
const fileSchema = z.strictObject({ users: z.record(z.string().min(1), userSchema) });

export interface SaslUser {
  /** Present when the file gives the password itself. */
  password?: string;
  scram: Partial<Record<ScramMechanism, ScramCredential>>;
}

/** The users a broker accepts, by name. */
export type SaslUsers = ReadonlyMap<string, SaslUser>;

export async function loadSaslUsers(path: string): Promise<SaslUsers> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ConfigError(`cannot read saslUsers file "${path}": ${reason}`, {
      key: 'saslUsers',
      cause: err,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`saslUsers file "${path}" is not JSON: ${(err as Error).message}`, {
      key: 'saslUsers',
    });
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    // zod's issues name the path and the rule broken, never the value.
    const issue = parsed.error.issues[0]!;
    const where = issue.path.join('.') || '(top level)';
    throw new ConfigError(`saslUsers file "${path}": ${where} ${issue.message}`, { key: 'saslUsers' });
  }
  const users = new Map<string, SaslUser>();
  for (const [name, entry] of Object.entries(parsed.data.users)) {
    const scram: SaslUser['scram'] = {};
    for (const mechanism of SCRAM_MECHANISMS) {
      const stored = entry[mechanism];
      if (stored) {
        scram[mechanism] = {
          salt: Buffer.from(stored.salt, 'base64'),
          iterations: stored.iterations,
          storedKey: Buffer.from(stored.storedKey, 'base64'),
          serverKey: Buffer.from(stored.serverKey, 'base64'),
        };
      } else if (entry.password !== undefined) {
        scram[mechanism] = await scramCredential(mechanism, entry.password);
      }
    }
    users.set(name, { ...(entry.password !== undefined ? { password: entry.password } : {}), scram });
  }
  return users;
}
