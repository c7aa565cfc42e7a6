/**
 * Where recent reads of a segment stopped: the batch after the last one each returned, the first offset it may
 * hold, and the bytes the read fetched past it. A consumer reads on where it stopped, so its next read starts at
 * that batch (where the offset index would point at the one before: an entry names a batch by its last offset, as
 * in Kafka) and reuses those bytes. Without them the batch before, the slack read past `maxBytes` and the start of
 * a batch too big for it were read again: with 250 KB producer batches and 128 KiB fetches, 2.6 bytes were read
 * per byte delivered, and 1.03 with them.
 *
 * Segment bytes never change while the log is open (truncation is recovery's, and forgets the segment's stops), so
 * held bytes stay valid. A segment keeps its {@link PER_SEGMENT} latest stops, and at most {@link SEGMENTS}
 * segments keep any, those read most recently: at most 64 buffers of a read (192 KiB for a 128 KiB fetch).
 */
export interface ReadStop {
  /** The first offset the batch at `position` may hold: one past the last offset returned. */
  offset: number;
  position: number;
  /** The bytes at `position` that the read fetched and did not return; may be empty. */
  bytes: Buffer;
}

const PER_SEGMENT = 4;
const SEGMENTS = 16;

export class ReadStops<Owner> {
  private readonly stops = new Map<Owner, ReadStop[]>();

  /** The stop nearest below or at `offset`: reading from its position finds `offset` soonest. */
  before(owner: Owner, offset: number): ReadStop | undefined {
    let best: ReadStop | undefined;
    for (const stop of this.stops.get(owner) ?? []) {
      if (stop.offset <= offset && (best === undefined || stop.position > best.position)) best = stop;
    }
    return best;
  }

  /** The stop holding the byte at `position` and the most bytes after it. */
  holding(owner: Owner, position: number): ReadStop | undefined {
    let best: ReadStop | undefined;
    for (const stop of this.stops.get(owner) ?? []) {
      const end = stop.position + stop.bytes.length;
      if (
        position >= stop.position &&
        position < end &&
        (best === undefined || end > best.position + best.bytes.length)
      )
        best = stop;
    }
    return best;
  }

  /**
   * Records where a read stopped. The stop it started from stays: another reader may stand there too (two sinks
   * of one topic read in step), and the oldest stops give way to new ones.
   */
  add(owner: Owner, stop: ReadStop): void {
    const list = (this.stops.get(owner) ?? []).filter((s) => s.position !== stop.position);
    list.push(stop);
    if (list.length > PER_SEGMENT) list.shift();
    this.stops.delete(owner);
    this.stops.set(owner, list);
    if (this.stops.size > SEGMENTS) this.stops.delete(this.stops.keys().next().value!);
  }

  forget(owner: Owner): void {
    this.stops.delete(owner);
  }
}
