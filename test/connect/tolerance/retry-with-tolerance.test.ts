import { describe, expect, it } from 'vitest';
import type { Header } from '../../../src/client/index.js';
import { DataError, RetriableError, ToleranceExceededError } from '../../../src/connect/errors.js';
import {
  DeadLetterQueueReporter,
  DlqHeader,
  type ErrorReport,
  LogReporter,
  RetryWithToleranceOperator,
  SKIPPED,
} from '../../../src/connect/tolerance/index.js';

const consumed = {
  consumed: {
    topic: 'in',
    partition: 1,
    offset: 7,
    key: Buffer.from('k'),
    value: Buffer.from('{bad'),
    headers: [],
  },
};
const error = new DataError('value is not JSON');
const config = {
  'errors.tolerance': 'none',
  'errors.retry.timeout': 0,
  'errors.retry.delay.max.ms': 60_000,
} as const;

describe('connect › tolerance › RetryWithToleranceOperator', () => {
  it('returns the result when the operation succeeds', async () => {
    const op = new RetryWithToleranceOperator(config);
    expect(await op.execute('TRANSFORMATION', 't', () => 5, consumed)).toBe(5);
    expect(op.counters).toEqual({ failed: 0, skipped: 0, retries: 0 });
  });

  it('fails the task with errors.tolerance=none, naming stage and record', async () => {
    const op = new RetryWithToleranceOperator(config);
    const run = op.execute(
      'VALUE_CONVERTER',
      'json',
      () => {
        throw new DataError('not JSON');
      },
      consumed,
    );
    await expect(run).rejects.toThrowError(ToleranceExceededError);
    await expect(run).rejects.toThrowError(/VALUE_CONVERTER failed for record in-1@7: not JSON/);
  });

  it('skips with errors.tolerance=all and reports to the dead-letter reporter', async () => {
    const reports: ErrorReport[] = [];
    const op = new RetryWithToleranceOperator(
      { ...config, 'errors.tolerance': 'all' },
      { tolerated: [{ report: async (r) => void reports.push(r) }] },
    );
    const result = await op.execute(
      'TRANSFORMATION',
      'transforms.a',
      () => {
        throw new DataError('bad');
      },
      consumed,
    );
    expect(result).toBe(SKIPPED);
    expect(reports.map((r) => [r.stage, r.executing, (r.error as Error).message])).toEqual([
      ['TRANSFORMATION', 'transforms.a', 'bad'],
    ]);
    expect(op.counters).toMatchObject({ failed: 1, skipped: 1 });
  });

  it('retries retriable errors within errors.retry.timeout, honouring the hinted delay', async () => {
    const op = new RetryWithToleranceOperator({ ...config, 'errors.retry.timeout': 5_000 });
    let calls = 0;
    const started = Date.now();
    const result = await op.execute(
      'TASK_PUT',
      'task',
      () => {
        if (++calls < 3) throw new RetriableError('busy', { delayMs: 10 });
        return 'done';
      },
      consumed,
    );
    expect(result).toBe('done');
    expect(calls).toBe(3);
    expect(op.counters.retries).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(18);
  });

  it('does not retry non-retriable errors, nor any error when the timeout is 0', async () => {
    let calls = 0;
    const op = new RetryWithToleranceOperator({
      ...config,
      'errors.retry.timeout': 5_000,
      'errors.tolerance': 'all',
    });
    await op.execute(
      'TASK_PUT',
      'task',
      () => {
        calls++;
        throw new DataError('no');
      },
      consumed,
    );
    expect(calls).toBe(1);
    const none = new RetryWithToleranceOperator({ ...config, 'errors.tolerance': 'all' });
    await none.execute(
      'TASK_PUT',
      'task',
      () => {
        calls++;
        throw new RetriableError('later');
      },
      consumed,
    );
    expect(calls).toBe(2);
  });

  it('stops retrying when the retry timeout runs out', async () => {
    let calls = 0;
    const op = new RetryWithToleranceOperator({
      ...config,
      // Roomy enough that a loaded machine's late timers still fit a few retries in.
      'errors.retry.timeout': 300,
      'errors.retry.delay.max.ms': 20,
    });
    await expect(
      op.execute(
        'TASK_POLL',
        'task',
        () => {
          calls++;
          throw new RetriableError('down', { delayMs: 15 });
        },
        consumed,
      ),
    ).rejects.toThrowError(ToleranceExceededError);
    // Retries wait at least 15 ms each: no more than the timeout allows, and more than one.
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(calls).toBeLessThanOrEqual(2 + 300 / 15);
  });

  it('handles an error the caller already hit on its first, synchronous attempt', async () => {
    const op = new RetryWithToleranceOperator({ ...config, 'errors.tolerance': 'all' });
    let calls = 0;
    const result = await op.execute('TRANSFORMATION', 't', () => calls++, consumed, new DataError('first'));
    expect(result).toBe(SKIPPED);
    expect(calls).toBe(0);
  });
});

describe('connect › tolerance › DeadLetterQueueReporter', () => {
  it("sends the consumed bytes with Kafka's context headers", async () => {
    const sent: { topic: string; key: Buffer | null; value: Buffer | null; headers: Header[] }[] = [];
    const dlq = new DeadLetterQueueReporter('dlq', async (topic, r) => void sent.push({ topic, ...r }), {
      connectorName: 'sink-a',
      taskId: 0,
      contextHeaders: true,
    });
    await dlq.report({ stage: 'VALUE_CONVERTER', executing: 'json', error, record: consumed, attempts: 1 });
    expect(sent).toHaveLength(1);
    const [msg] = sent;
    expect(msg?.topic).toBe('dlq');
    expect(msg?.key?.toString()).toBe('k');
    expect(msg?.value?.toString()).toBe('{bad');
    const headers = Object.fromEntries(msg!.headers.map((h) => [h.key, h.value?.toString()]));
    expect(headers).toMatchObject({
      [DlqHeader.topic]: 'in',
      [DlqHeader.partition]: '1',
      [DlqHeader.offset]: '7',
      [DlqHeader.connector]: 'sink-a',
      [DlqHeader.task]: '0',
      [DlqHeader.stage]: 'VALUE_CONVERTER',
      [DlqHeader.executingClass]: 'json',
      [DlqHeader.exceptionClass]: 'DataError',
      [DlqHeader.exceptionMessage]: 'value is not JSON',
    });
    expect(headers[DlqHeader.exceptionStacktrace]).toMatch(/^DataError: value is not JSON\n\s+at /);
  });

  it('writes a failed source record as JSON, and no context headers when disabled', async () => {
    const sent: { value: Buffer | null; headers: Header[] }[] = [];
    const dlq = new DeadLetterQueueReporter('dlq', async (_t, r) => void sent.push(r), {
      connectorName: 'src',
      taskId: 1,
      contextHeaders: false,
    });
    const source = {
      topic: 'out',
      key: null,
      value: { a: 1 },
      sourcePartition: { f: 'x' },
      sourceOffset: { p: 1 },
    };
    await dlq.report({ stage: 'TRANSFORMATION', executing: 't', error, record: { source }, attempts: 1 });
    expect(sent[0]?.value?.toString()).toBe('{"a":1}');
    expect(sent[0]?.headers).toEqual([]);
  });
});

describe('connect › tolerance › LogReporter', () => {
  it('logs stage, coordinates and, when asked, the message', async () => {
    const lines: [object | string, string | undefined][] = [];
    const log = (obj: object | string, msg?: string) => void lines.push([obj, msg]);
    const logger = { debug: log, info: log, warn: log, error: log };
    await new LogReporter(logger, true).report({
      stage: 'TASK_PUT',
      executing: 'task',
      error,
      record: consumed,
      attempts: 2,
    });
    expect(lines[0]?.[1]).toBe('error at stage TASK_PUT (task) for record in-1@7');
    expect(lines[0]?.[0]).toMatchObject({ stage: 'TASK_PUT', attempts: 2, key: 'k', value: '{bad' });
  });
});
