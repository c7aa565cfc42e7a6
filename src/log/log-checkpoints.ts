import path from 'node:path';
import type { Logger } from 'pino';
import { type CheckpointEntries, readCheckpoint, writeCheckpoint } from './checkpoint-file.js';
import { partitionDirName } from './segment-files.js';

const RECOVERY_POINT_FILE = 'recovery-point-offset-checkpoint';
const LOG_START_FILE = 'log-start-offset-checkpoint';

/** What a checkpoint records of a partition. */
export interface CheckpointedPartition {
  readonly topic: string;
  readonly partition: number;
  readonly recoveryPoint: number;
  readonly logStartOffset: number;
}

/**
 * The log directory's two checkpoint files: `recovery-point-offset-checkpoint` (offsets below which each
 * partition is known to be fsynced) and `log-start-offset-checkpoint`. Writes are serialized, each one whole.
 */
export class LogCheckpoints {
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
  ) {}

  /**
   * Both files. An unreadable recovery-point file is ignored with a warning and reported as `damaged`: every
   * segment must then be verified. An unreadable log-start file only loses deleteRecords progress.
   */
  read(): { recoveryPoints: CheckpointEntries; startOffsets: CheckpointEntries; damaged: boolean } {
    let damaged = false;
    const recoveryPoints = this.readOrWarn(RECOVERY_POINT_FILE, () => (damaged = true));
    const startOffsets = this.readOrWarn(LOG_START_FILE, () => {});
    return { recoveryPoints, startOffsets, damaged };
  }

  write(partitions: readonly CheckpointedPartition[]): Promise<void> {
    const run = async () => {
      const recovery: CheckpointEntries = new Map();
      const start: CheckpointEntries = new Map();
      for (const p of partitions) {
        const key = partitionDirName(p.topic, p.partition);
        recovery.set(key, { topic: p.topic, partition: p.partition, offset: p.recoveryPoint });
        start.set(key, { topic: p.topic, partition: p.partition, offset: p.logStartOffset });
      }
      await writeCheckpoint(path.join(this.dir, RECOVERY_POINT_FILE), recovery);
      await writeCheckpoint(path.join(this.dir, LOG_START_FILE), start);
    };
    this.writing = this.writing.then(run, run);
    return this.writing;
  }

  private readOrWarn(name: string, onDamage: () => void): CheckpointEntries {
    try {
      return readCheckpoint(path.join(this.dir, name));
    } catch (err) {
      this.logger.warn({ err }, `ignoring unreadable ${name}`);
      onDamage();
      return new Map();
    }
  }
}
