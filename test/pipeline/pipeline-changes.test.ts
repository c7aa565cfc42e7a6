import { describe, expect, it } from 'vitest';
import { describeChanges, nothingChanged, pipelineChanges } from '../../src/pipeline/pipeline-changes.js';
import { type PipelineSpec, pipelineSchema } from '../../src/pipeline/schema.js';

function spec(raw: Record<string, unknown>): PipelineSpec {
  return pipelineSchema.parse(raw);
}

const base = {
  name: 'p',
  sources: [{ name: 'in', connector: 'csv', topic: 'raw', config: { 'input.path': 'a', 'poll.ms': 5 } }],
  streams: [{ name: 'clean', from: 'raw', steps: [{ filter: 'ok' }], to: 'clean' }],
  sinks: [{ name: 'out', connector: 'file', topics: 'clean', config: { file: 'x' } }],
};

describe('pipeline › changes between two versions of a file', () => {
  it('finds the one changed stream and keeps the rest', () => {
    const after = structuredClone(base);
    after.streams[0].steps = [{ filter: 'not ok' }];
    const c = pipelineChanges(spec(base), spec(after));
    expect(c.streams).toEqual({ added: [], removed: [], changed: ['clean'], unchanged: [] });
    expect(c.sources.unchanged).toEqual(['in']);
    expect(c.sinks.unchanged).toEqual(['out']);
    expect(describeChanges(c)).toBe('restarted stream clean; unchanged: source in, sink out');
  });

  it('does not count reordered config keys or edited tests as a change', () => {
    const after = {
      ...structuredClone(base),
      sources: [{ name: 'in', connector: 'csv', topic: 'raw', config: { 'poll.ms': 5, 'input.path': 'a' } }],
      tests: [{ name: 't', input: { raw: [{ value: { ok: false } }] }, expect: { clean: [] } }],
    };
    const c = pipelineChanges(spec(base), spec(after));
    expect(nothingChanged(c)).toBe(true);
    expect(describeChanges(c)).toBe(
      'no source, stream or sink changed: nothing restarted; unchanged: source in, stream clean, sink out',
    );
  });

  it('reports added and removed components by kind', () => {
    const after = structuredClone(base) as typeof base;
    after.sinks = [{ name: 'out2', connector: 'file', topics: 'clean', config: { file: 'y' } }];
    const c = pipelineChanges(spec(base), spec(after));
    expect(c.sinks).toEqual({ added: ['out2'], removed: ['out'], changed: [], unchanged: [] });
    expect(describeChanges(c)).toBe(
      'started sink out2; stopped sink out; unchanged: source in, stream clean',
    );
  });

  it('restarts everything when the log or the name changes', () => {
    expect(pipelineChanges(spec(base), spec({ ...base, log: { dir: '/elsewhere' } })).restartAll).toBe(
      'the log changed',
    );
    const renamed = pipelineChanges(spec(base), spec({ ...base, name: 'q' }));
    expect(renamed.restartAll).toBe('the pipeline name changed');
    expect(nothingChanged(renamed)).toBe(false);
  });

  it('says when a declared topic changed but was not altered', () => {
    const before = spec({ ...base, topics: { raw: { partitions: 1 } } });
    const after = spec({ ...base, topics: { raw: { partitions: 3 } } });
    expect(describeChanges(pipelineChanges(before, after))).toContain(
      'topic settings not applied to existing topics raw (use sluice topics alter)',
    );
  });
});
