import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type Command, Option } from 'commander';
import { SluiceError } from '../../errors.js';
import { integerArg } from '../arg-parsers.js';
import { withClient } from '../connection.js';
import { load, loadOrExit, PipelineInvalid } from '../load-pipeline.js';

const git = promisify(execFile);

interface DiffCliOptions {
  from: string;
  against?: string;
  logDir?: string;
  bootstrapServer?: string;
  skipStateful?: boolean;
  json?: boolean;
  exitCode?: boolean;
  saveTest?: string | boolean;
  saveLimit: number;
}

const HELP = `
Examples:
  sluice diff pipelines/orders.yaml --from orders-raw@-10000
  sluice diff pipelines/orders.yaml --from orders-raw:0@-500 --against HEAD~1:./pipelines/orders.yaml
  sluice diff pipelines/orders.yaml --from orders-raw@-1000 --against deployed.yaml --json
  sluice diff pipelines/orders.yaml --from orders-raw@-200 --save-test

What is compared: the records at the last N offsets of each partition of the --from topic (topic@-N), or from an
offset to the end (topic@offset), or of one partition (topic:partition@-N), are read from the pipeline's log and
replayed, one by one, through the streams of two versions of the pipeline on the test driver that \`sluice test\`
uses: the edited file, and the version that is deployed (--against: a file, or <rev>:<path> read with git show;
by default the file as committed at HEAD). Each input's outputs are paired topic by topic, in order, and shown
field by field. The old version's outputs are then looked up in the log's output topics (the last records of each
partition): the report says whether the log holds what that version gives, and where ("orders-clean-0@17").

What is replayed: the streams that read the --from topic, and those that read what they write, as long as they are
stateless (filter, map, key, flatMap, branch, module; a module step runs the module file as it is now, for both
versions). A stream with a window, aggregate, dedupe or join depends on records before the replayed ones: when it
is unchanged, the replay stops before it (the changes to its input are shown); when it changed, diff refuses,
unless --skip-stateful leaves it out and says so.

Output: one block per input whose outputs change (topic:partition@offset), then a summary: N inputs, X unchanged,
Y changed, Z dropped (it gave outputs and now gives none: newly filtered out), W new (newly emitted). An input the
edited version fails on (a step error with no dead-letter topic) is shown as changed: the running pipeline would
stop there.

--save-test appends one tests: case per changed input (the input as it is in the log, and every output the
edited version writes for it, none included) to the pipeline file, or to the file given (created as a copy of the
edited pipeline when it does not exist), so that \`sluice test\` keeps checking the edit on real records.

Exit status: 0 when the diff ran, whatever it found; 1 on an error. With --exit-code, as diff(1) and
git diff --exit-code: 0 when nothing changes, 1 when something does, 2 on an error.`;

/** The version of the pipeline to compare with: the text, and how to name it. */
async function againstVersion(
  file: string,
  against: string | undefined,
): Promise<{ text: string; label: string }> {
  if (against !== undefined && existsSync(against))
    return { text: await readFile(against, 'utf8'), label: against };
  const rev = against ?? `HEAD:./${basename(file)}`;
  if (!/^[^:]+:.+$/.test(rev)) {
    throw new SluiceError(
      'DIFF_NO_BASELINE',
      `--against ${JSON.stringify(against)}: no such file, and not <rev>:<path> (e.g. HEAD:./${basename(file)})`,
    );
  }
  const cwd = against === undefined ? dirname(resolve(file)) : process.cwd();
  try {
    const { stdout } = await git('git', ['show', rev], { cwd, maxBuffer: 64 * 1024 * 1024 });
    const label = against ?? `HEAD:${relative(process.cwd(), resolve(file)) || basename(file)}`;
    return { text: stdout, label };
  } catch (err) {
    const why = String((err as { stderr?: string }).stderr ?? (err as Error).message)
      .trim()
      .split('\n')[0];
    throw new SluiceError(
      'DIFF_NO_BASELINE',
      against === undefined
        ? `${file}: no deployed version to compare with (git show ${rev}: ${why}); give it with --against <old.yaml> or --against <rev>:<path>`
        : `--against ${against}: git show failed: ${why}`,
    );
  }
}

async function diffAction(file: string, o: DiffCliOptions): Promise<void> {
  const [{ parseReplayFrom }, { diffPipeline, checkReplayTopic }, { formatDiff }] = await Promise.all([
    import('../../pipeline/replay-from.js'),
    import('../../pipeline/replay-diff.js'),
    import('../../pipeline/diff-format.js'),
  ]);
  const from = parseReplayFrom(o.from);
  const { spec: after } = await loadOrExit(file, o.json === true);
  checkReplayTopic(after, from.topic);
  const old = await againstVersion(file, o.against);
  const { spec: before } = await loadOrExit(file, o.json === true, old.text, old.label);

  const bootstrapServer = o.bootstrapServer ?? after.log.brokers?.join(',');
  const logDir = resolve(o.logDir ?? after.log.dir ?? './.sluice/data');
  if (bootstrapServer === undefined && !existsSync(logDir)) {
    throw new SluiceError(
      'DIFF_NO_LOG',
      `the log directory ${logDir} does not exist: run the pipeline first, or give --log-dir or --bootstrap-server`,
    );
  }
  const diff = await withClient({ logDir, ...(bootstrapServer ? { bootstrapServer } : {}) }, (client) =>
    diffPipeline({
      client,
      before,
      after,
      from,
      baseDir: dirname(resolve(file)),
      ...(o.skipStateful ? { skipStateful: true } : {}),
    }),
  );

  let saved: { file: string; tests: number } | undefined;
  if (o.saveTest !== undefined && o.saveTest !== false) {
    saved = await saveTests(file, o.saveTest === true ? file : o.saveTest, diff, o.saveLimit);
  }
  const differs = diff.summary.changed + diff.summary.dropped + diff.summary.new > 0;
  if (o.json) {
    const { stringifyJson } = await import('../../client/exact-json.js');
    const { records, written: _, ...rest } = diff;
    const report = {
      pipeline: file,
      against: old.label,
      ...rest,
      records: records.filter((r) => r.status !== 'unchanged'),
      ...(saved ? { saved } : {}),
    };
    process.stdout.write(`${stringifyJson(report)}\n`);
  } else {
    process.stdout.write(`${formatDiff(diff, `sluice diff ${file} against ${old.label}`)}\n`);
  }
  if (o.exitCode && differs) process.exitCode = 1;
}

/** Appends the changed inputs as `tests:` cases to `target`, checking first that the file still validates. */
async function saveTests(
  file: string,
  target: string,
  diff: import('../../pipeline/replay-diff.js').PipelineDiff,
  limit: number,
): Promise<{ file: string; tests: number }> {
  const { appendTests, diffTests, testNames } = await import('../../pipeline/diff-tests.js');
  const base = await readFile(existsSync(target) ? target : file, 'utf8');
  const { tests, failing, beyondLimit } = diffTests(diff, limit, testNames(base));
  if (failing > 0)
    process.stderr.write(
      `not saved: ${failing} input${failing === 1 ? '' : 's'} the edited version fails on (a test of it would fail)\n`,
    );
  if (beyondLimit > 0)
    process.stderr.write(`not saved: ${beyondLimit} more changed inputs beyond --save-limit ${limit}\n`);
  if (tests.length === 0) {
    process.stderr.write(`no tests saved: no input's outputs change\n`);
    return { file: target, tests: 0 };
  }
  const next = appendTests(base, tests);
  const check = await load(resolve(target), next, target);
  if (!check.spec) {
    throw new SluiceError(
      'DIFF_SAVE_INVALID',
      `the tests were not saved: ${target} would not validate with them (${check.diagnostics[0]?.message ?? 'unknown error'})`,
    );
  }
  await writeFile(target, next);
  process.stderr.write(
    `saved ${tests.length} test${tests.length === 1 ? '' : 's'} to ${target} (run them: sluice test ${target})\n`,
  );
  return { file: target, tests: tests.length };
}

/** `sluice diff <file> --from topic@-N`: what an edit of a pipeline changes, on records of its log. */
export function registerDiffCommand(program: Command): void {
  program
    .command('diff')
    .description(
      'show what an edit of a pipeline changes: replay the last records of its log through both versions, field by field',
    )
    .argument('<file>', 'the edited pipeline YAML file')
    .requiredOption(
      '--from <topic@-N>',
      'the records to replay: topic@-N (the last N of each partition), topic@offset, topic:partition@-N',
    )
    .option(
      '--against <file|rev:path>',
      'the deployed version: a file, or a git revision and path (default: the file as committed at HEAD)',
    )
    .option('--log-dir <dir>', "the log directory (default: the pipeline's log.dir)")
    .option(
      '--bootstrap-server <host:port,...>',
      'read the log through a Kafka-protocol broker (a sluice run --serve, sluice broker, Kafka)',
    )
    .option(
      '--skip-stateful',
      'leave out changed streams that hold state (windows, aggregates, dedupe, joins)',
    )
    .option('--json', 'print the report as JSON')
    .option('--exit-code', 'exit 1 when an output changes, 0 when none does, 2 on an error (as diff(1))')
    .addOption(
      new Option(
        '--save-test [file]',
        'append a tests: case per changed input to the pipeline file (or to this file)',
      ),
    )
    .option('--save-limit <n>', 'save at most this many tests', integerArg('--save-limit', 1), 20)
    .addHelpText('after', HELP)
    .action(async (file: string, o: DiffCliOptions) => {
      try {
        await diffAction(file, o);
      } catch (err) {
        if (err instanceof PipelineInvalid) {
          if (o.exitCode) process.exitCode = 2;
          return;
        }
        if (o.exitCode && err instanceof SluiceError) {
          process.stderr.write(`sluice: ${err.message}\n`);
          process.exitCode = 2;
          return;
        }
        throw err;
      }
    });
}
