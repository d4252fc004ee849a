/**
 * `mirage-lab refute <run-folder>`: the falsification battery on a finished run. Reads the run's
 * record (src/runs), puts its summary in the `refute` experiment's config as `target`, and runs
 * that experiment into its own run folder like `run` does; then prints which checks each claim
 * survived. `--claim a:b` states a claim ("the ability appears between scale a and b").
 */
import path from 'node:path';
import { parseOption, wholeNumber } from '../input.ts';
import { collect } from '../shared.ts';
import type { CliCommand } from '../command.ts';
import { defaultWorkerCount } from '../../../workers/node-pool.ts';
import { FileSink } from '../../runs/node/file-sink.ts';
import { startRun } from '../../runs/runner.ts';
import { summaryOf } from '../../runs/summary.ts';
import { InputError } from '../../core/runtime.ts';
import { getExperiment, parseExperimentConfig } from '../../experiments/registry.ts';
import { refuteResultsSchema } from '../../experiments/refute.ts';
import { applySets, backendFor, defaultOutDir, executeRun, nodeProvenance, prepareOutDir, readRunDir, RECORD_FILE } from '../run-files.ts';

/** `a:b` with a < b, both non-negative numbers. */
function parseClaim(text: string): { from: number; to: number } {
  const m = /^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  const from = Number(m?.[1]);
  const to = Number(m?.[2]);
  if (!m || !(from < to)) throw new InputError('--claim', text, 'a:b, two scales with a < b (e.g. 2000:4000)');
  return { from, to };
}

export const refute: CliCommand = {
  name: 'refute',
  register: (program, { io, state }) => {
    program
      .command('refute')
      .description('Try to break the claims of a finished run (mirage or drift): re-score with continuous metrics, raise the evaluation resolution, vary seeds, probe shifted tasks; print which checks each claim survived.')
      .argument('<run-folder>', 'a finished run folder (mirage or drift)')
      .option('--claim <a:b>', 'a claim "the ability appears between scale a and b" (repeatable; default: every apparent jump)', collect, [])
      .option('--quick', "the battery's quick preset (fewer fresh seeds, lower resolution)")
      .option('--workers <w>', 'physics worker threads (default: one per core)')
      .option('--out <dir>', 'run folder of the battery (default runs/refute-<timestamp>)')
      .option('--set <key=value>', 'a field of the refute config (freshSeeds, resolution, densePoints, probeTasks…)', collect, [])
      .option('--json', 'print summary.json when done')
      .option('--quiet', 'no progress output')
      .action(async (folder: string, o: { claim: string[]; quick?: boolean; workers?: string; out?: string; set: string[]; json?: boolean; quiet?: boolean }) => {
        const workers = o.workers === undefined ? defaultWorkerCount() : parseOption('--workers', wholeNumber('--workers', 1, 64), o.workers);
        const claims = o.claim.map(parseClaim);
        const summary = summaryOf(readRunDir(folder).record);
        if (summary.status !== 'finished') throw new InputError('run folder', folder, `a finished run (this one is ${summary.status}: resume it first)`);
        const experiment = getExperiment('refute');
        const target = { experiment: summary.experiment, config: summary.config, contentHash: summary.contentHash, results: summary.results };
        const config = parseExperimentConfig(experiment, applySets({ target, ...(claims.length ? { claims } : {}) }, o.set), { quick: o.quick ?? false });
        const dir = o.out ?? defaultOutDir('refute', new Date());
        prepareOutDir(dir, { createParent: o.out === undefined });
        const sink = new FileSink(path.join(dir, RECORD_FILE), { exclusive: true });
        const provenance = nodeProvenance(await backendFor(experiment));
        try {
          await executeRun(io, state, dir, experiment, { workers, json: o.json ?? false, quiet: o.quiet ?? false }, (host) => startRun({ ...host, experiment, config, provenance, shard: null, sink }));
        } finally {
          sink.close();
        }
        if (o.json) return;
        const done = summaryOf(readRunDir(dir).record);
        const results = refuteResultsSchema.safeParse(done.results);
        if (results.success) for (const line of results.data.lines) io.out(line);
      });
  },
};
