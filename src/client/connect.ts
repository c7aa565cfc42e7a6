import { Log } from '../log/index.js';
import { embeddedClient } from './embedded/embedded-client.js';
import { kafkaClient } from './kafka/kafka-client.js';
import { pickKafkaSecurity } from './options.js';
import type { Client, ClientOptions } from './types.js';

/**
 * Opens a client on the log a pipeline names: `{ log: { dir } }` opens (and locks) that directory in this process
 * and closes it with the client; `{ log: { brokers } }` reaches a Kafka-protocol cluster. To share a log that is
 * already open in this process, use `embeddedClient(log)` instead.
 */
export async function connect(options: ClientOptions): Promise<Client> {
  const { log } = options;
  if ('dir' in log) {
    const opened = await Log.open({
      dir: log.dir,
      autoCreateTopics: log.autoCreateTopics ?? true,
      defaultPartitions: log.defaultPartitions ?? 1,
    });
    return embeddedClient(opened, {
      clientId: options.clientId,
      autoCreateTopics: log.autoCreateTopics ?? true,
      defaultPartitions: log.defaultPartitions ?? 1,
      ownsLog: true,
    });
  }
  return kafkaClient({
    brokers: log.brokers,
    clientId: options.clientId,
    security: pickKafkaSecurity({ ...log }),
  });
}
