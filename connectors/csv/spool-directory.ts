import { mkdir, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import picomatch from 'picomatch';
import type { CsvSourceTaskConfig } from './config.js';

/** A file this task has claimed: it sits in the task's processing folder, and nobody else will read it. */
export interface ClaimedFile {
  /** The name the file had under input.path (relative, with subdirectories when walking recursively). */
  name: string;
  /** Where it is now. */
  path: string;
  size: number;
  mtimeMs: number;
}

/**
 * The folders of a spool directory and the claiming protocol. A file is claimed by renaming it from `input.path`
 * into `processing.path/<task>/`: a rename within one file system is atomic, so of two tasks (or two workers)
 * racing for a file exactly one wins, and nothing like a lock file is ever left behind. After a crash, the files a
 * task had claimed are still in its folder and it resumes them (from the offsets the runtime kept) before claiming
 * more; task 0 also adopts the folders of tasks that no longer exist.
 */
export class SpoolDirectory {
  readonly input: string;
  readonly processing: string;
  readonly finished: string;
  readonly errors: string;
  private readonly mine: string;
  private readonly matches: (name: string) => boolean;

  constructor(private readonly config: CsvSourceTaskConfig) {
    this.input = config['input.path'];
    this.processing = config['processing.path'] ?? join(this.input, '.processing');
    this.finished = config['finished.path'] ?? join(this.input, '.finished');
    this.errors = config['error.path'] ?? join(this.input, '.error');
    this.mine = join(this.processing, String(config['task.id']));
    this.matches = picomatch(config['input.file.pattern'], { dot: false });
  }

  async init(): Promise<void> {
    if (this.config['input.claim'] === 'offsets') return; // files stay where they are: nothing to create
    await mkdir(this.mine, { recursive: true });
  }

  /** Files this task had claimed before a restart (and, for task 0, those of tasks that no longer exist). */
  async claimedBefore(): Promise<ClaimedFile[]> {
    if (this.config['input.claim'] === 'offsets') return [];
    const found = await this.listFiles(this.mine, this.mine);
    if (this.config['task.id'] === 0) {
      for (const entry of await readdir(this.processing, { withFileTypes: true })) {
        const id = Number(entry.name);
        if (!entry.isDirectory() || !Number.isInteger(id) || id < this.config['task.count']) continue;
        for (const orphan of await this.listFiles(
          join(this.processing, entry.name),
          join(this.processing, entry.name),
        )) {
          found.push(await this.move(orphan.path, join(this.mine, orphan.name), orphan.name));
        }
      }
    }
    return sortFiles(found, this.config['file.sort.attributes']);
  }

  /**
   * Claims the next waiting file in order, or returns null when none is ready. Files modified more recently than
   * `file.minimum.age.ms` are left for a later call; `waiting` tells whether any matching file is still there.
   * `waitingBytes` is this task's share of the bytes of the files left to claim: those it alone reads (by name
   * hash) with input.claim=offsets, else the bytes of every file left divided by the number of tasks racing for
   * them; files known to be done already (`skip`) are not counted.
   */
  async claimNext(
    now = Date.now(),
    skip: (file: ClaimedFile) => Promise<boolean> = async () => false,
  ): Promise<{ file: ClaimedFile | null; waiting: boolean; waitingBytes: number }> {
    const inPlace = this.config['input.claim'] === 'offsets';
    const candidates = sortFiles(
      await this.listFiles(this.input, this.input, true),
      this.config['file.sort.attributes'],
    );
    let waiting = false;
    /** Bytes of the candidates looked at and found gone, done, or claimed now: not left to claim. */
    let taken = 0;
    let mine = 0;
    const left = () => (mine - taken) / (inPlace ? 1 : this.config['task.count']);
    for (const candidate of candidates) if (!inPlace || this.hashesHere(candidate)) mine += candidate.size;
    for (const candidate of candidates) {
      if (inPlace && !this.hashesHere(candidate)) continue;
      if (now - candidate.mtimeMs < this.config['file.minimum.age.ms']) {
        waiting = true;
        continue;
      }
      taken += candidate.size;
      if (inPlace) {
        if (await skip(candidate)) continue;
        return { file: candidate, waiting: false, waitingBytes: left() };
      }
      const target = join(this.mine, candidate.name);
      await mkdir(join(target, '..'), { recursive: true });
      try {
        await rename(candidate.path, target);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // another task won the race
        throw err;
      }
      return { file: { ...candidate, path: target }, waiting: candidates.length > 1, waitingBytes: left() };
    }
    return { file: null, waiting, waitingBytes: left() };
  }

  /** With input.claim=offsets, whether this task is the one that reads `file` (tasks split files by name hash). */
  private hashesHere(file: ClaimedFile): boolean {
    return hashOf(file.name) % this.config['task.count'] === this.config['task.id'];
  }

  /** Applies `cleanup.policy` to a file whose every row is in the topic. */
  async finish(file: ClaimedFile, now = new Date()): Promise<string | null> {
    const policy = this.config['cleanup.policy'];
    if (this.config['input.claim'] === 'offsets') return file.path;
    if (policy === 'delete') {
      await unlink(file.path);
      return null;
    }
    let folder = policy === 'move' ? this.finished : join(this.processing, 'done');
    if (policy === 'move' && this.config['finished.path.by.date'])
      folder = join(folder, now.toISOString().slice(0, 10));
    // `none` keeps the file, out of the input folder so that it is not read again.
    return (await this.move(file.path, join(folder, file.name), file.name)).path;
  }

  /** Moves an unreadable file to `error.path` with a `.error` note saying why. */
  async fail(file: ClaimedFile, reason: string): Promise<string> {
    const moved = await this.move(file.path, join(this.errors, file.name), file.name);
    await writeFile(`${moved.path}.error`, `${new Date().toISOString()} ${file.name}: ${reason}\n`);
    return moved.path;
  }

  private async move(from: string, to: string, name: string): Promise<ClaimedFile> {
    await mkdir(join(to, '..'), { recursive: true });
    await rename(from, to);
    const s = await stat(to);
    return { name, path: to, size: s.size, mtimeMs: s.mtimeMs };
  }

  private async listFiles(dir: string, root: string, filter = false): Promise<ClaimedFile[]> {
    const out: ClaimedFile[] = [];
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out;
      throw err;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        // Dot-folders hold this connector's own state (.processing, .finished, .error).
        if (entry.name.startsWith('.')) continue;
        if (!filter || this.config['input.path.walk.recursively'])
          out.push(...(await this.listFiles(path, root, filter)));
        continue;
      }
      if (!entry.isFile()) continue;
      if (filter && (entry.name.startsWith('.') || !this.matches(basename(entry.name)))) continue;
      try {
        const s = await stat(path);
        out.push({ name: relative(root, path), path, size: s.size, mtimeMs: s.mtimeMs });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    return out;
  }
}

/** A stable hash of a file name (FNV-1a), so tasks agree on who reads which file without coordination. */
function hashOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function sortFiles(files: ClaimedFile[], order: 'name' | 'mtime'): ClaimedFile[] {
  return files.sort((a, b) =>
    order === 'mtime'
      ? a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name)
      : a.name < b.name
        ? -1
        : a.name > b.name
          ? 1
          : 0,
  );
}
