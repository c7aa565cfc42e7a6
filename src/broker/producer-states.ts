/**
 * Idempotent producers: the ids InitProducerId hands out, and per producer and partition the sequence numbers
 * of the last batches appended, so that a retried batch is recognised and not appended twice (Kafka keeps the
 * last five batches per producer and partition; so does this).
 *
 * State lives in memory: after a broker restart a producer's first batch is accepted whatever its sequence, and
 * checking resumes from there.
 */
import { ERROR_CODES } from './protocol/error-codes.js';

const REMEMBERED_BATCHES = 5;
const INT32_MAX = 0x7fffffff;

/** The producer fields of a RecordBatch v2 header. */
export interface BatchProducer {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  /** Records in the batch (lastOffsetDelta + 1). */
  count: number;
  /** The batch's largest record timestamp. */
  maxTimestamp: number;
}

interface RememberedBatch {
  firstSeq: number;
  lastSeq: number;
  baseOffset: number;
}

interface PartitionProducerState {
  producerId: number;
  epoch: number;
  lastSeq: number;
  lastTimestamp: number;
  recent: RememberedBatch[];
}

/** What DescribeProducers tells of one producer on one partition. */
export interface ProducerDescription {
  producerId: number;
  producerEpoch: number;
  lastSequence: number;
  lastTimestamp: number;
}

/** What to do with an incoming batch. */
export type SequenceVerdict =
  | { kind: 'append' }
  | { kind: 'duplicate'; baseOffset: number }
  | { kind: 'error'; errorCode: number; message: string };

/** Reads the producer fields of the RecordBatch at `at` (offsets per KAFKA-FACTS: 43, 51, 53, 23, 35). */
export function batchProducer(batch: Buffer, at = 0): BatchProducer {
  return {
    producerId: Number(batch.readBigInt64BE(at + 43)),
    producerEpoch: batch.readInt16BE(at + 51),
    baseSequence: batch.readInt32BE(at + 53),
    count: batch.readInt32BE(at + 23) + 1,
    maxTimestamp: Number(batch.readBigInt64BE(at + 35)),
  };
}

export class ProducerStates {
  // Ids start from the clock so that a restarted broker does not hand out an id a live producer still holds.
  private nextId = Date.now();
  private readonly states = new Map<string, PartitionProducerState>();
  private readonly locks = new Map<string, Promise<unknown>>();
  /** The state keys of each partition's producers, for DescribeProducers. */
  private readonly byPartition = new Map<string, Set<string>>();

  private partitionKeys(topic: string, partition: number): Set<string> {
    const key = `${topic}\0${partition}`;
    let keys = this.byPartition.get(key);
    if (!keys) this.byPartition.set(key, (keys = new Set()));
    return keys;
  }

  /** The idempotent producers that have written to a partition since the broker started. */
  describe(topic: string, partition: number): ProducerDescription[] {
    const keys = this.byPartition.get(`${topic}\0${partition}`) ?? new Set<string>();
    return [...keys].flatMap((key) => {
      const s = this.states.get(key);
      return s
        ? [
            {
              producerId: s.producerId,
              producerEpoch: s.epoch,
              lastSequence: s.lastSeq,
              lastTimestamp: s.lastTimestamp,
            },
          ]
        : [];
    });
  }

  /** A fresh producer id at epoch 0 (InitProducerId without a transactional id). */
  allocate(): { producerId: number; producerEpoch: number } {
    return { producerId: this.nextId++, producerEpoch: 0 };
  }

  /** Runs `fn` after every earlier call for the same partition: check-then-append must not interleave. */
  serialize<T>(topic: string, partition: number, fn: () => Promise<T>): Promise<T> {
    const key = `${topic}\0${partition}`;
    const previous = this.locks.get(key) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(key, settled);
    void settled.then(() => {
      if (this.locks.get(key) === settled) this.locks.delete(key);
    });
    return next;
  }

  check(topic: string, partition: number, p: BatchProducer): SequenceVerdict {
    const state = this.states.get(stateKey(topic, partition, p.producerId));
    if (!state) return { kind: 'append' };
    if (p.producerEpoch < state.epoch) {
      return {
        kind: 'error',
        errorCode: ERROR_CODES.INVALID_PRODUCER_EPOCH,
        message: `producer ${p.producerId} epoch ${p.producerEpoch} is older than ${state.epoch}`,
      };
    }
    if (p.producerEpoch > state.epoch) {
      return p.baseSequence === 0
        ? { kind: 'append' }
        : {
            kind: 'error',
            errorCode: ERROR_CODES.OUT_OF_ORDER_SEQUENCE_NUMBER,
            message: `a new epoch must start at sequence 0, got ${p.baseSequence}`,
          };
    }
    const lastSeq = lastSequence(p);
    const dup = state.recent.find((b) => b.firstSeq === p.baseSequence && b.lastSeq === lastSeq);
    if (dup) return { kind: 'duplicate', baseOffset: dup.baseOffset };
    const expected = state.lastSeq === INT32_MAX ? 0 : state.lastSeq + 1;
    if (p.baseSequence !== expected) {
      return {
        kind: 'error',
        errorCode: ERROR_CODES.OUT_OF_ORDER_SEQUENCE_NUMBER,
        message: `expected sequence ${expected} from producer ${p.producerId}, got ${p.baseSequence}`,
      };
    }
    return { kind: 'append' };
  }

  /** Remembers an appended batch. */
  record(topic: string, partition: number, p: BatchProducer, baseOffset: number): void {
    const key = stateKey(topic, partition, p.producerId);
    let state = this.states.get(key);
    if (!state || state.epoch !== p.producerEpoch) {
      state = {
        producerId: p.producerId,
        epoch: p.producerEpoch,
        lastSeq: -1,
        lastTimestamp: -1,
        recent: [],
      };
      this.states.set(key, state);
      this.partitionKeys(topic, partition).add(key);
    }
    const lastSeq = lastSequence(p);
    state.lastSeq = lastSeq;
    state.lastTimestamp = p.maxTimestamp;
    state.recent.push({ firstSeq: p.baseSequence, lastSeq, baseOffset });
    if (state.recent.length > REMEMBERED_BATCHES) state.recent.shift();
  }
}

function stateKey(topic: string, partition: number, producerId: number): string {
  return `${producerId}\0${topic}\0${partition}`;
}

/** Sequences wrap from Int32.MAX to 0, as in Kafka. */
function lastSequence(p: BatchProducer): number {
  const last = p.baseSequence + p.count - 1;
  return last > INT32_MAX ? last - INT32_MAX - 1 : last;
}
