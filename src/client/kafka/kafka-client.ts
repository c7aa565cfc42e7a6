import type { Logger } from 'pino';
import { ConfigError } from '../../errors.js';
import type { Admin } from '../admin.js';
import type { Consumer, ConsumerOptions } from '../consumer.js';
import { consumerOptions, type KafkaSecurityInput, kafkaSecurity, producerOptions } from '../options.js';
import type { Producer, ProducerOptions } from '../producer.js';
import type { Bytes } from '../serde.js';
import { serdes } from '../serde.js';
import type { Client } from '../types.js';
import { KafkaAdmin } from './kafka-admin.js';
import { KafkaConsumer } from './kafka-consumer.js';
import { KafkaContext } from './kafka-context.js';
import { kafkaJsLogCreator } from './kafka-logger.js';
import { KafkaProducer } from './kafka-producer.js';
import { kafkaJsSecurity } from './kafka-security.js';
import { kafkajs } from './kafkajs.js';

export interface KafkaClientOptions {
  /** `host:port` bootstrap addresses. */
  brokers: string[];
  /** Default `sluice`. */
  clientId?: string;
  /** Where kafkajs's warnings and errors go; default pino on stderr at warn. */
  logger?: Logger;
  /** TLS and SASL with Kafka's client keys (security.protocol, ssl.*, sasl.*); default plaintext. */
  security?: KafkaSecurityInput;
}

/**
 * A client over any Kafka-protocol cluster (`sluice broker`, Apache Kafka, Redpanda) through kafkajs, with the
 * same contract as the embedded backend. Connections open on first use.
 */
export function kafkaClient(options: KafkaClientOptions): Client {
  const security = kafkaSecurity(options.security ?? {});
  const kafka = new (kafkajs().Kafka)({
    clientId: options.clientId ?? 'sluice',
    brokers: options.brokers,
    ...kafkaJsSecurity(security),
    logCreator: kafkaJsLogCreator(options.logger),
    retry: { retries: 5, initialRetryTime: 100 },
  });
  const context = new KafkaContext(kafka, options.clientId ?? 'sluice');
  const admin = new KafkaAdmin(context);
  let closing: Promise<void> | null = null;
  return {
    backend: 'kafka',
    producer<K = Bytes, V = Bytes>(input?: ProducerOptions<K, V>): Producer<K, V> {
      const resolved = producerOptions(input, { keySerde: serdes.bytes, valueSerde: serdes.bytes });
      if (resolved['transactional.id'] !== undefined) {
        throw new ConfigError(
          'producer options: transactional.id is not supported on the kafka backend yet; use an embedded log ({ log: { dir } }) for transactions',
          { key: 'transactional.id' },
        );
      }
      let untrack = () => {};
      const producer = new KafkaProducer<K, V>(context, resolved, () => untrack());
      untrack = context.track(() => producer.close()) as () => void;
      return producer;
    },
    consumer<K = Buffer | null, V = Buffer | null>(input?: ConsumerOptions<K, V>): Consumer<K, V> {
      const resolved = consumerOptions(input, { keySerde: serdes.buffer, valueSerde: serdes.buffer });
      let untrack = () => {};
      const consumer = new KafkaConsumer<K, V>(context, admin, resolved, () => untrack());
      untrack = context.track(() => consumer.close()) as () => void;
      return consumer;
    },
    admin(): Admin {
      return admin;
    },
    close() {
      closing ??= context.close();
      return closing;
    },
  };
}
