import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { fsyncDir, writeFileAtomic } from './fs-util.js';
import { partitionDirName } from './segment-files.js';
import { parsePartitionDirName } from './tools/segment-file-name.js';
import type { TopicConfig } from './types.js';

/** A topic as persisted: its partition count and only the settings that differ from the log's defaults. */
export interface TopicRecord {
  name: string;
  partitions: number;
  config: Partial<TopicConfig>;
}

/**
 * Topic metadata under `<log.dir>/topics/<name>.json`, one small JSON file per topic
 * (`{"partitions": 3, "config": {"cleanup.policy": "compact"}}`), replaced atomically on every change. Kafka keeps
 * this in its controller; a single-node log keeps it beside the data so that the directory is self-contained.
 */
export class TopicStore {
  readonly dir: string;

  constructor(logDir: string) {
    this.dir = path.join(logDir, 'topics');
  }

  loadAll(): TopicRecord[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const records: TopicRecord[] = [];
    for (const file of names) {
      if (!file.endsWith('.json')) continue;
      const full = path.join(this.dir, file);
      let parsed: { partitions?: unknown; config?: unknown };
      try {
        parsed = JSON.parse(fs.readFileSync(full, 'utf8'));
      } catch (err) {
        throw new ConfigError(`${full}: not valid JSON (${(err as Error).message}); fix or delete the file`, {
          cause: err,
        });
      }
      const partitions = parsed.partitions;
      if (typeof partitions !== 'number' || !Number.isInteger(partitions) || partitions < 1) {
        throw new ConfigError(
          `${full}: "partitions" must be a positive integer, found ${JSON.stringify(partitions)}`,
        );
      }
      const config = (parsed.config ?? {}) as Partial<TopicConfig>;
      records.push({ name: file.slice(0, -'.json'.length), partitions, config });
    }
    return records;
  }

  /**
   * The topics of `logDir`: those with metadata, plus partition directories without any (written by Kafka, or
   * left by a crash mid-create), adopted with default config. Removes directories a topic deletion left behind.
   */
  discover(logDir: string): Map<string, TopicRecord> {
    const records = new Map(this.loadAll().map((r) => [r.name, r]));
    for (const entry of fs.readdirSync(logDir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      if (entry.name.endsWith('-delete')) {
        fs.rmSync(path.join(logDir, entry.name), { recursive: true, force: true });
        continue;
      }
      const parsed = parsePartitionDirName(entry.name);
      if (!parsed) continue;
      const known = records.get(parsed.topic);
      if (!known)
        records.set(parsed.topic, { name: parsed.topic, partitions: parsed.partition + 1, config: {} });
      else if (known.partitions <= parsed.partition) known.partitions = parsed.partition + 1;
    }
    return records;
  }

  async save(record: TopicRecord): Promise<void> {
    if (!fs.existsSync(this.dir)) {
      fs.mkdirSync(this.dir, { recursive: true });
      await fsyncDir(path.dirname(this.dir));
    }
    const body = { partitions: record.partitions, config: record.config };
    await writeFileAtomic(this.file(record.name), `${JSON.stringify(body, null, 2)}\n`);
  }

  /**
   * Deletes a topic: its partition directories are first renamed to `<dir>.<id>-delete` (so that a crash leaves
   * nothing that looks like a partition; {@link discover} finishes the removal), then its metadata goes, then the
   * renamed directories.
   */
  async remove(name: string, partitions: number): Promise<void> {
    const logDir = path.dirname(this.dir);
    const doomed: string[] = [];
    for (let i = 0; i < partitions; i++) {
      const from = path.join(logDir, partitionDirName(name, i));
      const to = `${from}.${process.pid}${Date.now().toString(36)}-delete`;
      if (fs.existsSync(from)) {
        fs.renameSync(from, to);
        doomed.push(to);
      }
    }
    await fsyncDir(logDir);
    fs.rmSync(this.file(name), { force: true });
    if (fs.existsSync(this.dir)) await fsyncDir(this.dir);
    for (const dir of doomed) fs.rmSync(dir, { recursive: true, force: true });
  }

  private file(name: string): string {
    return path.join(this.dir, `${name}.json`);
  }
}
