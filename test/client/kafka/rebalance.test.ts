import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Client } from '../../../src/client/index.js';
import type { ContractBackend } from '../contract.js';
import { describeRebalanceContract, Member } from '../rebalance-contract.js';
import { brokerBackend } from './broker-backend.js';

// kafkajs awaits no rebalance callback, delivers a new assignment's batches at once and heartbeats only between
// batches; the consumer over it must keep the contract all the same.
describeRebalanceContract('kafka', brokerBackend);

describe('client › kafka › consumer › rebalances', () => {
  let backend: ContractBackend;
  let client: Client;

  beforeEach(async () => {
    backend = await brokerBackend();
    client = await backend.connect();
  });
  afterEach(async () => {
    await client.close();
    await backend.dispose();
  });

  it('hands the reader no batch while a rebalance callback runs', async () => {
    const t = `t-${randomUUID().slice(0, 8)}`;
    await client.admin().createTopics([{ name: t, partitions: 4 }]);
    const groupId = `g-${randomUUID().slice(0, 8)}`;
    const producer = client.producer();
    let sent = 0;
    const send = async () => {
      const records = Array.from({ length: 400 }, (_, i) => ({ value: String(sent + i), partition: i % 4 }));
      sent += records.length;
      await producer.send(t, records);
    };
    const members = [new Member(client, groupId), new Member(client, groupId)];
    const received = () => new Set(members.flatMap((m) => m.values)).size;
    const until = async (what: string) => {
      const deadline = Date.now() + 30_000;
      while (received() < sent) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await members[0].start(t);
    await send();
    await until('the first member');
    await members[1].start(t);
    await send();
    await until('both members');
    await members[0].close();
    await send();
    await until('the member left');
    await members[1].close();
    for (const m of members) expect(m.inCallback).toEqual([]);
  }, 60_000);
});
