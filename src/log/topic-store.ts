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

/** A `topics/<name>.json` that does not parse. */
export interface DamagedTopicFile {
  topic: string;
  file: string;
  reason: string;
}

/** Parses one topic file; throws ConfigError naming the file and what is wrong. */
export function parseTopicFile(topic: string, file: string, text: string): TopicRecord {
  let parsed: { partitions?: unknown; config?: unknown };
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ConfigError(`${file}: not a JSON object`);
  const partitions = parsed.partitions;
  if (typeof partitions !== 'number' || !Number.isInteger(partitions) || partitions < 1) {
    throw new ConfigError(
      `${file}: "partitions" must be a positive integer, found ${JSON.stringify(partitions)}`,
    );
  }
  const config = parsed.config ?? {};
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    throw new ConfigError(`${file}: "config" must be an object`);
  return { name: topic, partitions, config: config as Partial<TopicConfig> };
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

  /** Every topic's metadata, and the files that do not parse (each with the reason). */
  loadAll(): { records: TopicRecord[]; damaged: DamagedTopicFile[] } {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], damaged: [] };
      throw err;
    }
    const records: TopicRecord[] = [];
    const damaged: DamagedTopicFile[] = [];
    for (const file of names) {
      if (!file.endsWith('.json')) continue;
      const full = path.join(this.dir, file);
      const topic = file.slice(0, -'.json'.length);
      try {
        records.push(parseTopicFile(topic, full, fs.readFileSync(full, 'utf8')));
      } catch (err) {
        damaged.push({ topic, file: full, reason: (err as Error).message });
      }
    }
    return { records, damaged };
  }

  /**
   * The topics of `logDir`: those with metadata, plus partition directories without any (written by Kafka, or
   * left by a crash mid-create), adopted with default config. Removes directories a topic deletion left behind.
   */
  discover(logDir: string, damaged: DamagedTopicFile[] = []): Map<string, TopicRecord> {
    const loaded = this.loadAll();
    damaged.push(...loaded.damaged);
    const unreadable = new Set(loaded.damaged.map((d) => d.topic));
    const records = new Map(loaded.records.map((r) => [r.name, r]));
    for (const entry of fs.readdirSync(logDir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      if (entry.name.endsWith('-delete')) {
        fs.rmSync(path.join(logDir, entry.name), { recursive: true, force: true });
        continue;
      }
      const parsed = parsePartitionDirName(entry.name);
      // A topic whose metadata does not parse stays closed, its files untouched: its config is unknown, and
      // opening it with defaults could apply the wrong retention to it.
      if (!parsed || unreadable.has(parsed.topic)) continue;
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
