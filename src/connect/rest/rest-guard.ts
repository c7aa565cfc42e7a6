/**
 * Who may drive the REST API. A web page in a browser on the same machine can send requests to a loopback port,
 * so the API refuses what a browser lets any page send:
 *
 * - a body that is not `application/json` (a form post or `text/plain`, which needs no CORS preflight): 415;
 * - a `Host` header naming anything but the listener (DNS rebinding: a foreign name resolving to 127.0.0.1): 421;
 * - an `Origin` of another site, unless listed in `access.control.allow.origin` (Kafka's key): 403;
 * - with `rest.basic.auth.users.file`, a request without valid basic credentials: 401.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { ConfigError } from '../../errors.js';

export interface RestSecurityOptions {
  /** `rest.advertised.host.name`: one more name clients may use in `Host`. */
  advertisedHost?: string;
  /** `access.control.allow.origin`: origins allowed besides the listener's own; `*` allows any. */
  allowOrigins?: readonly string[];
  /** `rest.basic.auth.users.file`: `user: password` lines, as Kafka's PropertyFileLoginModule reads. */
  usersFile?: string;
}

/** A refused request: the status and Kafka Connect's error message. */
export class GuardRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const WILDCARDS = new Set(['0.0.0.0', '::', '']);
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Reads a users file: `user: password` or `user=password` per line, `#` and `!` start comments. */
export function readUsersFile(file: string): Map<string, Buffer> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(`rest.basic.auth.users.file: cannot read ${file}: ${(cause as Error).message}`, {
      key: 'rest.basic.auth.users.file',
      cause,
    });
  }
  const users = new Map<string, Buffer>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) return;
    const sep = line.search(/[:=]/);
    if (sep <= 0) {
      throw new ConfigError(`rest.basic.auth.users.file: ${file} line ${i + 1} is not "user: password"`, {
        key: 'rest.basic.auth.users.file',
      });
    }
    users.set(line.slice(0, sep).trim(), digest(line.slice(sep + 1).trim()));
  });
  if (users.size === 0) {
    throw new ConfigError(`rest.basic.auth.users.file: ${file} lists no users`, {
      key: 'rest.basic.auth.users.file',
    });
  }
  return users;
}

/** Checks each request against the listener's address and the security options; throws {@link GuardRefusal}. */
export class RestGuard {
  private readonly names: Set<string>;
  private readonly anyIp: boolean;
  private readonly users: Map<string, Buffer> | null;
  private port = 0;

  constructor(
    bindHost: string,
    private readonly options: RestSecurityOptions = {},
  ) {
    this.names = new Set(LOOPBACK_NAMES);
    const wildcard = WILDCARDS.has(bindHost);
    if (!wildcard) this.names.add(bindHost.toLowerCase());
    else this.names.add(hostname().toLowerCase());
    if (options.advertisedHost) this.names.add(options.advertisedHost.toLowerCase());
    // Listening on every address: clients reach it by any of the machine's IPs, none of which a DNS name hides.
    this.anyIp = wildcard;
    this.users = options.usersFile ? readUsersFile(options.usersFile) : null;
  }

  /** The bound port, once listening. */
  listeningOn(port: number): void {
    this.port = port;
  }

  check(req: IncomingMessage): void {
    this.checkHost(req.headers.host);
    this.checkOrigin(req.headers.origin);
    this.checkCredentials(req.headers.authorization);
    this.checkContentType(req);
  }

  private allowedAuthority(host: string, port: number): boolean {
    if (port !== this.port) return false;
    const name = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
    return this.names.has(name) || (this.anyIp && isIP(name) !== 0);
  }

  private checkHost(header: string | undefined): void {
    const authority = header === undefined ? null : parseAuthority(header, 80);
    if (!authority || !this.allowedAuthority(authority.host, authority.port)) {
      throw new GuardRefusal(
        421,
        `Host header ${JSON.stringify(header ?? '')} does not name this server; use the address it listens on (or set rest.advertised.host.name)`,
      );
    }
  }

  private checkOrigin(origin: string | undefined): void {
    if (origin === undefined) return;
    const allowed = this.options.allowOrigins ?? [];
    if (allowed.includes('*') || allowed.includes(origin)) return;
    let url: URL | null = null;
    try {
      url = new URL(origin);
    } catch {
      url = null;
    }
    const port = url ? Number(url.port || (url.protocol === 'https:' ? 443 : 80)) : -1;
    if (url && url.protocol === 'http:' && this.allowedAuthority(url.hostname, port)) return;
    throw new GuardRefusal(
      403,
      `Requests from origin ${origin} are not allowed; list it in access.control.allow.origin to allow it`,
    );
  }

  private checkCredentials(header: string | undefined): void {
    if (!this.users) return;
    const refuse = () =>
      new GuardRefusal(401, 'Authentication is required: send HTTP basic credentials of a listed user', {
        'www-authenticate': 'Basic realm="sluice connect", charset="UTF-8"',
      });
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
    if (!match) throw refuse();
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw refuse();
    const expected = this.users.get(decoded.slice(0, colon));
    const given = digest(decoded.slice(colon + 1));
    // Compared in constant time, and as long for an unknown user as for a wrong password.
    const same = timingSafeEqual(expected ?? digest(''), given);
    if (!expected || !same) throw refuse();
  }

  private checkContentType(req: IncomingMessage): void {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return;
    const length = Number(req.headers['content-length'] ?? 0);
    const hasBody = length > 0 || req.headers['transfer-encoding'] !== undefined;
    const type = req.headers['content-type'];
    if (!hasBody && type === undefined) return;
    const media = (type ?? '').split(';')[0]!.trim().toLowerCase();
    if (media !== 'application/json') {
      throw new GuardRefusal(
        415,
        `Content-Type ${JSON.stringify(type ?? '')} is not supported; send the body as application/json`,
      );
    }
  }
}

/** `host[:port]` of a Host header (IPv6 in brackets), or null when it is not one. */
function parseAuthority(value: string, defaultPort: number): { host: string; port: number } | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s/]+)(?::(\d{1,5}))?$/.exec(value.trim());
  if (!m) return null;
  return { host: m[1]!, port: m[2] === undefined ? defaultPort : Number(m[2]) };
}
