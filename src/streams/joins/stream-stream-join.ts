import { Observable, type OperatorFunction } from 'rxjs';
import { currentContext } from '../context.js';
import { derive, type KStream, type StreamRecord } from '../record.js';
import type { Serde } from '../serdes.js';
import { WindowStore } from '../state/window-store.js';
import { ClosingWindows } from '../windows/closing-windows.js';
import { StreamTime } from '../windows/stream-time.js';
import type { JoinWindows } from './join-windows.js';

export interface StreamStreamJoinOptions<K> {
  window: JoinWindows;
  /** Prefix of the join's two buffer stores (`<store>-this`, `<store>-other`); generated when omitted. */
  store?: string;
  /** Encodes keys in the buffers' changelogs. Default JSON (values are JSON). */
  keySerde?: Serde<K>;
}

/** A buffered record: its value, and whether it has joined yet (only unmatched ones yield left/outer results). */
interface Buffered<V> {
  v: V;
  m: boolean;
}

type Side = 'this' | 'other';

/**
 * Joins two streams by key within a time window (Kafka's `KStream#join(KStream, JoinWindows)`, `leftJoin`,
 * `outerJoin`): a record of this stream at `t` joins each record of `other` with the same key at
 * `[t - before, t + after]`, in whichever order they arrive; the result has the later timestamp.
 *
 * `left` and `outer` joins emit a record with `null` for its missing side only once its window has closed
 * without a match (stream time minus grace passed `t + after`, or `t + before` for the other side), never early:
 * there are no spurious `(value, null)` results followed by the real join. Records more than `grace` behind
 * stream time are late and go to `<app>-<store>-late`. Both streams must be co-partitioned.
 *
 * @example
 * ```ts
 * impressions$.pipe(
 *   streamStreamJoin(clicks$, (impression, click) => ({ impression, click }), {
 *     window: joinWindows(60_000, { grace: 10_000 }),
 *     type: 'left',
 *   }),
 * )
 * ```
 */
export function streamStreamJoin<K, V, VO, VR>(
  other: KStream<K, VO>,
  joiner: (value: V, other: VO, key: K) => VR,
  options: StreamStreamJoinOptions<K> & { type?: 'inner' },
): OperatorFunction<StreamRecord<K, V>, StreamRecord<K, VR>>;
export function streamStreamJoin<K, V, VO, VR>(
  other: KStream<K, VO>,
  joiner: (value: V, other: VO | null, key: K) => VR,
  options: StreamStreamJoinOptions<K> & { type: 'left' },
): OperatorFunction<StreamRecord<K, V>, StreamRecord<K, VR>>;
export function streamStreamJoin<K, V, VO, VR>(
  other: KStream<K, VO>,
  joiner: (value: V | null, other: VO | null, key: K) => VR,
  options: StreamStreamJoinOptions<K> & { type: 'outer' },
): OperatorFunction<StreamRecord<K, V>, StreamRecord<K, VR>>;
export function streamStreamJoin<K, V, VO, VR>(
  other: KStream<K, VO>,
  joiner: (value: V | null, other: VO | null, key: K) => VR,
  options: StreamStreamJoinOptions<K> & { type?: 'inner' | 'left' | 'outer' },
): OperatorFunction<StreamRecord<K, V>, StreamRecord<K, VR>> {
  const { before, after, grace } = options.window;
  const type = options.type ?? 'inner';
  return (source) =>
    new Observable((subscriber) => {
      const context = currentContext();
      const name = options.store ?? context.uniqueName('KSTREAM-JOIN');
      const buffer = <T>(suffix: Side) =>
        context.stores(
          `${name}-${suffix}`,
          (storeName) => new WindowStore<K, Buffered<T>[]>(storeName, { keySerde: options.keySerde }),
        );
      const buffers = { this: buffer<V>('this'), other: buffer<VO>('other') };
      const streamTime = new StreamTime();
      const unmatched = new ClosingWindows<{ side: Side; key: K }>();
      const expiredUpTo = new Map<number, number>();

      const emitUnmatched = (origin: StreamRecord<unknown, unknown>, closeTime: number) => {
        for (const { key, window } of unmatched.takeClosed(origin.partition, closeTime)) {
          const entry = buffers[key.side].partition(origin.partition).getEntry(key.key, window.start);
          for (const item of entry?.value ?? []) {
            if (item.m) continue;
            const value =
              key.side === 'this' ? joiner(item.v as V, null, key.key) : joiner(null, item.v as VO, key.key);
            subscriber.next(derive(origin, key.key, value, window.start));
          }
        }
      };

      const onRecord = (side: Side, record: StreamRecord<K, V | VO>) => {
        const { key, value, partition } = record;
        if (key === null || key === undefined) return;
        const t = record.timestamp;
        const closeTime = streamTime.observe(partition, t) - grace;
        if (t < closeTime) {
          context.late(name, record);
          return;
        }
        const mine = buffers[side].partition(partition) as WindowStore<K, Buffered<V | VO>[]>;
        const theirs = buffers[side === 'this' ? 'other' : 'this'].partition(partition) as WindowStore<
          K,
          Buffered<V | VO>[]
        >;
        // This side at t matches the other side in [t - before, t + after]; the other side at t in [t - after, t + before].
        const from = side === 'this' ? t - before : t - after;
        const to = side === 'this' ? t + after : t + before;
        let matched = false;
        for (const entry of theirs.fetch(key, from, to)) {
          for (const item of entry.value) {
            const joined =
              side === 'this' ? joiner(value as V, item.v as VO, key) : joiner(item.v as V, value as VO, key);
            subscriber.next(derive(record, key, joined, Math.max(t, entry.window.start)));
            item.m = true;
            matched = true;
          }
          theirs.put(key, entry.window, entry.value, entry.timestamp);
        }
        mine.put(key, { start: t, end: t }, [...(mine.get(key, t) ?? []), { v: value, m: matched }], t);
        const emitsUnmatched = type === 'outer' || (type === 'left' && side === 'this');
        if (emitsUnmatched && !matched) unmatched.add(partition, { side, key }, { start: t, end: t }, to + 1);
        emitUnmatched(record, closeTime);
        // A buffered record can no longer match once t + after (this side) or t + before (other) is below closeTime.
        if (closeTime - (expiredUpTo.get(partition) ?? -Infinity) >= Math.max(1, Math.min(before, after))) {
          buffers.this.partition(partition).expire(closeTime - after);
          buffers.other.partition(partition).expire(closeTime - before);
          expiredUpTo.set(partition, closeTime);
        }
      };

      const others = other.subscribe({
        next: (record) => onRecord('other', record),
        error: (error) => subscriber.error(error),
      });
      const records = source.subscribe({
        next: (record) => onRecord('this', record),
        error: (error) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        records.unsubscribe();
        others.unsubscribe();
      };
    });
}
