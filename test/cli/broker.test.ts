import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyLogDir } from '../../src/log/index.js';
import { WireClient } from '../broker/helpers/wire-client.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-cli-broker-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts `sluice broker` as a real process and resolves with it once it logs the port it listens on. */
function startBrokerProcess(args: string[]) {
  const script =
    "import { main } from './src/cli/main.ts'; await main(['node', 'sluice', ...process.argv.slice(1)]);";
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script, 'broker', ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<number>((resolve, reject) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /"msg":"broker listening"/.test(stderr) && /"port":(\d+)/.exec(stderr);
      if (m) resolve(Number(m[1]));
    });
    void exited.then(() => reject(new Error(`broker exited early: ${stderr}`)));
  });
  return { child, listening, exited, stderr: () => stderr };
}

describe('cli › broker', () => {
  it('serves the log until SIGTERM, then shuts down cleanly', async () => {
    const broker = startBrokerProcess(['--log-dir', dir, '--listen', '127.0.0.1:0', '--partitions', '2']);
    const port = await broker.listening;
    const client = await WireClient.connect(port);
    const meta = await client.request<{ topics: { name: string; partitions: unknown[] }[] }>(3, 4, {
      topics: [{ name: 'made-by-metadata' }],
      allowAutoTopicCreation: true,
    });
    expect(meta.topics[0].partitions).toHaveLength(2);
    client.close();

    broker.child.kill('SIGTERM');
    expect(await broker.exited).toBe(0);
    expect(broker.stderr()).toMatch(/SIGTERM, shutting down/);
    expect(existsSync(join(dir, '.kafka_cleanshutdown'))).toBe(true);
    const report = await verifyLogDir(dir);
    expect(report.damage).toEqual([]);
    expect(existsSync(join(dir, 'made-by-metadata-1'))).toBe(true);
  });

  it('refuses an address that is not host:port', async () => {
    const broker = startBrokerProcess(['--log-dir', dir, '--listen', 'nowhere']);
    await expect(broker.listening).rejects.toThrow(/listen.*host:port/);
    expect(await broker.exited).toBe(1);
  });
});
