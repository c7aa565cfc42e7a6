import { dirname, relative, resolve } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import type { Diagnostic } from './diagnostic.js';
import {
  describeChanges,
  nothingChanged,
  type PipelineChanges,
  pipelineChanges,
} from './pipeline-changes.js';
import { PipelineRun, type PipelineRunOptions } from './pipeline-run.js';
import type { PipelineSpec } from './schema.js';
import type { ValidationResult } from './validate.js';

/** What a reload did, for the terminal and the log. `message` is the line a person reads. */
export type ReloadEvent =
  | { type: 'reloaded'; message: string; changes: PipelineChanges }
  | { type: 'invalid'; message: string; diagnostics: Diagnostic[] }
  | { type: 'failed'; message: string; changes?: PipelineChanges };

export interface PipelineWatchOptions extends PipelineRunOptions {
  /** Reads and validates the file again (the same checks as `sluice validate`). */
  load(file: string): Promise<ValidationResult>;
  onReload(event: ReloadEvent): void;
  /** Quiet time after the last change before reloading: an editor's save is often several writes. */
  debounceMs?: number;
}

/** The files of the pipeline's `module:` steps, each with the streams whose steps load it. */
export function moduleFiles(spec: PipelineSpec, pipelineFile: string): Map<string, string[]> {
  const baseDir = dirname(resolve(pipelineFile));
  const files = new Map<string, string[]>();
  for (const stream of spec.streams) {
    for (const step of stream.steps as Record<string, unknown>[]) {
      if (typeof step.module !== 'string') continue;
      const file = resolve(baseDir, step.module.slice(0, step.module.lastIndexOf('#')));
      const users = files.get(file) ?? [];
      if (!users.includes(stream.name)) users.push(stream.name);
      files.set(file, users);
    }
  }
  return files;
}

/**
 * Keeps a running pipeline in step with its file (`sluice run --watch`). On every change the file is validated
 * again; an invalid edit is reported with its positions and the running pipeline is left exactly as it was. A
 * valid one is compared with what runs, and only the sources, streams and sinks whose definition changed are
 * restarted (see {@link PipelineRun.reload}). The files of `module:` steps are watched too: an edit of one
 * restarts the streams that load it. Reloads run one at a time, in the order of the edits.
 */
export class PipelineWatch {
  private watcher: FSWatcher | undefined;
  private watchedModules = new Set<string>();
  /** Module files edited since the last reload that restarted their streams. */
  private editedModules = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    private current: PipelineRun,
    private readonly options: PipelineWatchOptions,
  ) {}

  /** The pipeline running now; a new object after a reload that had to restart everything. */
  get run(): PipelineRun {
    return this.current;
  }

  /** Starts watching `options.file`; resolves once the watcher is ready to see the next edit. */
  static async start(run: PipelineRun, options: PipelineWatchOptions): Promise<PipelineWatch> {
    const w = new PipelineWatch(run, options);
    // `atomic` also catches editors that save by writing a new file and renaming it over the old one.
    w.watchedModules = new Set(moduleFiles(run.spec, options.file).keys());
    w.watcher = watch([options.file, ...w.watchedModules], { ignoreInitial: true, atomic: true });
    w.watcher.on('all', (_event, path) => {
      if (w.watchedModules.has(resolve(path))) w.editedModules.add(resolve(path));
      w.schedule();
    });
    await new Promise<void>((ready, reject) => {
      w.watcher!.once('ready', ready);
      w.watcher!.once('error', reject);
    });
    return w;
  }

  /** Restarts the streams whose module files were edited, unless they restart anyway; says which files. */
  private withEditedModules(spec: PipelineSpec, changes: PipelineChanges): string[] {
    const edited = [...this.editedModules];
    const users = moduleFiles(spec, this.options.file);
    for (const file of edited) {
      for (const stream of users.get(file) ?? []) {
        const i = changes.streams.unchanged.indexOf(stream);
        if (i < 0) continue;
        changes.streams.unchanged.splice(i, 1);
        changes.streams.changed.push(stream);
      }
    }
    return edited.map((f) => relative(dirname(resolve(this.options.file)), f));
  }

  /** Follows the module files of the version now running. */
  private watchModules(spec: PipelineSpec): void {
    const now = new Set(moduleFiles(spec, this.options.file).keys());
    const added = [...now].filter((f) => !this.watchedModules.has(f));
    const dropped = [...this.watchedModules].filter((f) => !now.has(f));
    if (added.length) this.watcher?.add(added);
    if (dropped.length) this.watcher?.unwatch(dropped);
    this.watchedModules = now;
  }

  private schedule(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.reloading = this.reloading.then(() => this.reload());
    }, this.options.debounceMs ?? 150);
  }

  private async reload(): Promise<void> {
    if (this.closed) return;
    const file = this.options.file;
    let result: ValidationResult;
    try {
      result = await this.options.load(file);
    } catch (err) {
      this.options.onReload({
        type: 'invalid',
        message: `${file}: not reloaded (${(err as Error).message}); still running the previous version`,
        diagnostics: [],
      });
      return;
    }
    if (!result.spec || result.diagnostics.length > 0) {
      const n = result.diagnostics.length;
      this.options.onReload({
        type: 'invalid',
        message: `${file}: not reloaded, ${n} error${n === 1 ? '' : 's'}; still running the previous version`,
        diagnostics: result.diagnostics,
      });
      return;
    }
    const changes = pipelineChanges(this.current.spec, result.spec);
    const editedModules = this.withEditedModules(result.spec, changes);
    this.editedModules.clear();
    this.watchModules(result.spec);
    if (this.closed) return;
    try {
      if (changes.restartAll) {
        const previous = this.current.spec;
        await this.current.stop();
        try {
          this.current = await PipelineRun.start(result.spec, this.options);
        } catch (err) {
          // The edited pipeline cannot start (a log it cannot open): go back to the version that ran.
          this.current = await PipelineRun.start(previous, this.options);
          throw err;
        }
      } else if (!nothingChanged(changes)) {
        await this.current.reload(result.spec, changes);
      }
    } catch (err) {
      this.options.onReload({
        type: 'failed',
        message: `${file}: reloaded with errors: ${(err as Error).message}`,
        changes,
      });
      return;
    }
    const because = editedModules.length ? ` (${editedModules.join(', ')} changed)` : '';
    this.options.onReload({
      type: 'reloaded',
      message: `${file} reloaded${because}: ${describeChanges(changes)}`,
      changes,
    });
  }

  /** Stops watching and waits for a reload in progress; the pipeline itself keeps running (the caller stops it). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.watcher?.close();
    await this.reloading;
  }
}
