import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RestServer } from '../../../src/connect/rest/rest-server.js';
import { eventually, Harness } from '../conformance/harness.js';

let h: Harness;
let rest: RestServer;

async function call(
  method: string,
  route: string,
  body?: unknown,
): Promise<{ status: number; json: unknown; text: string }> {
  const res = await fetch(`${rest.url}${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

beforeEach(async () => {
  h = await Harness.create();
  const worker = await h.startWorker();
  rest = await RestServer.start(worker, '127.0.0.1', 0);
});

afterEach(async () => {
  await rest.close();
  await h.dispose();
});

describe('connect › rest', () => {
  it('listens on loopback and answers GET / with the version', async () => {
    expect(rest.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { status, json } = await call('GET', '/');
    expect(status).toBe(200);
    expect(json).toMatchObject({ version: expect.any(String), kafka_cluster_id: expect.any(String) });
  });

  it('creates, lists, describes, reconfigures and deletes a connector', async () => {
    const file = path.join(h.dir, 'in.txt');
    await writeFile(file, 'a\nb\n');
    const config = { 'connector.class': 'FileStreamSource', file, topic: 'lines' };
    const created = await call('POST', '/connectors', { name: 'src', config });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      name: 'src',
      config: { ...config, name: 'src' },
      tasks: [{ connector: 'src', task: 0 }],
      type: 'source',
    });
    expect((await call('GET', '/connectors')).json).toEqual(['src']);
    expect((await call('GET', '/connectors/src/config')).json).toEqual({ ...config, name: 'src' });
    await eventually(async () => {
      const s = (await call('GET', '/connectors/src/status')).json as { tasks: { state: string }[] };
      return s.tasks[0]?.state === 'RUNNING';
    });
    const status = (await call('GET', '/connectors/src/status')).json;
    expect(status).toMatchObject({
      name: 'src',
      connector: { state: 'RUNNING' },
      type: 'source',
      tasks: [{ id: 0, state: 'RUNNING' }],
    });
    const expanded = (await call('GET', '/connectors?expand=status&expand=info')).json as Record<
      string,
      { status: unknown; info: unknown }
    >;
    expect(Object.keys(expanded.src!)).toEqual(['status', 'info']);
    expect((await call('GET', '/connectors/src/tasks')).json).toEqual([
      { id: { connector: 'src', task: 0 }, config: expect.objectContaining({ file, topic: 'lines' }) },
    ]);
    const updated = await call('PUT', '/connectors/src/config', { ...config, 'batch.size': '10' });
    expect(updated.status).toBe(200);
    expect((await call('GET', '/connectors/src/config')).json).toMatchObject({ 'batch.size': '10' });
    expect((await call('DELETE', '/connectors/src')).status).toBe(204);
    expect((await call('GET', '/connectors')).json).toEqual([]);
  });

  it("answers errors with Kafka's JSON shape and status codes", async () => {
    expect(await call('GET', '/connectors/nope')).toMatchObject({
      status: 404,
      json: { error_code: 404, message: 'Connector nope not found' },
    });
    const bad = await call('POST', '/connectors', {
      name: 'x',
      config: { 'connector.class': 'FileStreamSource', file: 'f', topc: 't' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({
      error_code: 400,
      message: expect.stringMatching(/did you mean "topic"/),
    });
    const config = { 'connector.class': 'FileStreamSink', topics: 't', file: path.join(h.dir, 'o') };
    expect((await call('PUT', '/connectors/dup/config', config)).status).toBe(201);
    expect((await call('POST', '/connectors', { name: 'dup', config })).status).toBe(409);
    expect((await call('GET', '/nowhere')).json).toMatchObject({ error_code: 404 });
    expect((await call('DELETE', '/connector-plugins')).status).toBe(405);
  });

  it('pauses, resumes, stops, restarts, and reads and resets offsets', async () => {
    const file = path.join(h.dir, 'in.txt');
    await writeFile(file, 'a\nb\nc\n');
    await call('POST', '/connectors', {
      name: 'src',
      config: { 'connector.class': 'FileStreamSource', file, topic: 'lines' },
    });
    const state = async () =>
      (await call('GET', '/connectors/src/status')).json as {
        connector: { state: string };
        tasks: { state: string }[];
      };
    await eventually(async () => (await state()).tasks[0]?.state === 'RUNNING');
    expect((await call('PUT', '/connectors/src/pause')).status).toBe(202);
    await eventually(async () => (await state()).tasks[0]?.state === 'PAUSED');
    expect((await call('PUT', '/connectors/src/resume')).status).toBe(202);
    await eventually(async () => (await state()).tasks[0]?.state === 'RUNNING');
    // Offsets can be changed only while stopped.
    expect((await call('DELETE', '/connectors/src/offsets')).status).toBe(409);
    await eventually(
      async () =>
        ((await call('GET', '/connectors/src/offsets')).json as { offsets: unknown[] }).offsets.length === 1,
    );
    expect((await call('GET', '/connectors/src/offsets')).json).toEqual({
      offsets: [{ partition: { filename: file }, offset: expect.objectContaining({ position: 6 }) }],
    });
    expect((await call('PUT', '/connectors/src/stop')).status).toBe(202);
    expect((await state()).connector.state).toBe('STOPPED');
    const patched = await call('PATCH', '/connectors/src/offsets', {
      offsets: [{ partition: { filename: file }, offset: { position: 2 } }],
    });
    expect(patched).toMatchObject({
      status: 200,
      json: { message: 'The offsets for this connector have been altered successfully' },
    });
    expect((await call('GET', '/connectors/src/offsets')).json).toEqual({
      offsets: [{ partition: { filename: file }, offset: { position: 2 } }],
    });
    expect((await call('DELETE', '/connectors/src/offsets')).json).toEqual({
      message: 'The offsets for this connector have been reset successfully',
    });
    expect((await call('GET', '/connectors/src/offsets')).json).toEqual({ offsets: [] });
    expect((await call('PUT', '/connectors/src/resume')).status).toBe(202);
    await eventually(async () => (await state()).tasks[0]?.state === 'RUNNING');
    const restarted = await call('POST', '/connectors/src/restart?includeTasks=true');
    expect(restarted.status).toBe(202);
    await eventually(async () => (await state()).tasks[0]?.state === 'RUNNING');
  });

  it('lists plugins and validates a config with errors per key', async () => {
    const plugins = (await call('GET', '/connector-plugins')).json as { class: string; type: string }[];
    expect(plugins.map((p) => [p.class, p.type])).toEqual(
      expect.arrayContaining([
        ['FileStreamSource', 'source'],
        ['FileStreamSink', 'sink'],
      ]),
    );
    const result = await call('PUT', '/connector-plugins/FileStreamSource/config/validate', {
      file: 'x',
      'batch.size': 'many',
    });
    const body = result.json as {
      name: string;
      error_count: number;
      configs: { value: { name: string; errors: string[] } }[];
    };
    expect(result.status).toBe(200);
    expect(body.name).toBe('FileStreamSource');
    const errors = Object.fromEntries(
      body.configs.filter((c) => c.value.errors.length > 0).map((c) => [c.value.name, c.value.errors]),
    );
    expect(Object.keys(errors).sort()).toEqual(['batch.size', 'name', 'topic']);
    expect(body.error_count).toBe(3);
    const good = await call('PUT', '/connector-plugins/FileStreamSource/config/validate', {
      name: 'n',
      file: 'x',
      topic: 't',
    });
    expect((good.json as { error_count: number }).error_count).toBe(0);
  });

  it('serves Prometheus metrics per connector and task', async () => {
    const file = path.join(h.dir, 'in.txt');
    await writeFile(file, 'a\nb\n');
    await call('POST', '/connectors', {
      name: 'src',
      config: { 'connector.class': 'FileStreamSource', file, topic: 'lines' },
    });
    await eventually(async () =>
      (await call('GET', '/metrics')).text.includes(
        'sluice_connect_source_records_written_total{connector="src",task="0"} 2',
      ),
    );
    const { text } = await call('GET', '/metrics');
    expect(text).toContain('sluice_connect_source_records_polled_total{connector="src",task="0"} 2');
    expect(text).toContain('sluice_connect_task_state{connector="src",task="0",state="RUNNING"} 1');
  });
});
