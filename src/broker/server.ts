import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import pino, { type Logger } from 'pino';
import type { GroupCoordinator } from '../group/index.js';
import {
  type BrokerConfig,
  type BrokerConfigInput,
  parseBrokerConfig,
  splitHostPort,
} from './broker-config.js';
import type { AdvertisedAddress, BrokerContext, BrokerLog } from './broker-context.js';
import { Connection } from './connection.js';
import { ProducerStates } from './producer-states.js';
import { RequestMemory } from './request-memory.js';
import { loadSaslUsers, type SaslUsers } from './security/sasl-users.js';
import { brokerTlsOptions } from './security/tls-options.js';

export interface BrokerServerOptions {
  /** The log to serve; the server never closes it (its owner does, after {@link BrokerServer.close}). */
  log: BrokerLog;
  /** The group coordinator over the same log; without one the group APIs answer COORDINATOR_NOT_AVAILABLE. */
  groups?: GroupCoordinator | null;
  config?: BrokerConfigInput;
  logger?: Logger;
}

/**
 * A Kafka-protocol broker over a sluice log: one node (id 0 by default) that leads every partition and
 * coordinates every group. Any Kafka client can produce, consume and administer topics through it.
 *
 * ```ts
 * const broker = await BrokerServer.start({ log, groups, config: { listen: '127.0.0.1:9092' } });
 * // ... clients connect to broker.address ...
 * await broker.close();
 * ```
 */
export class BrokerServer {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  /** Open connections by client IP, for max.connections.per.ip. */
  private readonly perIp = new Map<string, number>();
  private readonly context: BrokerContext;
  private closing: Promise<void> | null = null;
  /** The security.protocol clients must use: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL. */
  readonly protocol: string;

  private constructor(
    readonly config: BrokerConfig,
    options: BrokerServerOptions,
    logger: Logger,
    tls: TlsOptions | null,
    saslUsers: SaslUsers | null,
  ) {
    this.context = {
      log: options.log,
      groups: options.groups ?? null,
      config,
      advertised: () => this.advertised(),
      producers: new ProducerStates(),
      memory: new RequestMemory(config['queued.max.request.bytes']),
      logger,
      saslUsers,
    };
    this.server = tls
      ? createTlsServer(tls, (socket) => this.accept(socket)).on('tlsClientError', (err, socket) =>
          // A failed handshake (wrong CA, no client certificate, plaintext on the TLS port) costs only its socket.
          logger.debug({ client: socket.remoteAddress, err: err.message }, 'TLS handshake failed'),
        )
      : createServer((socket) => this.accept(socket));
    this.protocol = `${saslUsers ? 'SASL_' : ''}${tls ? 'SSL' : 'PLAINTEXT'}`;
  }

  /** Validates the config, binds the listener and starts serving. Rejects when the address is taken. */
  static async start(options: BrokerServerOptions): Promise<BrokerServer> {
    const config = parseBrokerConfig(options.config ?? {});
    const logger = options.logger ?? pino({ name: 'sluice-broker' }, pino.destination(2));
    const [tls, saslUsers] = await Promise.all([
      brokerTlsOptions(config),
      config.saslUsers === undefined ? null : loadSaslUsers(config.saslUsers),
    ]);
    const broker = new BrokerServer(config, options, logger, tls, saslUsers);
    const { host, port } = splitHostPort(config.listen);
    await new Promise<void>((resolve, reject) => {
      broker.server.once('error', reject);
      broker.server.listen(port, host, () => {
        broker.server.off('error', reject);
        resolve();
      });
    });
    logger.info(
      { listen: broker.address, advertised: broker.advertised(), protocol: broker.protocol },
      'broker listening',
    );
    return broker;
  }

  /** The bound address (the real port when configured with port 0). */
  get address(): AdvertisedAddress {
    const a = this.server.address() as AddressInfo;
    return { host: a.address, port: a.port };
  }

  /** What clients are told to connect to: the advertised listener, or the bound address. */
  advertised(): AdvertisedAddress {
    return this.config.advertisedListener ? splitHostPort(this.config.advertisedListener) : this.address;
  }

  /** `host:port` to hand to clients. */
  get bootstrap(): string {
    const { host, port } = this.advertised();
    return `${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  /** Open client connections. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Bytes of requests reserved against `queued.max.request.bytes` now. */
  get queuedRequestBytes(): number {
    return this.context.memory.reserved;
  }

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const ip = socket.remoteAddress ?? 'unknown';
    const fromIp = this.perIp.get(ip) ?? 0;
    const refusal =
      this.connections.size >= this.config['max.connections']
        ? `max.connections=${this.config['max.connections']}`
        : fromIp >= this.config['max.connections.per.ip']
          ? `max.connections.per.ip=${this.config['max.connections.per.ip']}`
          : null;
    if (refusal) {
      // As Kafka does: the connection is closed at once, and the client retries with backoff.
      this.context.logger.warn({ client: ip, limit: refusal }, `refused a connection: ${refusal} reached`);
      socket.destroy();
      return;
    }
    this.perIp.set(ip, fromIp + 1);
    const connection = new Connection(socket, this.context);
    this.connections.add(connection);
    void connection.closedPromise.then(() => {
      this.connections.delete(connection);
      const left = (this.perIp.get(ip) ?? 1) - 1;
      if (left === 0) this.perIp.delete(ip);
      else this.perIp.set(ip, left);
    });
  }

  /**
   * Graceful shutdown: stops accepting, lets each connection finish the request it is serving (long polls end
   * early), then closes them. Idempotent. The log and coordinator stay open for their owner to close.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const listening = new Promise<void>((resolve) => this.server.close(() => resolve()));
      const timeout = this.config['shutdown.timeout.ms'];
      await Promise.all([...this.connections].map((c) => c.drain(timeout)));
      await listening;
      this.context.logger.info('broker stopped');
    })();
    return this.closing;
  }
}
