import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/commands/index.js';
import { program } from '../../src/cli/main.js';
import { sluiceBin } from '../bench/dist.js';
import { runSluice } from './compiled-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tracer = fileURLToPath(new URL('./fixtures/trace-imports.mjs', import.meta.url));

/** The modules the compiled CLI loads for `args`, as file paths relative to the checkout (or package names). */
function imported(name: string, args: string[]): string[] {
  const file = join(dir, `${name}.txt`);
  const r = spawnSync(process.execPath, ['--import', tracer, sluiceBin, ...args], {
    env: { ...process.env, TRACE_IMPORTS: file },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return readFileSync(file, 'utf8').trim().split('\n');
}

describe('cli › startup', () => {
  it('loads no command module, no layer and no heavy package for --help and --version', () => {
    for (const args of [['--help'], ['--version']]) {
      const loaded = imported(args[0]!.slice(2), args);
      const heavy = loaded.filter((u) =>
        /\/dist\/(src\/(log|client|connect|streams|pipeline|broker|group)|connectors)\/|\/node_modules\/(zod|pino|kafkajs|rxjs|jsonata|yaml|pg|chokidar)\//.test(
          u,
        ),
      );
      expect(heavy, `${args[0]} loaded ${heavy.join(', ')}`).toEqual([]);
      expect(loaded.some((u) => u.endsWith('/dist/src/cli/commands/topics.js'))).toBe(false);
    }
  });

  it('loads only the module of the command it runs', () => {
    const loaded = imported('topics-help', ['topics', '--help']);
    expect(loaded.some((u) => u.endsWith('/dist/src/cli/commands/topics.js'))).toBe(true);
    for (const other of ['groups', 'consume', 'produce', 'pipeline', 'connect', 'broker', 'log'])
      expect(
        loaded.some((u) => u.endsWith(`/dist/src/cli/commands/${other}.js`)),
        other,
      ).toBe(false);
  });

  it('lists every command with the description its module registers', async () => {
    const full = await program();
    for (const entry of commands) {
      const real = full.commands.find((c) => c.name() === entry.name);
      expect(real, entry.name).toBeDefined();
      expect(entry.description).toBe(real!.description());
      expect(entry.args).toBe(
        real!.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`)).join(' '),
      );
      expect(entry.options, entry.name).toBe(real!.options.length > 0);
    }
    expect(full.commands.map((c) => c.name())).toEqual(commands.map((c) => c.name));
    const help = await runSluice(['--help']);
    for (const entry of commands) expect(help.stdout).toContain(entry.name);
    const viaHelp = await runSluice(['help', 'topics']);
    expect(viaHelp.stdout).toBe((await runSluice(['topics', '--help'])).stdout);
    const typo = await runSluice(['topcs']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('(Did you mean topics?)');
  }, 60_000);
});
