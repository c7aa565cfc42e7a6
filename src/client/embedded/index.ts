// The embedded backend's public face: a client over a log open in this process.

export type { EmbeddedClientOptions } from './embedded-client.js';
export { embeddedClient } from './embedded-client.js';
export type { EmbeddedLog } from './embedded-log.js';
export { acquireCoordinator, releaseCoordinator } from './shared-coordinator.js';
