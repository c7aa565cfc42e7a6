import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DlqHeader } from '../../../src/connect/index.js';
import type { Worker } from '../../../src/connect/runtime/index.js';
import { eventually, Harness, taskState } from './harness.js';

/**
 * What a connector under test needs to provide: its config, a way to add input records (text values) and a way
 * to read what came out, in order.
 */
export interface ConformanceFixture {
  kind: 'source' | 'sink';
  config(h: Harness, id: string): Record<string, unknown>;
  input(h: Harness, id: string, values: string[]): Promise<void>;
  output(h: Harness, id: string): Promise<string[]>;
  /** Prepares what the connector needs before it starts (a table to read, say); runs before each create. */
  setup?(h: Harness, id: string): Promise<void>;
  /**
   * Transforms the connector needs to carry the suite's text values (a row → its text column; text → a struct
   * for a table): names in chain order, with `*` where the suite's own steps go, and their `transforms.*` keys.
   */
  transforms?: { chain: string[]; config: Record<string, unknown> };
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => String(from + i));

/** A step that fails on any value that is not an integer: the "poisoned record" of these tests. */
const castToInt = {
  transforms: 'toInt',
  'transforms.toInt.type': 'org.apache.kafka.connect.transforms.Cast$Value',
  'transforms.toInt.spec': 'int32',
};

/** The suite every connector runs: open and close, a batch of n, resume, failing records, restart. */
export function conformance(name: string, fixture: ConformanceFixture): void {
  describe(`conformance › ${name}`, () => {
    let h: Harness;
    let id = 0;
    const connector = () => `c${id}`;

    beforeEach(async () => {
      h = await Harness.create();
      id++;
    });

    afterEach(async () => {
      await h.dispose();
    });

    /** The connector's config with `extra` on top, the suite's transforms placed in the fixture's chain. */
    const configFor = (extra: Record<string, unknown> = {}): Record<string, unknown> => {
      const config = { ...fixture.config(h, connector()), ...extra };
      if (!fixture.transforms) return config;
      const ours = typeof extra.transforms === 'string' ? extra.transforms.split(',') : [];
      const chain = fixture.transforms.chain.flatMap((t) => (t === '*' ? ours : [t]));
      return { ...fixture.transforms.config, ...config, transforms: chain.join(',') };
    };

    const create = async (w: Worker, extra: Record<string, unknown> = {}) => {
      await fixture.setup?.(h, connector());
      await w.create({ ...configFor(extra), name: connector() });
    };

    const start = async (extra: Record<string, unknown> = {}, worker: Record<string, unknown> = {}) => {
      const w = await h.startWorker(worker);
      await create(w, extra);
      await eventually(() => taskState(w, connector()) === 'RUNNING', 10_000, 'RUNNING');
      return w;
    };

    const outputs = (n: number) =>
      eventually(
        async () => (await fixture.output(h, connector())).length >= n,
        15_000,
        `${n} output records`,
      );

    it('opens and closes cleanly', async () => {
      const w = await start();
      expect(w.status(connector()).connector.state).toBe('RUNNING');
      await w.delete(connector());
      expect(w.list()).toEqual([]);
      await h.stopWorker();
    });

    it('delivers a batch of n records, in order', async () => {
      await start();
      const values = range(0, 500);
      await fixture.input(h, connector(), values);
      await outputs(500);
      expect(await fixture.output(h, connector())).toEqual(values);
    });

    it('resumes from the committed offset after a restart', async () => {
      await start();
      await fixture.input(h, connector(), range(0, 100));
      await outputs(100);
      await h.stopWorker();
      await h.startWorker();
      await fixture.input(h, connector(), range(100, 50));
      await create(h.worker!);
      await outputs(150);
      expect(await fixture.output(h, connector())).toEqual(range(0, 150));
    });

    it('fails the task on a bad record with errors.tolerance=none, with the error and stack', async () => {
      const w = await start(castToInt, { 'task.restart.max.attempts': 0 });
      await fixture.input(h, connector(), ['1', '2', 'oops', '3']);
      await eventually(() => taskState(w, connector()) === 'FAILED', 10_000, 'FAILED');
      const trace = w.status(connector()).tasks[0]?.trace ?? '';
      expect(trace).toMatch(/Tolerance exceeded/);
      expect(trace).toMatch(/oops/);
      expect(trace).toMatch(/\n\s+at /);
      expect(await fixture.output(h, connector())).not.toContain('3');
    });

    it('skips a bad record with errors.tolerance=all and sends it to the dead-letter topic with its reason', async () => {
      await start({
        ...castToInt,
        'errors.tolerance': 'all',
        'errors.deadletterqueue.topic.name': `dlq-${connector()}`,
      });
      await fixture.input(h, connector(), ['1', '2', 'oops', '3']);
      await outputs(3);
      expect(await fixture.output(h, connector())).toEqual(['1', '2', '3']);
      let dead: Awaited<ReturnType<Harness['readTopic']>> = [];
      await eventually(
        async () => (dead = await h.readTopic(`dlq-${connector()}`)).length === 1,
        10_000,
        'DLQ record',
      );
      expect(dead[0]?.value).toContain('oops');
      expect(dead[0]?.headers[DlqHeader.stage]).toBe('TRANSFORMATION');
      expect(dead[0]?.headers[DlqHeader.connector]).toBe(connector());
      expect(dead[0]?.headers[DlqHeader.task]).toBe('0');
      expect(dead[0]?.headers[DlqHeader.exceptionMessage]).toMatch(/oops/);
    });

    it('restarts: a failed task resumes from its committed offset once its config is fixed', async () => {
      const w = await start(castToInt, { 'task.restart.max.attempts': 1 });
      await fixture.input(h, connector(), ['1', '2', 'oops', '3']);
      await eventually(
        () => taskState(w, connector()) === 'FAILED',
        10_000,
        'FAILED after one automatic restart',
      );
      await w.putConfig(connector(), configFor());
      await eventually(() => taskState(w, connector()) === 'RUNNING', 10_000, 'RUNNING again');
      await outputs(4);
      const out = await fixture.output(h, connector());
      expect(out.slice(-2)).toEqual(['oops', '3']);
      await w.restartTask(connector(), 0);
      await eventually(() => taskState(w, connector()) === 'RUNNING', 10_000, 'RUNNING after restart');
      await fixture.input(h, connector(), ['4']);
      await eventually(
        async () => (await fixture.output(h, connector())).at(-1) === '4',
        10_000,
        'record after restart',
      );
    });
  });
}
