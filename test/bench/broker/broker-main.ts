/**
 * The broker process of `npm run bench -- broker`: serves `argv[2]` on a free loopback port with the topics
 * `argv[3..]` created, reports its port and, on request, its CPU time to the parent over IPC.
 */
import pino from 'pino';
import { runBroker } from '../../../src/broker/index.js';
import type { BrokerMessage } from './broker-process.js';

const [logDir, ...topics] = process.argv.slice(2);
const broker = await runBroker({
  logDir,
  config: { listen: '127.0.0.1:0' },
  logger: pino({ level: 'warn' }),
});
for (const topic of topics) await broker.log.createTopic(topic, { partitions: 1 });
const send = (m: BrokerMessage) => process.send?.(m);
process.on('message', () => {
  const { user, system } = process.cpuUsage();
  send({ cpuMicros: user + system });
});
process.once('SIGTERM', () => {
  void broker.close().then(() => process.exit(0));
});
send({ port: broker.server.address.port });
