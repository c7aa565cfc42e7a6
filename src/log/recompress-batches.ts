/**
 * A topic's `compression.type` applied to what is appended to it, as Kafka's broker applies it: `producer` stores
 * each batch in the codec it came in, any other value stores every batch in that codec, so a batch in another one
 * is decoded and encoded again (its offsets, timestamps, producer id, epoch and sequence kept).
 */
import { RecordTooLargeError } from '../errors.js';
import { Attribute, BatchField, Compression, readInt64 } from './codec/batch-layout.js';
import { codecOf } from './codec/compression.js';
import { batchSizeAt, decodeBatchRecords, encodeRecordBatch } from './codec/record-batch.js';
import type { CompressionType, LogRecord, TopicCompressionType } from './types.js';

/** The codec a topic of `topicType` stores a batch in that the producer sent (or asks for) in `producer`. */
export function storedCodec(topicType: TopicCompressionType, producer: CompressionType): Compression {
  if (topicType === 'producer') return codecOf(producer);
  if (topicType === 'uncompressed') return Compression.None;
  return codecOf(topicType);
}

/** True when some batch of `batches` is not in `codec`. */
export function needsRecompressing(batches: Buffer, codec: Compression): boolean {
  for (let at = 0; at < batches.length; at += batchSizeAt(batches, at)) {
    if ((batches.readInt16BE(at + BatchField.Attributes) & Attribute.CompressionMask) !== codec) return true;
  }
  return false;
}

/**
 * `batches` (whole, validated and stamped) with every batch in `codec`; batches already in it are copied as they
 * are. Throws {@link RecordTooLargeError} when a batch encoded again is larger than `maxBatchBytes`.
 */
export function recompressBatches(
  batches: Buffer,
  codec: Compression,
  maxBatchBytes: number,
  topic: string,
): Buffer {
  const out: Buffer[] = [];
  for (let at = 0; at < batches.length; ) {
    const size = batchSizeAt(batches, at);
    const batch = batches.subarray(at, at + size);
    at += size;
    const attributes = batch.readInt16BE(BatchField.Attributes);
    if ((attributes & Attribute.CompressionMask) === codec) {
      out.push(batch);
      continue;
    }
    const records: LogRecord[] = [];
    decodeBatchRecords(batch, 0, records);
    const encoded = encodeRecordBatch(records, {
      baseOffset: readInt64(batch, BatchField.BaseOffset),
      // LogAppendTime: the time the log stamped, which every decoded record carries already.
      now: readInt64(batch, BatchField.MaxTimestamp),
      logAppendTime: (attributes & Attribute.LogAppendTime) !== 0,
      transactional: (attributes & Attribute.Transactional) !== 0,
      producerId: readInt64(batch, BatchField.ProducerId),
      producerEpoch: batch.readInt16BE(BatchField.ProducerEpoch),
      baseSequence: batch.readInt32BE(BatchField.BaseSequence),
      partitionLeaderEpoch: batch.readInt32BE(BatchField.PartitionLeaderEpoch),
      compression: codec,
    });
    if (encoded.length > maxBatchBytes) throw new RecordTooLargeError(encoded.length, maxBatchBytes, topic);
    out.push(encoded);
  }
  return Buffer.concat(out);
}
