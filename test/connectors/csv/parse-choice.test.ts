import { describe, expect, it } from 'vitest';
import { parseOnThread } from '../../../connectors/csv/source.js';

const config = (mode: 'auto' | 'always' | 'never', min = 1024 * 1024) => ({
  'csv.parse.thread': mode,
  'csv.parse.thread.min.bytes': min,
});
const MB = 1024 * 1024;

describe('connectors › csv › source › parsing thread or inline', () => {
  it('auto parses a big file on a thread only while a core is free', () => {
    expect(parseOnThread(5 * MB, config('auto'), 0.3, 2)).toBe(true);
    expect(parseOnThread(5 * MB, config('auto'), 1.2, 2)).toBe(true);
    // A busy machine: 10 files of 0.9 MB took 26 s threaded against 10 s inline at a load of 10 on 2 cores.
    expect(parseOnThread(5 * MB, config('auto'), 10, 2)).toBe(false);
    expect(parseOnThread(5 * MB, config('auto'), 1.6, 2)).toBe(false);
    expect(parseOnThread(5 * MB, config('auto'), 6, 8)).toBe(true);
  });

  it('never uses a thread for a file under csv.parse.thread.min.bytes', () => {
    expect(parseOnThread(MB - 1, config('auto'), 0, 8)).toBe(false);
    expect(parseOnThread(MB - 1, config('always'), 0, 8)).toBe(false);
    expect(parseOnThread(0, config('always', 0), 10, 2)).toBe(true);
  });

  it('always and never decide whatever the load', () => {
    expect(parseOnThread(5 * MB, config('always'), 10, 2)).toBe(true);
    expect(parseOnThread(5 * MB, config('never'), 0, 8)).toBe(false);
  });
});
