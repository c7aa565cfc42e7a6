import type { ProducerRecord } from '../../client/records.js';
import type { SinkRecord } from '../context.js';

type Bytes = Buffer | null;

/** Records of one topic buffered before they are handed to the producer without waiting for the end of a run. */
const SEND_EVERY = 128;

/** One `send` handed to the producer and not yet known to be acknowledged. */
interface InFlight {
  readonly sent: Promise<void>;
  readonly records: number;
}

/**
 * Outputs of processed records waiting to be handed to the producer, per topic. Records are sent in the order
 * they were written, one `send` per topic per {@link OutputBuffer.send}, and {@link OutputBuffer.flush} resolves
 * once every record sent so far is acknowledged: what a commit waits for before it commits input offsets.
 */
export class OutputBuffer {
  readonly #pending = new Map<string, ProducerRecord<Bytes, Bytes>[]>();
  /** Sends in the order they were made; the producer acknowledges them in that order per partition. */
  #inFlight: InFlight[] = [];
  #inFlightRecords = 0;
  #count = 0;

  /** `producer` is the app's producer, or (exactly once) what sends into its open transaction. */
  constructor(
    private readonly producer: {
      sendBatch(topic: string, records: ProducerRecord<Bytes, Bytes>[]): Promise<void>;
    },
  ) {}

  /** Records buffered or sent and not yet acknowledged. */
  get size(): number {
    return this.#count + this.#inFlightRecords;
  }

  add(topic: string, record: SinkRecord): void {
    let records = this.#pending.get(topic);
    if (records === undefined) {
      records = [];
      this.#pending.set(topic, records);
    }
    // A SinkRecord has a ProducerRecord's fields (a partition only when one was chosen): no copy needed.
    records.push(record as ProducerRecord<Bytes, Bytes>);
    this.#count++;
    // Handed over in small groups: the producer encodes them into its batches at once, so a record is garbage
    // within microseconds rather than held (and copied by every young-generation collection) to the end of a run.
    if (records.length >= SEND_EVERY) {
      this.#pending.delete(topic);
      this.#count -= records.length;
      this.#sendTopic(topic, records);
    }
  }

  /** Hands buffered records to the producer without waiting for them. */
  send(): void {
    for (const [topic, records] of this.#pending) this.#sendTopic(topic, records);
    this.#pending.clear();
    this.#count = 0;
  }

  #sendTopic(topic: string, records: ProducerRecord<Bytes, Bytes>[]): void {
    const sent = this.producer.sendBatch(topic, records);
    // Failures surface through flush() or below(); mark them handled here so none goes unobserved meanwhile.
    sent.catch(() => {});
    this.#inFlight.push({ sent, records: records.length });
    this.#inFlightRecords += records.length;
  }

  /**
   * Sends what is buffered, then waits for the oldest sends until fewer than `limit` records are unacknowledged
   * (backpressure that keeps the newer sends in flight, so the producer never runs dry); rejects with the
   * failure of a send it waited for.
   */
  async below(limit: number): Promise<void> {
    this.send();
    while (this.size >= limit && this.#inFlight.length > 0) {
      const oldest = this.#inFlight[0];
      await oldest.sent;
      // A flush (a commit) may have taken the sends meanwhile: it accounts for them then.
      if (this.#inFlight[0] === oldest) {
        this.#inFlight.shift();
        this.#inFlightRecords -= oldest.records;
      }
    }
  }

  /** Sends what is buffered and resolves when everything sent so far is acknowledged; rejects on the first failure. */
  async flush(): Promise<void> {
    this.send();
    const inFlight = this.#inFlight;
    this.#inFlight = [];
    this.#inFlightRecords = 0;
    await Promise.all(inFlight.map((f) => f.sent));
  }
}
