import { createRequire } from 'node:module';

type KafkaJs = typeof import('kafkajs');

const require = createRequire(import.meta.url);
let loaded: KafkaJs | undefined;

/**
 * kafkajs, loaded on first use: a process that only uses the embedded log never pays for it (about 13 MB of
 * resident memory). kafkajs is CommonJS, so `require` also sees all of its named exports.
 */
export function kafkajs(): KafkaJs {
  loaded ??= require('kafkajs') as KafkaJs;
  return loaded;
}
