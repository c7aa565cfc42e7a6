import {
  acquireCoordinator,
  embeddedClient,
  releaseCoordinator,
} from '../../../src/client/embedded/index.js';
import type { Client, Consumer, TopicPartition } from '../../../src/client/index.js';
import { decodeAssignment, encodeSubscription } from '../../../src/group/index.js';
import { Log } from '../../../src/log/index.js';

const PARTITIONS = 6;
const TOPIC = 'rebalance';

export interface RebalanceResult {
  case: string;
  ms: number;
  note: string;
}

/**
 * How long partitions stop flowing when a member goes: a producer writes to every partition every 2 ms, member A
 * reads, and the other member leaves. Timed from the leave (the `close()` call, or the crashed member's last
 * contact) until A has read a new record from every partition the other member held.
 */
export async function rebalance(dir: string, how: 'clean leave' | 'crash'): Promise<RebalanceResult> {
  const log = await Log.open({ dir });
  const client = embeddedClient(log);
  const ticker = { timer: undefined as NodeJS.Timeout | undefined };
  try {
    await client.admin().createTopics([{ name: TOPIC, partitions: PARTITIONS }]);
    const producer = client.producer({ 'linger.ms': 0 });
    ticker.timer = setInterval(() => {
      void producer.send(
        TOPIC,
        Array.from({ length: PARTITIONS }, (_, partition) => ({ value: 'tick', partition })),
      );
    }, 2);
    const lastSeen = new Map<number, number>();
    const a = client.consumer({ groupId: `rb-${how}`, 'auto.offset.reset': 'latest' });
    await a.subscribe(TOPIC);
    await a.run({
      eachBatch: async ({ batch }) => {
        lastSeen.set(batch.partition, performance.now());
      },
    });
    const { leftAt, theirs } =
      how === 'clean leave' ? await cleanLeave(client, `rb-${how}`, a) : await crash(log, `rb-${how}`, a);
    await until(() => theirs.every((tp) => (lastSeen.get(tp.partition) ?? 0) > leftAt), 120_000);
    const flowing = Math.max(...theirs.map((tp) => lastSeen.get(tp.partition) ?? 0));
    return {
      case: `rebalance after a ${how}`,
      ms: flowing - leftAt,
      note:
        how === 'clean leave'
          ? 'LeaveGroup at close; eager range assignor'
          : 'no LeaveGroup; session.timeout.ms 45000 (default) expires',
    };
  } finally {
    clearInterval(ticker.timer);
    await client.close();
    await log.close();
  }
}

async function cleanLeave(client: Client, groupId: string, a: Consumer) {
  const b = client.consumer({ groupId, 'auto.offset.reset': 'latest' });
  await b.subscribe(TOPIC);
  await b.run({ eachBatch: async () => {} });
  await until(
    () => a.assignment().length === PARTITIONS / 2 && b.assignment().length === PARTITIONS / 2,
    10_000,
  );
  const theirs = b.assignment();
  await new Promise((r) => setTimeout(r, 200));
  const leftAt = performance.now();
  await b.close();
  return { leftAt, theirs };
}

/** A member that joins with the consumer protocol, takes its partitions, and then never calls again. */
async function crash(log: Log, groupId: string, a: Consumer) {
  const coordinator = await acquireCoordinator(log);
  try {
    const join = await coordinator.joinGroup({
      groupId,
      memberId: '',
      clientId: 'crashing',
      clientHost: 'bench',
      sessionTimeoutMs: 45_000,
      rebalanceTimeoutMs: 300_000,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: encodeSubscription({ topics: [TOPIC] }) }],
    });
    const sync = await coordinator.syncGroup({
      groupId,
      generationId: join.generationId,
      memberId: join.memberId,
      assignments: [],
    });
    const leftAt = performance.now();
    const theirs: TopicPartition[] = decodeAssignment(sync.assignment).partitions;
    await until(() => a.assignment().length === PARTITIONS - theirs.length, 10_000);
    return { leftAt, theirs };
  } finally {
    await releaseCoordinator(log);
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('the benchmark timed out waiting for partitions to move');
    await new Promise((r) => setTimeout(r, 1));
  }
}
