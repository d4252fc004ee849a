/** `mirage-lab run <experiment-id | config.json>`: one run into a folder (record, summary, report, SVGs). */
import path from 'node:path';
import { parseOption, wholeNumber } from '../input.ts';
import { collect } from '../shared.ts';
import type { CliCommand } from '../command.ts';
import { defaultWorkerCount } from '../../../workers/node-pool.ts';
import { FileSink } from '../../runs/node/file-sink.ts';
import { startRun } from '../../runs/runner.ts';
import { InputError } from '../../core/runtime.ts';
import { backendFor, defaultOutDir, executeRun, nodeProvenance, parseShard, prepareOutDir, RECORD_FILE, resolveRunTarget } from '../run-files.ts';

export const run: CliCommand = {
  name: 'run',
  register: (program, { io, state }) => {
    program
      .command('run')
      .description('Run an experiment (by id, or from a config file made with `mirage-lab config`) into a run folder: run.jsonl, summary.json, report.html, one SVG per chart.')
      .argument('<target>', 'experiment id or config.json')
      .option('--quick', "the experiment's quick preset (under a minute)")
      .option('--seed <s>', 'run seed (overrides the config)')
      .option('--workers <w>', 'physics worker threads (default: one per core)')
      .option('--out <dir>', 'run folder (default runs/<experiment>-<timestamp>)')
      .option('--set <key=value>', 'a config field (repeatable; dots for nested fields; JSON values)', collect, [])
      .option('--shard <i/n>', 'run only the i-th of n slices of a sweep (join them with `mirage-lab merge`)')
      .option('--json', 'print summary.json when done')
      .option('--quiet', 'no progress output')
      .action(async (target: string, o: { quick?: boolean; seed?: string; workers?: string; out?: string; set: string[]; shard?: string; json?: boolean; quiet?: boolean }) => {
        // Every input is checked before the output folder is touched or any work starts.
        const seed = o.seed === undefined ? undefined : parseOption('--seed', wholeNumber('--seed', 0, 2 ** 31 - 1), o.seed);
        const workers = o.workers === undefined ? defaultWorkerCount() : parseOption('--workers', wholeNumber('--workers', 1, 64), o.workers);
        const shard = o.shard === undefined ? null : parseShard(o.shard);
        const { experiment, config } = resolveRunTarget(target, { quick: o.quick ?? false, ...(seed !== undefined ? { seed } : {}), sets: o.set });
        if (shard && !experiment.sweep) throw new InputError('--shard', o.shard, `no --shard: experiment '${experiment.id}' is not a sweep (it has no cells to split)`);
        const dir = o.out ?? defaultOutDir(`${experiment.id}${shard ? `-shard${shard.index}of${shard.count}` : ''}`, new Date());
        prepareOutDir(dir, { createParent: o.out === undefined });
        const sink = new FileSink(path.join(dir, RECORD_FILE), { exclusive: true });
        const provenance = nodeProvenance(await backendFor(experiment));
        try {
          await executeRun(io, state, dir, experiment, { workers, json: o.json ?? false, quiet: o.quiet ?? false }, (host) => startRun({ ...host, experiment, config, provenance, shard, sink }));
        } finally {
          sink.close();
        }
      });
  },
};
