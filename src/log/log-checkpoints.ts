import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { type CheckpointEntries, formatCheckpoint, readCheckpoint } from './checkpoint-file.js';
import { fsyncDir, writeFileAtomic } from './fs-util.js';
import type { OpenState } from './partition-state.js';
import { partitionDirName } from './segment-files.js';

const RECOVERY_POINT_FILE = 'recovery-point-offset-checkpoint';
const LOG_START_FILE = 'log-start-offset-checkpoint';
const CLEANER_FILE = 'cleaner-offset-checkpoint';
/** Kafka's marker of a clean shutdown: present means every segment can be trusted without re-validation. */
const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';

/** What a checkpoint records of a partition. */
export interface CheckpointedPartition {
  readonly topic: string;
  readonly partition: number;
  readonly recoveryPoint: number;
  readonly logStartOffset: number;
  readonly cleanedUpTo: number;
}

/**
 * The log directory's checkpoint files: `recovery-point-offset-checkpoint` (offsets below which each partition
 * is known to be fsynced), `log-start-offset-checkpoint`, and `cleaner-offset-checkpoint` (offsets below which a
 * compacted partition is clean). Writes are serialized, each file replaced whole. Also the clean-shutdown marker,
 * written last by a clean close and removed at open, before anything can change.
 */
export class LogCheckpoints {
  private writing: Promise<void> = Promise.resolve();
  /** What each file holds, as last read or written. */
  private readonly written = new Map<string, string>();

  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
  ) {}

  /**
   * Both files. An unreadable recovery-point file is ignored with a warning and reported as `damaged`: every
   * segment must then be verified. An unreadable log-start file only loses deleteRecords progress.
   */
  read(): {
    recoveryPoints: CheckpointEntries;
    startOffsets: CheckpointEntries;
    cleanerOffsets: CheckpointEntries;
    damaged: boolean;
  } {
    let damaged = false;
    const recoveryPoints = this.readOrWarn(RECOVERY_POINT_FILE, () => (damaged = true));
    const startOffsets = this.readOrWarn(LOG_START_FILE, () => {});
    const cleanerOffsets = this.readOrWarn(CLEANER_FILE, () => {});
    return { recoveryPoints, startOffsets, cleanerOffsets, damaged };
  }

  write(partitions: readonly CheckpointedPartition[]): Promise<void> {
    const run = async () => {
      const recovery: CheckpointEntries = new Map();
      const start: CheckpointEntries = new Map();
      const cleaner: CheckpointEntries = new Map();
      for (const p of partitions) {
        const key = partitionDirName(p.topic, p.partition);
        recovery.set(key, { topic: p.topic, partition: p.partition, offset: p.recoveryPoint });
        start.set(key, { topic: p.topic, partition: p.partition, offset: p.logStartOffset });
        if (p.cleanedUpTo > 0)
          cleaner.set(key, { topic: p.topic, partition: p.partition, offset: p.cleanedUpTo });
      }
      await this.writeIfChanged(RECOVERY_POINT_FILE, recovery);
      await this.writeIfChanged(LOG_START_FILE, start);
      await this.writeIfChanged(CLEANER_FILE, cleaner);
    };
    this.writing = this.writing.then(run, run);
    return this.writing;
  }

  /**
   * How each partition (by `<topic>-<partition>`) opens: its checkpointed offsets, and whether it may be trusted
   * without re-validation (a clean shutdown, readable checkpoints, and the partition in them).
   */
  openStates(): (key: string) => OpenState {
    const { recoveryPoints, startOffsets, cleanerOffsets, damaged } = this.read();
    const clean = this.cleanShutdown() && !damaged;
    return (key) => {
      const recoveryPoint = recoveryPoints.get(key)?.offset;
      return {
        recoveryPoint: recoveryPoint ?? 0,
        logStartOffset: startOffsets.get(key)?.offset ?? 0,
        cleanedUpTo: cleanerOffsets.get(key)?.offset ?? 0,
        clean: clean && recoveryPoint !== undefined,
      };
    };
  }

  /** True when the log was closed cleanly last time. */
  cleanShutdown(): boolean {
    return fs.existsSync(path.join(this.dir, CLEAN_SHUTDOWN_FILE));
  }

  async markCleanShutdown(): Promise<void> {
    fs.writeFileSync(path.join(this.dir, CLEAN_SHUTDOWN_FILE), '');
    await fsyncDir(this.dir);
  }

  /** Removes the marker: from now on, a crash must be recovered from. */
  async clearCleanShutdown(): Promise<void> {
    const marker = path.join(this.dir, CLEAN_SHUTDOWN_FILE);
    if (!fs.existsSync(marker)) return;
    fs.rmSync(marker, { force: true });
    await fsyncDir(this.dir);
  }

  /** Each file is rewritten (and fsynced) only when its contents change: most checkpoints change one file. */
  private async writeIfChanged(name: string, entries: CheckpointEntries): Promise<void> {
    const text = formatCheckpoint(entries);
    if (this.written.get(name) === text) return;
    await writeFileAtomic(path.join(this.dir, name), text);
    this.written.set(name, text);
  }

  private readOrWarn(name: string, onDamage: () => void): CheckpointEntries {
    try {
      const entries = readCheckpoint(path.join(this.dir, name));
      if (fs.existsSync(path.join(this.dir, name))) this.written.set(name, formatCheckpoint(entries));
      return entries;
    } catch (err) {
      this.logger.warn({ err }, `ignoring unreadable ${name}`);
      onDamage();
      return new Map();
    }
  }
}
