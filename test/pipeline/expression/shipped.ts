/** The expressions of the pipelines in `pipelines/` and of the pipeline examples in `docs/`, for tests and benchmarks. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { stepExpressions } from '../../../src/pipeline/expression/check.js';
import { stepKinds, stepSchemas } from '../../../src/pipeline/schema.js';

export interface ShippedExpression {
  /** `pipelines/quickstart.yaml streams.0.steps.1.map` */
  where: string;
  text: string;
  /** Record values from the file's `tests:` (inputs and expected outputs), to evaluate the expression on. */
  values: unknown[];
}

const root = path.resolve(import.meta.dirname, '../../..');

/** The YAML documents of a file: the file itself, or the ```yaml blocks of a Markdown page. */
function documents(file: string): unknown[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  if (!file.endsWith('.md')) return [parse(text)];
  return [...text.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => {
    try {
      return parse(m[1]);
    } catch {
      return undefined; // a fragment that is not a whole document
    }
  });
}

function valuesUnder(node: unknown, out: unknown[]): unknown[] {
  if (Array.isArray(node)) for (const n of node) valuesUnder(n, out);
  else if (node !== null && typeof node === 'object') {
    if ('value' in node) out.push((node as { value: unknown }).value);
    for (const v of Object.values(node)) valuesUnder(v, out);
  }
  return out;
}

function files(): string[] {
  const pipelines = readdirSync(path.join(root, 'pipelines'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => `pipelines/${f}`);
  const docs = (readdirSync(path.join(root, 'docs'), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`);
  return [...pipelines, ...docs].sort();
}

export function shippedExpressions(): ShippedExpression[] {
  const found: ShippedExpression[] = [];
  for (const file of files()) {
    for (const doc of documents(file)) {
      const spec = doc as { streams?: { steps?: Record<string, unknown>[] }[]; tests?: unknown } | undefined;
      if (!spec || !Array.isArray(spec.streams)) continue;
      const values = valuesUnder(spec.tests, []);
      spec.streams.forEach((stream, i) => {
        (stream.steps ?? []).forEach((step, j) => {
          const kind = stepKinds.find((k) => k in step);
          if (!kind) return;
          const parsed = stepSchemas[kind].parse(step) as Record<string, unknown>;
          for (const [at, text] of stepExpressions(kind, parsed, ['streams', i, 'steps', j])) {
            found.push({ where: `${file} ${at.join('.')}`, text, values });
          }
        });
      });
    }
  }
  return found;
}
