import type { Command } from 'commander';
import type { AnyConnectorDefinition } from '../../connect/index.js';
import { formatDiagnostic } from '../../pipeline/diagnostic.js';
import { load, loadOrExit, PipelineInvalid } from '../load-pipeline.js';
import { cliLogger, type LoggingOptions, loggingOptions } from '../logging.js';

export function registerPipelineCommands(program: Command): void {
  program
    .command('validate')
    .description(
      'check a pipeline file: every error at once, with file:line:column and the nearest valid name',
    )
    .argument('<file>', 'pipeline YAML file')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  sluice validate pipelines/quickstart.yaml\n\nExits 0 only when the file would run.',
    )
    .action(async (file: string, o: { json?: boolean }) => {
      try {
        await loadOrExit(file, o.json === true);
      } catch (err) {
        if (err instanceof PipelineInvalid) return;
        throw err;
      }
      process.stdout.write(o.json ? `${JSON.stringify({ valid: true })}\n` : `${file} is valid\n`);
    });

  program
    .command('test')
    .description(
      "run a pipeline's tests: block on the test driver (no services; sources and sinks a case names run on a temporary log)",
    )
    .argument('<file>', 'pipeline YAML file')
    .option('--json', 'print results as JSON')
    .addHelpText('after', '\nExample:\n  sluice test pipelines/wordcount.yaml')
    .action(async (file: string, o: { json?: boolean }) => {
      let spec: Awaited<ReturnType<typeof loadOrExit>>['spec'];
      let plugins: AnyConnectorDefinition[];
      try {
        ({ spec, plugins } = await loadOrExit(file, o.json === true));
      } catch (err) {
        if (err instanceof PipelineInvalid) return;
        throw err;
      }
      const { runPipelineTests } = await import('../../pipeline/test-runner.js');
      const results = await runPipelineTests(spec, file, { plugins });
      const failed = results.filter((r) => !r.passed);
      if (o.json) process.stdout.write(`${JSON.stringify({ results })}\n`);
      else {
        for (const r of results) {
          process.stdout.write(`${r.passed ? 'PASS' : 'FAIL'} ${r.name} (${r.durationMs.toFixed(1)} ms)\n`);
          for (const f of r.failures) process.stdout.write(`  ${f}\n`);
        }
        process.stdout.write(`${results.length - failed.length} passed, ${failed.length} failed\n`);
      }
      if (results.length === 0) process.stderr.write(`${file} has no tests: block\n`);
      if (failed.length > 0) process.exitCode = 1;
    });

  loggingOptions(program.command('run'))
    .description(
      'run a pipeline: sources, streams and sinks, until Ctrl-C or (with --until-done) until drained',
    )
    .argument('<file>', 'pipeline YAML file')
    .option(
      '--until-done',
      'exit once every bounded source is drained and every sink has caught up (batch ETL)',
    )
    .option(
      '--watch',
      'reload the file when it changes, restarting only the sources, streams and sinks whose definition changed',
    )
    .option(
      '--serve [host:port]',
      'serve the log over the Kafka protocol while running, for --bootstrap-server and Kafka tools (default 127.0.0.1:9092)',
    )
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  sluice run pipelines/quickstart.yaml --until-done\n  sluice run pipelines/file-tail-to-topic.yaml --serve 127.0.0.1:9092   # then: sluice groups describe --all-groups --bootstrap-server 127.0.0.1:9092\n  SLUICE_DATA=/data sluice run pipelines/file-tail-to-topic.yaml\n' +
        '  sluice run pipelines/file-tail-to-topic.yaml --watch\n\n' +
        'On a terminal a live view shows records/s and lag per source, stream and sink, and for a source that\n' +
        'knows the size of its input (a finite CSV folder, a file read once) the share read, bytes and an ETA;\n' +
        'otherwise progress is logged as JSON lines. Ctrl-C stops gracefully (flush, commit); a second Ctrl-C exits at once.\n' +
        'With --watch the pipeline runs until Ctrl-C (until-done in the file is ignored); an edit of the file or of\n' +
        'a module: step file restarts what it changed; an edit that does not validate is reported with\n' +
        'file:line:column and the running pipeline carries on unchanged.',
    )
    .action(
      async (
        file: string,
        o: LoggingOptions & {
          untilDone?: boolean;
          watch?: boolean;
          json?: boolean;
          serve?: string | boolean;
        },
      ) => {
        if (o.watch && o.untilDone) {
          process.stderr.write(
            'sluice: --watch runs until Ctrl-C; it cannot be combined with --until-done\n',
          );
          process.exitCode = 2;
          return;
        }
        let spec: Awaited<ReturnType<typeof loadOrExit>>['spec'];
        let plugins: AnyConnectorDefinition[];
        try {
          ({ spec, plugins } = await loadOrExit(file, o.json === true));
        } catch (err) {
          if (err instanceof PipelineInvalid) return;
          throw err;
        }
        const { formatSummary, LiveView } = await import('../../pipeline/live-view.js');
        const view = new LiveView(process.stderr);
        // The live view owns the terminal: log lines are printed above it, never drawn over.
        const logger = await cliLogger(o, {
          level: view.interactive ? 'warn' : 'info',
          terminal: view.interactive,
          write: (text) => (view.interactive ? view.note(text.trimEnd()) : process.stderr.write(text)),
        });
        // Loaded here: validate and test need neither the log nor the runtimes.
        const { PipelineRun } = await import('../../pipeline/pipeline-run.js');
        const serve =
          o.serve === undefined ? undefined : o.serve === true ? '127.0.0.1:9092' : String(o.serve);
        const started = await PipelineRun.start(spec, { file, logger, plugins, ...(serve ? { serve } : {}) });
        if (started.bootstrap) {
          const message = `serving the log on ${started.bootstrap}: sluice groups describe --all-groups --bootstrap-server ${started.bootstrap}`;
          if (view.interactive) view.note(message);
          else logger.info({ event: 'serve', bootstrap: started.bootstrap }, message);
        }
        const watch = o.watch ? await watchFile(file, started, view, logger) : undefined;
        const current = () => watch?.run ?? started;
        const stopping = new AbortController();
        let interrupts = 0;
        const onSignal = () => {
          interrupts++;
          if (interrupts > 1) process.exit(130);
          process.stderr.write('\nstopping: flushing and committing (Ctrl-C again to exit at once)\n');
          stopping.abort();
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        // One progress read at a time, and none left running when the pipeline stops.
        let ticking: Promise<void> = Promise.resolve();
        const tick = async () => {
          const progress = await current()
            .progress()
            .catch(() => undefined);
          if (!progress) return;
          if (view.interactive) view.draw(progress);
          else logger.info({ progress: view.rates(progress) }, 'progress');
        };
        const ticker = setInterval(
          () => {
            ticking = ticking.then(tick);
          },
          view.interactive ? 500 : 5000,
        );
        const batch = !o.watch && (o.untilDone === true || spec['until-done'] === true);
        let failure: unknown;
        try {
          if (batch) await Promise.race([started.untilDone(stopping.signal), abortion(stopping.signal)]);
          else await abortion(stopping.signal);
        } catch (err) {
          failure = err;
        } finally {
          clearInterval(ticker);
          await ticking;
        }
        await watch?.close();
        const summary = await current().stop({ batch });
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        // A batch run succeeds only when its input was drained: a failure, a component still restarting, a source
        // whose path does not exist, or an interruption before the end each make it exit non-zero, saying why.
        const problems = [...summary.problems];
        if (failure !== undefined && !problems.includes((failure as Error).message))
          problems.unshift((failure as Error).message);
        const interrupted = batch && stopping.signal.aborted && failure === undefined;
        if (interrupted) problems.push('interrupted before the input was drained (Ctrl-C or SIGTERM)');
        if (o.json)
          process.stdout.write(`${JSON.stringify({ ...summary, problems, ok: problems.length === 0 })}\n`);
        else process.stdout.write(`${formatSummary(summary, problems)}\n`);
        for (const p of problems) process.stderr.write(`sluice: ${p}\n`);
        if (problems.length > 0) process.exitCode = interrupted && problems.length === 1 ? 130 : 1;
        // Everything is flushed, committed and closed by now; a task that did not stop within its graceful timeout
        // must not keep the command from returning its exit code.
        process.exit(process.exitCode ?? 0);
      },
    );
}

/** Starts `--watch`: each reload is said on the terminal above the live view, or logged as a JSON line. */
async function watchFile(
  file: string,
  run: import('../../pipeline/pipeline-run.js').PipelineRun,
  view: import('../../pipeline/live-view.js').LiveView,
  logger: import('pino').Logger,
): Promise<import('../../pipeline/pipeline-watch.js').PipelineWatch> {
  const { PipelineWatch } = await import('../../pipeline/pipeline-watch.js');
  const watch = await PipelineWatch.start(run, {
    file,
    logger,
    load,
    onReload(event) {
      const errors = event.type === 'invalid' ? event.diagnostics.map(formatDiagnostic) : [];
      if (view.interactive) view.note([event.message, ...errors.map((e) => `  ${e}`)].join('\n'));
      else if (event.type === 'reloaded')
        logger.info({ event: 'reload', changes: event.changes }, event.message);
      else logger.error({ event: 'reload', errors }, [event.message, ...errors].join('\n'));
    },
  });
  if (view.interactive) view.note(`watching ${file} for changes`);
  else logger.info({ event: 'watch', file }, `watching ${file} for changes`);
  return watch;
}

function abortion(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
