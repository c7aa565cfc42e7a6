import fs from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RestSecurityOptions } from '../../../src/connect/rest/rest-guard.js';
import { RestServer } from '../../../src/connect/rest/rest-server.js';
import { Harness } from '../conformance/harness.js';

let h: Harness | undefined;
let rest: RestServer | undefined;

afterEach(async () => {
  await rest?.close();
  await h?.dispose();
  rest = undefined;
  h = undefined;
});

async function start(security: RestSecurityOptions = {}, worker: Record<string, unknown> = {}) {
  h = await Harness.create();
  rest = await RestServer.start(await h.startWorker(worker), '127.0.0.1', 0, security);
  return { h, rest, port: Number(new URL(rest.url).port) };
}

/** A raw HTTP request, so that Host and Origin can be set as a browser page (or an attacker) would. */
function send(
  port: number,
  method: string,
  route: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; json: Record<string, unknown> | undefined; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: route, headers, setHost: false }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () =>
        resolve({ status: res.statusCode!, json: text ? JSON.parse(text) : undefined, headers: res.headers }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const sinkTo = (file: string, name = 'evil') =>
  JSON.stringify({ name, config: { 'connector.class': 'FileStreamSink', topics: 'secrets', file } });

describe('connect › rest › guard', () => {
  it('refuses a text/plain POST from a foreign page and creates nothing', async () => {
    const { h, port } = await start();
    const target = path.join(h.dir, 'cron.d', 'pwn');
    const res = await send(
      port,
      'POST',
      '/connectors',
      { host: `127.0.0.1:${port}`, origin: 'http://evil.example', 'content-type': 'text/plain' },
      sinkTo(target),
    );
    expect(res.status).toBe(403);
    const plain = await send(
      port,
      'POST',
      '/connectors',
      { host: `127.0.0.1:${port}`, 'content-type': 'text/plain' },
      sinkTo(target),
    );
    expect(plain.status).toBe(415);
    expect(plain.json!.message).toMatch(/application\/json/);
    const list = await send(port, 'GET', '/connectors', { host: `localhost:${port}` });
    expect(list.json).toEqual([]);
    expect(fs.existsSync(target)).toBe(false);
  });

  it('refuses a Host header that names another site (DNS rebinding)', async () => {
    const { port } = await start();
    const res = await send(port, 'GET', '/connectors', { host: `rebind.evil.example:${port}` });
    expect(res.status).toBe(421);
    expect(res.json!.message).toMatch(/Host header/);
    const wrongPort = await send(port, 'GET', '/connectors', { host: `127.0.0.1:${port + 1}` });
    expect(wrongPort.status).toBe(421);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      expect((await send(port, 'GET', '/connectors', { host })).status).toBe(200);
    }
  });

  it('accepts JSON from the same origin, and from origins in access.control.allow.origin', async () => {
    const { h, port } = await start({ allowOrigins: ['https://ui.example'] });
    const own = await send(
      port,
      'POST',
      '/connectors',
      {
        host: `127.0.0.1:${port}`,
        origin: `http://127.0.0.1:${port}`,
        'content-type': 'application/json; charset=utf-8',
      },
      sinkTo(path.join(h.dir, 'out.txt'), 'own'),
    );
    expect(own.status).toBe(201);
    const listed = await send(port, 'GET', '/connectors', {
      host: `127.0.0.1:${port}`,
      origin: 'https://ui.example',
    });
    expect(listed.json).toEqual(['own']);
  });

  it('requires basic credentials of a user in rest.basic.auth.users.file', async () => {
    const dir = fs.mkdtempSync(path.join(h?.dir ?? '/tmp', 'users-'));
    const usersFile = path.join(dir, 'users.properties');
    fs.writeFileSync(usersFile, '# users\nadmin: s3cret\nreader=other\n');
    const { port } = await start({ usersFile });
    const auth = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
    const host = `127.0.0.1:${port}`;
    const none = await send(port, 'GET', '/connectors', { host });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Basic realm=/);
    expect(
      (await send(port, 'GET', '/connectors', { host, authorization: auth('admin', 'wrong') })).status,
    ).toBe(401);
    expect(
      (await send(port, 'GET', '/connectors', { host, authorization: auth('nobody', 's3cret') })).status,
    ).toBe(401);
    expect(
      (await send(port, 'GET', '/connectors', { host, authorization: auth('admin', 's3cret') })).status,
    ).toBe(200);
    expect(
      (await send(port, 'GET', '/connectors', { host, authorization: auth('reader', 'other') })).status,
    ).toBe(200);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses connector names that URL normalisation changes, so every connector stays reachable', async () => {
    const { h, port } = await start();
    const host = `127.0.0.1:${port}`;
    const json = { host, 'content-type': 'application/json' };
    for (const name of ['..', '.', 'a\u0001b']) {
      const res = await send(port, 'POST', '/connectors', json, sinkTo(path.join(h.dir, 'x.txt'), name));
      expect(res.status).toBe(400);
      expect(res.json!.message).toContain('connector name');
    }
    const odd = 'a/b c';
    expect(
      (await send(port, 'POST', '/connectors', json, sinkTo(path.join(h.dir, 'y.txt'), odd))).status,
    ).toBe(201);
    const route = `/connectors/${encodeURIComponent(odd)}`;
    expect((await send(port, 'GET', route, { host })).status).toBe(200);
    expect((await send(port, 'DELETE', route, { host })).status).toBe(204);
    expect((await send(port, 'GET', '/connectors', { host })).json).toEqual([]);
  });
});

describe('connect › rest › allowed.paths', () => {
  it('confines file and csv connectors to the worker allowed.paths, links and .. included', async () => {
    h = await Harness.create();
    const allowed = path.join(h.dir, 'allowed');
    fs.mkdirSync(allowed);
    fs.symlinkSync('/etc', path.join(allowed, 'etc-link'));
    rest = await RestServer.start(await h.startWorker({ 'allowed.paths': allowed }), '127.0.0.1', 0);
    const port = Number(new URL(rest.url).port);
    const json = { host: `127.0.0.1:${port}`, 'content-type': 'application/json' };
    const create = (config: Record<string, unknown>, name = 'c') =>
      send(port, 'POST', '/connectors', json, JSON.stringify({ name, config }));
    for (const file of [
      '/etc/cron.d/pwn',
      path.join(allowed, '..', 'escape.txt'),
      path.join(allowed, 'etc-link', 'x'),
    ]) {
      const res = await send(port, 'POST', '/connectors', json, sinkTo(file));
      expect(res.status).toBe(400);
      expect(res.json!.message).toContain('outside allowed.paths');
    }
    const readEtc = await create({
      'connector.class': 'FileStreamSource',
      file: '/etc/hostname',
      topic: 't',
    });
    expect(readEtc.status).toBe(400);
    const csvOut = await create({
      'connector.class': 'CsvSource',
      topic: 't',
      'input.path': allowed,
      'finished.path': '/tmp/out',
    });
    expect(csvOut.status).toBe(400);
    expect(csvOut.json!.message).toContain('/tmp/out is outside allowed.paths');
    expect((await send(port, 'GET', '/connectors', { host: json.host })).json).toEqual([]);
    const fine = await send(port, 'POST', '/connectors', json, sinkTo(path.join(allowed, 'out.txt'), 'fine'));
    expect(fine.status).toBe(201);
  });
});
