import { execFileSync, spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'sluice-packed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const repo = resolve('.');

describe('packaging › the npm pack tarball', () => {
  it('installs into an empty project and type-checks a program against its .d.ts files', () => {
    // dist/ is fresh (the global setup builds it), so pack without running prepare again.
    const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
      encoding: 'utf8',
      timeout: 240_000,
    });
    const [{ filename, files }] = JSON.parse(packed) as { filename: string; files: { path: string }[] }[];
    const paths = files.map((f) => f.path);
    expect(paths).toContain('dist/src/index.d.ts');
    expect(paths).toContain('bin/sluice.js');
    expect(paths.some((p) => p.startsWith('test/') || p.startsWith('src/'))).toBe(false);

    // An empty project with the tarball unpacked as node_modules/sluice. Tests have no network, so its declared
    // dependencies (and nothing else: not the dev dependencies) are linked from this checkout, as npm would have
    // installed them; @types/node is the user's own, as in any Node.js TypeScript project.
    const project = join(dir, 'project');
    const modules = join(project, 'node_modules');
    mkdirSync(join(modules, 'sluice'), { recursive: true });
    execFileSync(
      'tar',
      ['-xzf', join(dir, filename), '-C', join(modules, 'sluice'), '--strip-components=1'],
      {
        timeout: 120_000,
      },
    );
    const manifest = JSON.parse(readFileSync(join(modules, 'sluice', 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const dep of [...Object.keys(manifest.dependencies), '@types/node']) {
      const target = join(modules, dep);
      mkdirSync(resolve(target, '..'), { recursive: true });
      symlinkSync(join(repo, 'node_modules', dep), target);
    }
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'user-app', type: 'module', private: true }),
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          // Every .d.ts of the package is checked, as a user's project without skipLibCheck does.
          skipLibCheck: false,
          types: ['node'],
        },
        include: ['main.ts'],
      }),
    );
    writeFileSync(
      join(project, 'main.ts'),
      `import { connect, serdes, type Client, type ConsumerRecord } from 'sluice';

const client: Client = await connect({ log: { dir: './data' } });
const producer = client.producer({ valueSerde: serdes.json<{ id: number }>() });
await producer.send('orders', [{ key: 'a', value: { id: 1 } }]);
const consumer = client.consumer({ groupId: 'app', valueSerde: serdes.json<{ id: number }>() });
await consumer.subscribe('orders');
const first: ConsumerRecord<Buffer | null, { id: number }> | undefined = undefined;
console.log(first, (await client.admin().listTopics()).length);
await client.close();
`,
    );
    const tsc = spawnSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', project], {
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
    expect(readdirSync(join(modules, 'sluice', 'dist', 'src')).length).toBeGreaterThan(0);
  }, 300_000);
});
