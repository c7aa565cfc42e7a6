/**
 * One connection's SASL exchange, server side, as Kafka's SaslServerAuthenticator runs it:
 *
 *   ApiVersions (any time) → SaslHandshake(mechanism) → SaslAuthenticate(token)… → authenticated
 *
 * After SaslHandshake v1 the tokens travel in SaslAuthenticate requests; after v0 (older clients) they travel as
 * bare size-prefixed frames with no request header, answered the same way. Any other request before the exchange
 * succeeds closes the connection, and so does a failed exchange once its error is answered.
 *
 * PLAIN (RFC 4616): one token `authzid NUL username NUL password`. SCRAM (RFC 5802): client-first
 * `n,,n=user,r=cnonce` → server-first `r=cnonce+snonce,s=salt,i=iterations` → client-final `c=biws,r=nonce,p=proof`
 * → server-final `v=signature`. An unknown SCRAM user gets a made-up salt and fails at the proof, as a wrong
 * password does, so the answer does not tell which users exist. No message here carries a password or proof.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { ERROR_CODES } from '../protocol/error-codes.js';
import { ProtocolError } from '../protocol/protocol-error.js';
import { type SaslUsers, SCRAM_MECHANISMS } from './sasl-users.js';
import {
  hash,
  hmac,
  SCRAM_MIN_ITERATIONS,
  type ScramCredential,
  type ScramMechanism,
  scramKeys,
} from './scram.js';

export const SASL_MECHANISMS: readonly string[] = ['PLAIN', ...SCRAM_MECHANISMS];

const API_VERSIONS = 18;
const SASL_HANDSHAKE = 17;
const SASL_AUTHENTICATE = 36;

/** A request the SASL state does not allow: the connection is closed without an answer, as Kafka does. */
export class SaslStateError extends ProtocolError {}

export interface SaslAnswer {
  errorCode: number;
  errorMessage: string | null;
  authBytes: Buffer;
}

type State = 'handshake' | 'authenticate' | 'authenticated' | 'failed';

interface ScramExchange {
  mechanism: ScramMechanism;
  username: string;
  credential: ScramCredential;
  /** False for an unknown user: the exchange runs to the proof and fails there. */
  known: boolean;
  gs2Header: string;
  clientFirstBare: string;
  serverFirst: string;
  nonce: string;
}

const failed = (errorMessage: string): SaslAnswer => ({
  errorCode: ERROR_CODES.SASL_AUTHENTICATION_FAILED,
  errorMessage,
  authBytes: Buffer.alloc(0),
});

/** Compares secrets in time independent of where they differ (hashing first evens out the lengths). */
function sameSecret(a: Buffer, b: Buffer): boolean {
  return timingSafeEqual(hash('SCRAM-SHA-256', a), hash('SCRAM-SHA-256', b));
}

/** RFC 5802 saslname: `=2C` is `,` and `=3D` is `=`. */
function saslName(value: string): string | null {
  if (/=(?!2C|3D)/.test(value)) return null;
  return value.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

/** `k=v` attributes of a SCRAM message, in order. */
function attributes(message: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of message.split(',')) {
    if (part.length < 2 || part[1] !== '=') continue;
    if (!out.has(part[0]!)) out.set(part[0]!, part.slice(2));
  }
  return out;
}

export class SaslSession {
  private state: State = 'handshake';
  private mechanism: string | null = null;
  private scram: ScramExchange | null = null;
  /** True after SaslHandshake v0: the next frames are bare SASL tokens. */
  rawTokens = false;
  /** Set when the answer being written is the last one: the connection closes after it. */
  closeAfterAnswer = false;
  /** The authenticated user. */
  principal: string | null = null;

  constructor(private readonly users: SaslUsers) {}

  get authenticated(): boolean {
    return this.state === 'authenticated';
  }

  /** Throws {@link SaslStateError} for a request the exchange does not allow now. */
  check(apiKey: number, apiName: string): void {
    if (this.state === 'authenticated' || apiKey === API_VERSIONS) return;
    if (apiKey === SASL_HANDSHAKE && this.state === 'handshake') return;
    if (apiKey === SASL_AUTHENTICATE && this.state === 'authenticate' && !this.rawTokens) return;
    throw new SaslStateError(
      this.state === 'failed'
        ? `${apiName} after failed SASL authentication`
        : `${apiName} before SASL authentication completed (the broker requires SASL)`,
    );
  }

  handshake(mechanism: string, version: number): { errorCode: number; mechanisms: string[] } {
    const mechanisms = [...SASL_MECHANISMS];
    if (this.state !== 'handshake') {
      this.closeAfterAnswer = true;
      return { errorCode: ERROR_CODES.ILLEGAL_SASL_STATE, mechanisms };
    }
    if (!SASL_MECHANISMS.includes(mechanism)) {
      this.state = 'failed';
      this.closeAfterAnswer = true;
      return { errorCode: ERROR_CODES.UNSUPPORTED_SASL_MECHANISM, mechanisms };
    }
    this.mechanism = mechanism;
    this.state = 'authenticate';
    this.rawTokens = version === 0;
    return { errorCode: 0, mechanisms };
  }

  /** Takes one client token; the answer's authBytes are the server's next token. */
  async authenticate(token: Buffer): Promise<SaslAnswer> {
    if (this.state !== 'authenticate') {
      this.closeAfterAnswer = true;
      return {
        ...failed('SASL authentication is not in progress'),
        errorCode: ERROR_CODES.ILLEGAL_SASL_STATE,
      };
    }
    const answer =
      this.mechanism === 'PLAIN' ? await this.plain(token) : await this.scramStep(token.toString('utf8'));
    if (answer.errorCode !== 0) {
      this.state = 'failed';
      this.closeAfterAnswer = true;
    }
    return answer;
  }

  private succeed(username: string): void {
    this.state = 'authenticated';
    this.principal = username;
    this.rawTokens = false;
  }

  private async plain(token: Buffer): Promise<SaslAnswer> {
    const parts = token.toString('utf8').split('\u0000');
    if (parts.length !== 3 || parts[1] === '' || parts[2] === '') {
      return failed('Authentication failed: invalid SASL/PLAIN message');
    }
    const [authzid, username, password] = parts as [string, string, string];
    if (authzid !== '' && authzid !== username) {
      return failed('Authentication failed: SASL/PLAIN authorization id must be empty or the username');
    }
    const user = this.users.get(username);
    let ok = false;
    if (user?.password !== undefined) {
      ok = sameSecret(Buffer.from(password, 'utf8'), Buffer.from(user.password, 'utf8'));
    } else if (user) {
      const mechanism = SCRAM_MECHANISMS.find((m) => user.scram[m])!;
      const stored = user.scram[mechanism]!;
      const keys = await scramKeys(mechanism, password, stored.salt, stored.iterations);
      ok = sameSecret(keys.storedKey, stored.storedKey);
    }
    if (!ok) return failed('Authentication failed: Invalid username or password');
    this.succeed(username);
    return { errorCode: 0, errorMessage: null, authBytes: Buffer.alloc(0) };
  }

  private async scramStep(message: string): Promise<SaslAnswer> {
    const mechanism = this.mechanism as ScramMechanism;
    const refused = `Authentication failed during authentication due to invalid credentials with SASL mechanism ${mechanism}`;
    if (!this.scram) {
      // client-first: gs2-header ("n,," or "y,," with an optional a=authzid) then the bare message.
      const match = /^([ny]),(a=[^,]*)?,(.*)$/s.exec(message);
      if (!match) return failed(`Authentication failed: invalid ${mechanism} client-first message`);
      const bare = match[3]!;
      const attrs = attributes(bare);
      const username = saslName(attrs.get('n') ?? '');
      const clientNonce = attrs.get('r') ?? '';
      if (!bare.startsWith('n=') || !username || !clientNonce || /[^\x21-\x2b\x2d-\x7e]/.test(clientNonce)) {
        return failed(`Authentication failed: invalid ${mechanism} client-first message`);
      }
      const user = this.users.get(username);
      const stored = user?.scram[mechanism];
      const credential: ScramCredential = stored ?? {
        salt: randomBytes(32),
        iterations: SCRAM_MIN_ITERATIONS,
        storedKey: randomBytes(64),
        serverKey: randomBytes(64),
      };
      const nonce = clientNonce + randomBytes(18).toString('base64');
      const serverFirst = `r=${nonce},s=${credential.salt.toString('base64')},i=${credential.iterations}`;
      this.scram = {
        mechanism,
        username,
        credential,
        known: stored !== undefined,
        gs2Header: message.slice(0, message.length - bare.length),
        clientFirstBare: bare,
        serverFirst,
        nonce,
      };
      return { errorCode: 0, errorMessage: null, authBytes: Buffer.from(serverFirst, 'utf8') };
    }
    // client-final: c=base64(gs2-header),r=nonce[,extensions],p=proof
    const x = this.scram;
    const proofAt = message.lastIndexOf(',p=');
    if (proofAt < 0) return failed(`Authentication failed: invalid ${mechanism} client-final message`);
    const withoutProof = message.slice(0, proofAt);
    const attrs = attributes(withoutProof);
    const proof = Buffer.from(message.slice(proofAt + 3), 'base64');
    // Kafka checks that the nonce ends with the exchange's, not that it equals it: librdkafka 2.0 sends the client
    // nonce twice (`r=cnonce` + `cnonce+snonce`). The proof still covers the message as sent.
    if (
      attrs.get('c') !== Buffer.from(x.gs2Header, 'utf8').toString('base64') ||
      !attrs.get('r')?.endsWith(x.nonce)
    ) {
      return failed(`Authentication failed: ${mechanism} client-final message does not match the exchange`);
    }
    const authMessage = `${x.clientFirstBare},${x.serverFirst},${withoutProof}`;
    const signature = hmac(mechanism, x.credential.storedKey, authMessage);
    if (proof.length !== signature.length || !x.known) return failed(refused);
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i]! ^ signature[i]!;
    if (!timingSafeEqual(hash(mechanism, clientKey), x.credential.storedKey)) return failed(refused);
    this.succeed(x.username);
    const serverSignature = hmac(mechanism, x.credential.serverKey, authMessage).toString('base64');
    return { errorCode: 0, errorMessage: null, authBytes: Buffer.from(`v=${serverSignature}`, 'utf8') };
  }
}
