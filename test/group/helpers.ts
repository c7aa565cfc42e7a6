import pino from 'pino';
import {
  type CoordinatorOptions,
  encodeSubscription,
  type GroupCoordinator,
  type JoinGroupRequest,
  ManualScheduler,
  openGroupCoordinator,
} from '../../src/group/index.js';
import { MemoryLog } from './memory-log.js';

export const SESSION_MS = 10_000;
export const REBALANCE_MS = 30_000;

export interface Harness {
  log: MemoryLog;
  scheduler: ManualScheduler;
  coordinator: GroupCoordinator;
}

/** A coordinator over an in-memory log holding topic `t` (4 partitions of 100 records), on manual time. */
export async function harness(
  config: CoordinatorOptions['config'] = {},
  logger: CoordinatorOptions['logger'] = pino({ level: 'silent' }),
): Promise<Harness> {
  const log = new MemoryLog();
  log.fill('t', 4, 100);
  const scheduler = new ManualScheduler();
  const coordinator = await openGroupCoordinator({ log, scheduler, config, logger });
  return { log, scheduler, coordinator };
}

export function joinRequest(
  groupId: string,
  memberId = '',
  extra: Partial<JoinGroupRequest> = {},
): JoinGroupRequest {
  return {
    groupId,
    memberId,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    sessionTimeoutMs: SESSION_MS,
    rebalanceTimeoutMs: REBALANCE_MS,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: encodeSubscription({ topics: ['t'] }) }],
    ...extra,
  };
}

/** Whether a promise has settled by the time pending callbacks ran. */
export async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  return settled;
}
