import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

async function sluice(...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args], {
      timeout: 50_000,
    });
    return { code: 0, output: r.stdout + r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, output: err.stdout + err.stderr };
  }
}

const pipelines = ['wordcount', 'file-tail-to-topic', 'csv-to-postgres', 'enrichment-join'];

describe('pipeline › ready pipelines › own tests', () => {
  it('each validates and passes its tests: block', async () => {
    const results = await Promise.all(
      pipelines.flatMap((name) => [
        sluice('validate', `pipelines/${name}.yaml`),
        sluice('test', `pipelines/${name}.yaml`),
      ]),
    );
    pipelines.forEach((name, i) => {
      const validated = results[2 * i]!;
      const tested = results[2 * i + 1]!;
      expect(validated.code, `${name}: ${validated.output}`).toBe(0);
      expect(tested.code, `${name}: ${tested.output}`).toBe(0);
      expect(tested.output, name).toMatch(/[1-9]\d* passed, 0 failed/);
    });
  }, 60_000);
});
