import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogLockedError } from '../../src/errors.js';
import { openLog, tempDir } from './helpers.js';

describe('log › lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("holds the owner's pid and refuses a second opener", async () => {
    const log = await openLog(dir);
    expect(fs.readFileSync(path.join(dir, '.lock'), 'utf8')).toBe(`${process.pid}\n`);
    await expect(openLog(dir)).rejects.toThrowError(LogLockedError);
    await log.close();
    expect(fs.existsSync(path.join(dir, '.lock'))).toBe(false);
    const again = await openLog(dir);
    await again.close();
  });

  it('refuses a directory locked by another live process, naming its pid', async () => {
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(path.join(dir, '.lock'), `${other.pid}\n`);
      const err = await openLog(dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LogLockedError);
      expect((err as Error).message).toContain(`pid ${other.pid}`);
      expect((err as LogLockedError).code).toBe('LOG_DIR_LOCKED');
    } finally {
      other.kill();
    }
  });

  it('takes over the stale lock of a dead process', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      timeout: 60_000,
    }).stdout.toString();
    fs.writeFileSync(path.join(dir, '.lock'), `${dead}\n`);
    const log = await openLog(dir);
    expect(fs.readFileSync(path.join(dir, '.lock'), 'utf8')).toBe(`${process.pid}\n`);
    await log.close();
  });
});
