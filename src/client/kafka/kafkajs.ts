import { createRequire } from 'node:module';
import { Compression, compressRecords, decompressRecords } from '../../log/index.js';

type KafkaJs = typeof import('kafkajs');

const require = createRequire(import.meta.url);
let loaded: KafkaJs | undefined;

/**
 * kafkajs, loaded on first use: a process that only uses the embedded log never pays for it (about 13 MB of
 * resident memory). kafkajs is CommonJS, so `require` also sees all of its named exports.
 *
 * kafkajs implements only gzip and leaves the other codecs to a table applications fill in; sluice fills it with
 * the log's own codecs, so the kafka backend writes and reads snappy, lz4 and zstd batches in the same framings
 * as the embedded log. The table is kafkajs's, shared by the whole process.
 */
export function kafkajs(): KafkaJs {
  if (loaded === undefined) {
    loaded = require('kafkajs') as KafkaJs;
    const codecs = loaded.CompressionCodecs as Record<number, () => unknown>;
    for (const codec of [Compression.Snappy, Compression.Lz4, Compression.Zstd]) {
      const implementation = {
        compress: async (encoder: { buffer: Buffer }) => compressRecords(codec, encoder.buffer),
        decompress: async (data: Buffer) => decompressRecords(codec, data),
      };
      codecs[codec] = () => implementation;
    }
  }
  return loaded;
}
