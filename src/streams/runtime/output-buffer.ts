import type { ProducerRecord } from '../../client/records.js';
import type { SinkRecord } from '../context.js';

type Bytes = Buffer | null;

/**
 * Outputs of processed records waiting to be handed to the producer, per topic. Records are sent in the order
 * they were written, one `send` per topic per flush, and {@link OutputBuffer.flush} resolves once every record
 * sent so far is acknowledged: what a commit waits for before it commits input offsets.
 */
export class OutputBuffer {
  readonly #pending = new Map<string, ProducerRecord<Bytes, Bytes>[]>();
  #inFlight: Promise<unknown>[] = [];
  #inFlightRecords = 0;
  #count = 0;

  /** `producer` is the app's producer, or (exactly once) what sends into its open transaction. */
  constructor(
    private readonly producer: {
      send(topic: string, records: ProducerRecord<Bytes, Bytes>[]): Promise<unknown>;
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
  }

  /** Hands buffered records to the producer without waiting for them. */
  send(): void {
    for (const [topic, records] of this.#pending) {
      const sent = this.producer.send(topic, records);
      // Failures surface through flush(); mark them handled here so none goes unobserved meanwhile.
      sent.catch(() => {});
      this.#inFlight.push(sent);
      this.#inFlightRecords += records.length;
    }
    this.#pending.clear();
    this.#count = 0;
  }

  /** Sends what is buffered and resolves when everything sent so far is acknowledged; rejects on the first failure. */
  async flush(): Promise<void> {
    this.send();
    const inFlight = this.#inFlight;
    this.#inFlight = [];
    this.#inFlightRecords = 0;
    await Promise.all(inFlight);
  }
}
