import fs from 'node:fs';
import path from 'node:path';
import { LogLockedError } from '../errors.js';

const LOCK = '.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The log directory's lock: a `.lock` file holding the owner's pid, created exclusively. A lock whose pid is no
 * longer running (a crashed owner) is taken over; one held by a live process, this one included, is refused
 * with {@link LogLockedError}. Node has no flock, so the pid is the evidence.
 */
export class LockFile {
  private constructor(private readonly file: string) {}

  static acquire(dir: string): LockFile {
    const file = path.join(dir, LOCK);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
        return new LockFile(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = Number.parseInt(readOrEmpty(file), 10);
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) {
        throw new LogLockedError(
          dir,
          holder === process.pid ? 'this process, through another Log' : `pid ${holder}`,
        );
      }
      // Stale: its owner died. Remove it and race for a fresh one; the exclusive create decides the winner.
      fs.rmSync(file, { force: true });
    }
    throw new LogLockedError(dir, 'another process that keeps taking the lock');
  }

  release(): void {
    if (readOrEmpty(this.file).trim() === String(process.pid)) fs.rmSync(this.file, { force: true });
  }
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
