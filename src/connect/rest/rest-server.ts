import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, SluiceError } from '../../errors.js';
import { ConflictError, DataError, NotFoundError } from '../errors.js';
import { findPlugin } from '../runtime/connector-config.js';
import type { ConnectorOffsets } from '../runtime/connector-offsets.js';
import type { Worker } from '../runtime/worker.js';
import { GuardRefusal, RestGuard, type RestSecurityOptions } from './rest-guard.js';
import { validateResponse } from './validate-response.js';

/** An error answered as `{"error_code": <status>, "message": "..."}`, Kafka Connect's error body. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function statusOf(err: unknown): number {
  if (err instanceof HttpError || err instanceof GuardRefusal) return err.status;
  if (err instanceof NotFoundError) return 404;
  if (err instanceof ConflictError) return 409;
  if (err instanceof ConfigError || err instanceof DataError) return 400;
  if (err instanceof SluiceError && err.code === 'GROUP_ID_NOT_FOUND') return 404;
  return 500;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `Request body is not valid JSON: ${(err as Error).message}`);
  }
}

function object(body: unknown, what: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpError(400, `${what} must be a JSON object`);
  return body as Record<string, unknown>;
}

type Reply = { status: number; body?: unknown; text?: string };
type Handler = (
  worker: Worker,
  params: string[],
  req: IncomingMessage,
  query: URLSearchParams,
) => Promise<Reply>;

const ok = (body: unknown, status = 200): Reply => ({ status, body });

/** Routes: method, path pattern (`{}` is a segment), handler. */
const routes: [string, RegExp, Handler][] = [
  [
    'GET',
    /^\/$/,
    async () =>
      ok({
        version: process.env.npm_package_version ?? '0.1.0',
        commit: 'sluice',
        kafka_cluster_id: 'sluice',
      }),
  ],
  ['GET', /^\/metrics$/, async (w) => ({ status: 200, text: await w.metrics.text() })],
  [
    'GET',
    /^\/connectors$/,
    async (w, _p, _r, q) => {
      const expand = q.getAll('expand');
      if (expand.length === 0) return ok(w.list());
      const out: Record<string, Record<string, unknown>> = {};
      for (const name of w.list()) {
        out[name] = {};
        if (expand.includes('status')) out[name].status = w.status(name);
        if (expand.includes('info')) out[name].info = w.info(name);
      }
      return ok(out);
    },
  ],
  [
    'POST',
    /^\/connectors$/,
    async (w, _p, req) => {
      const body = object(await readJson(req), 'The request');
      if (typeof body.name !== 'string')
        throw new HttpError(400, 'The request must give the connector "name"');
      const config = object(body.config ?? {}, '"config"');
      const initial =
        body.initial_state === 'PAUSED' || body.initial_state === 'STOPPED' ? body.initial_state : 'RUNNING';
      return ok(await w.create({ ...config, name: body.name }, initial), 201);
    },
  ],
  ['GET', /^\/connectors\/([^/]+)$/, async (w, [c]) => ok(w.info(c!))],
  ['DELETE', /^\/connectors\/([^/]+)$/, async (w, [c]) => (await w.delete(c!), { status: 204 })],
  ['GET', /^\/connectors\/([^/]+)\/config$/, async (w, [c]) => ok(w.config(c!))],
  [
    'PUT',
    /^\/connectors\/([^/]+)\/config$/,
    async (w, [c], req) => {
      const config = object(await readJson(req), 'The connector config');
      if (config.name !== undefined && config.name !== c) {
        throw new HttpError(
          400,
          `Connector name in the config (${String(config.name)}) does not match the URL (${c})`,
        );
      }
      const { created, info } = await w.putConfig(c!, config);
      return ok(info, created ? 201 : 200);
    },
  ],
  ['GET', /^\/connectors\/([^/]+)\/status$/, async (w, [c]) => ok(w.status(c!))],
  [
    'POST',
    /^\/connectors\/([^/]+)\/restart$/,
    async (w, [c], _r, q) => {
      const includeTasks = q.get('includeTasks') === 'true';
      const status = await w.restart(c!, { onlyFailed: q.get('onlyFailed') === 'true' });
      return includeTasks ? ok(status, 202) : { status: 204 };
    },
  ],
  ['PUT', /^\/connectors\/([^/]+)\/pause$/, async (w, [c]) => (await w.pause(c!), { status: 202 })],
  ['PUT', /^\/connectors\/([^/]+)\/resume$/, async (w, [c]) => (await w.resume(c!), { status: 202 })],
  ['PUT', /^\/connectors\/([^/]+)\/stop$/, async (w, [c]) => (await w.stop(c!), { status: 202 })],
  ['GET', /^\/connectors\/([^/]+)\/tasks$/, async (w, [c]) => ok(w.taskConfigs(c!))],
  [
    'GET',
    /^\/connectors\/([^/]+)\/tasks\/(\d+)\/status$/,
    async (w, [c, t]) => {
      const task = w.status(c!).tasks.find((x) => x.id === Number(t));
      if (!task) throw new NotFoundError(`Task ${c}-${t} not found`);
      return ok(task);
    },
  ],
  [
    'POST',
    /^\/connectors\/([^/]+)\/tasks\/(\d+)\/restart$/,
    async (w, [c, t]) => (await w.restartTask(c!, Number(t)), { status: 204 }),
  ],
  ['GET', /^\/connectors\/([^/]+)\/offsets$/, async (w, [c]) => ok(await w.offsets(c!))],
  [
    'PATCH',
    /^\/connectors\/([^/]+)\/offsets$/,
    async (w, [c], req) => {
      const body = object(await readJson(req), 'The request');
      if (!Array.isArray(body.offsets)) throw new HttpError(400, 'The request must have an "offsets" array');
      await w.alterOffsets(c!, body as unknown as ConnectorOffsets);
      return ok({ message: 'The offsets for this connector have been altered successfully' });
    },
  ],
  [
    'DELETE',
    /^\/connectors\/([^/]+)\/offsets$/,
    async (w, [c]) => {
      await w.alterOffsets(c!, null);
      return ok({ message: 'The offsets for this connector have been reset successfully' });
    },
  ],
  [
    'GET',
    /^\/connector-plugins$/,
    async (w) => ok(w.plugins.map((p) => ({ class: p.name, type: p.kind, version: p.version }))),
  ],
  [
    'PUT',
    /^\/connector-plugins\/([^/]+)\/config\/validate$/,
    async (w, [p], req) => {
      const raw = object(await readJson(req), 'The connector config');
      let definition: ReturnType<typeof findPlugin>;
      try {
        definition = findPlugin(w.plugins, p!);
      } catch (err) {
        throw new NotFoundError((err as Error).message);
      }
      return ok(
        validateResponse(
          definition,
          { 'connector.class': p, ...raw },
          w.plugins,
          w.options.config.converterDefaults,
        ),
      );
    },
  ],
];

async function handle(
  worker: Worker,
  guard: RestGuard,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let reply: Reply;
  let headers: Record<string, string> = {};
  try {
    guard.check(req);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/$/, '') : url.pathname;
    const matching = routes.filter(([, pattern]) => pattern.test(path));
    if (matching.length === 0) throw new HttpError(404, `Unknown endpoint ${path}`);
    const route = matching.find(([method]) => method === req.method);
    if (!route) throw new HttpError(405, `Method ${req.method} is not allowed on ${path}`);
    const params = (route[1].exec(path) ?? []).slice(1).map(decodeURIComponent);
    reply = await route[2](worker, params, req, url.searchParams);
  } catch (err) {
    const status = statusOf(err);
    if (err instanceof GuardRefusal) {
      headers = err.headers;
      // A refused request's body is not read: the connection closes rather than wait for it.
      headers.connection = 'close';
    }
    reply = { status, body: { error_code: status, message: (err as Error).message } };
  }
  if (reply.text !== undefined) {
    res.writeHead(reply.status, { ...headers, 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(reply.text);
  } else if (reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
  } else {
    res.writeHead(reply.status, { ...headers, 'content-type': 'application/json' });
    res.end(JSON.stringify(reply.body));
  }
}

/**
 * The REST API of a worker, shaped like Kafka Connect's (paths, bodies, status codes, error body), on
 * `rest.host.name:rest.port` (127.0.0.1:8083 by default), plus `GET /metrics` in Prometheus' format. Requests a
 * browser page could forge are refused (see rest-guard.ts); `security.usersFile` requires basic authentication.
 */
export class RestServer {
  private constructor(private readonly server: Server) {}

  static async start(
    worker: Worker,
    host: string,
    port: number,
    security: RestSecurityOptions = {},
  ): Promise<RestServer> {
    const guard = new RestGuard(host, security);
    const server = createServer((req, res) => void handle(worker, guard, req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    guard.listeningOn((server.address() as AddressInfo).port);
    return new RestServer(server);
  }

  get url(): string {
    const a = this.server.address() as AddressInfo;
    return `http://${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
