import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InteropBroker, startInteropBroker } from './interop-broker.js';
import { run } from './run-process.js';

// Debian's python3-kafka 2.0.2, under Debian's interpreter (the module is not on other Pythons' paths). It probes
// ApiVersions v0 and then sends fixed old versions: Metadata v1, Produce v7, Fetch v4, ListOffsets v1, ...
const PYTHON = '/usr/bin/python3';

let broker: InteropBroker;

beforeAll(async () => {
  broker = await startInteropBroker();
});

afterAll(async () => {
  await broker?.stop();
});

function python(script: string) {
  return run(PYTHON, ['-c', script], {
    timeoutMs: 30_000,
    env: { ...process.env, BOOTSTRAP: broker.bootstrap },
  });
}

describe('broker › interop › kafka-python', () => {
  it('produces with acks=all and consumes by assignment', async () => {
    const topic = `py-${randomUUID().slice(0, 8)}`;
    await broker.log.createTopic(topic, { partitions: 1 });
    const { code, stdout, stderr } = await python(`
import os, json
from kafka import KafkaProducer, KafkaConsumer, TopicPartition
b = os.environ['BOOTSTRAP']
p = KafkaProducer(bootstrap_servers=b, acks='all')
offsets = [p.send('${topic}', key=b'k%d' % i, value=b'v%d' % i).get(timeout=10).offset for i in range(4)]
p.close()
c = KafkaConsumer(bootstrap_servers=b, consumer_timeout_ms=3000, auto_offset_reset='earliest')
tp = TopicPartition('${topic}', 0)
c.assign([tp])
seen = [[m.offset, m.key.decode(), m.value.decode()] for m in c]
end = c.end_offsets([tp])[tp]
c.close()
print(json.dumps({'offsets': offsets, 'seen': seen, 'end': end}))
`);
    expect(stderr).not.toMatch(/Traceback/);
    expect(code).toBe(0);
    const out = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(out.offsets).toEqual([0, 1, 2, 3]);
    expect(out.seen).toEqual([0, 1, 2, 3].map((i) => [i, `k${i}`, `v${i}`]));
    expect(out.end).toBe(4);
  });

  it('consumes with a group and commits; a second consumer of the group resumes after the commit', async () => {
    const topic = `py-group-${randomUUID().slice(0, 8)}`;
    const group = `py-${randomUUID().slice(0, 8)}`;
    await broker.log.createTopic(topic, { partitions: 2 });
    const { code, stdout, stderr } = await python(`
import os, json
from kafka import KafkaProducer, KafkaConsumer, TopicPartition
b = os.environ['BOOTSTRAP']
p = KafkaProducer(bootstrap_servers=b, acks='all')
for i in range(6): p.send('${topic}', partition=i % 2, value=b'v%d' % i)
p.flush(); p.close()
def consumer():
    return KafkaConsumer('${topic}', bootstrap_servers=b, group_id='${group}', enable_auto_commit=False,
                         auto_offset_reset='earliest', consumer_timeout_ms=4000)
c = consumer()
first = sorted(m.value.decode() for m in c)
c.commit()
committed = {tp.partition: c.committed(tp) for tp in [TopicPartition('${topic}', 0), TopicPartition('${topic}', 1)]}
c.close()
p = KafkaProducer(bootstrap_servers=b, acks='all')
p.send('${topic}', partition=0, value=b'after').get(timeout=10); p.close()
c = consumer()
second = [m.value.decode() for m in c]
c.close()
print(json.dumps({'first': first, 'committed': committed, 'second': second}))
`);
    expect(stderr).not.toMatch(/Traceback/);
    expect(code).toBe(0);
    const out = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(out.first).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5']);
    expect(out.committed).toEqual({ 0: 3, 1: 3 });
    expect(out.second).toEqual(['after']);
  });
});
