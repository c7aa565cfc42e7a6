// One member of a kafkajs consumer group, run as its own process by kafkajs-group.test.ts. It prints a JSON line
// per assignment and per record, and leaves the group cleanly on SIGTERM.
import { Kafka, logLevel } from 'kafkajs';

const [bootstrap, topic, groupId] = process.argv.slice(2);
const kafka = new Kafka({
  brokers: [bootstrap],
  clientId: `worker-${process.pid}`,
  logLevel: logLevel.NOTHING,
});
const consumer = kafka.consumer({
  groupId,
  sessionTimeout: 6000,
  rebalanceTimeout: 10_000,
  heartbeatInterval: 300,
  maxWaitTimeInMs: 100,
});
const print = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

consumer.on(consumer.events.GROUP_JOIN, (e) => {
  print({ event: 'assigned', partitions: e.payload.memberAssignment[topic] ?? [] });
});
await consumer.connect();
await consumer.subscribe({ topics: [topic], fromBeginning: true });
await consumer.run({
  autoCommitInterval: 50,
  eachMessage: async ({ partition, message }) => {
    print({ event: 'record', partition, offset: Number(message.offset), value: message.value!.toString() });
  },
});
process.on('SIGTERM', () => {
  void consumer.disconnect().then(() => process.exit(0));
});
