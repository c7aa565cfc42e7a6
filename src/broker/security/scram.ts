/**
 * SCRAM (RFC 5802; SHA-256 and SHA-512 as RFC 7677 and Kafka's KIP-84 use them) from node:crypto's PBKDF2, HMAC and
 * hashes:
 *
 *   SaltedPassword = Hi(password, salt, i)            (PBKDF2 with HMAC-H)
 *   ClientKey = HMAC(SaltedPassword, "Client Key")    StoredKey = H(ClientKey)
 *   ServerKey = HMAC(SaltedPassword, "Server Key")
 *   ClientProof = ClientKey XOR HMAC(StoredKey, AuthMessage)
 *   ServerSignature = HMAC(ServerKey, AuthMessage)
 *
 * The broker keeps only salt, iterations, StoredKey and ServerKey: enough to check a proof, not to make one.
 */
import { createHash, createHmac, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

const HASH: Record<ScramMechanism, { name: 'sha256' | 'sha512'; bytes: number }> = {
  'SCRAM-SHA-256': { name: 'sha256', bytes: 32 },
  'SCRAM-SHA-512': { name: 'sha512', bytes: 64 },
};

/** What the broker stores of one user's password for one mechanism. */
export interface ScramCredential {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

/** Kafka's minimum (ScramMechanism.minIterations). */
export const SCRAM_MIN_ITERATIONS = 4096;

export function hmac(mechanism: ScramMechanism, key: Buffer, data: string | Buffer): Buffer {
  return createHmac(HASH[mechanism].name, key).update(data).digest();
}

export function hash(mechanism: ScramMechanism, data: Buffer): Buffer {
  return createHash(HASH[mechanism].name).update(data).digest();
}

/** StoredKey and ServerKey of `password` under `salt` and `iterations`. */
export async function scramKeys(
  mechanism: ScramMechanism,
  password: string,
  salt: Buffer,
  iterations: number,
): Promise<{ storedKey: Buffer; serverKey: Buffer }> {
  const { name, bytes } = HASH[mechanism];
  const salted = await pbkdf2Async(Buffer.from(password, 'utf8'), salt, iterations, bytes, name);
  return {
    storedKey: hash(mechanism, hmac(mechanism, salted, 'Client Key')),
    serverKey: hmac(mechanism, salted, 'Server Key'),
  };
}

/** A new credential for `password` with a random 32-byte salt. */
export async function scramCredential(
  mechanism: ScramMechanism,
  password: string,
  iterations = SCRAM_MIN_ITERATIONS,
): Promise<ScramCredential> {
  const salt = randomBytes(32);
  return { salt, iterations, ...(await scramKeys(mechanism, password, salt, iterations)) };
}
