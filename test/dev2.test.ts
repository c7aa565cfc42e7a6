import { embeddedClient } from '../src/client/embedded/embedded-client.js';
import type { PartitionAssignor } from '../src/group/assignors/types.js';
import { describeClientContract } from './client/contract.js';
import { MemoryLog } from './client/embedded/memory-log.js';

const simple: PartitionAssignor = {
  name: 'range',
  rebalanceProtocol: 'EAGER',
  assign(members, ppt) {
    const plan = new Map(members.map((m) => [m.memberId, [] as { topic: string; partition: number }[]]));
    const ids = members.map((m) => m.memberId).sort();
    let i = 0;
    for (const [topic, n] of ppt)
      for (let p = 0; p < n; p++) plan.get(ids[i++ % ids.length])!.push({ topic, partition: p });
    return plan;
  },
};
describeClientContract('memory', async () => {
  const log = new MemoryLog();
  return {
    connect: async () => embeddedClient(log as never, { assignors: [simple] }),
    dispose: async () => {},
  };
});
