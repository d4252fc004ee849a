/** `mirage-lab bench …`: benchmarks whose ratios are measured within one run. Add a subcommand here. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchPhysics } from '../../bench/physics.ts';
import { benchLearn } from '../../bench/learn.ts';
import { benchExperiment } from '../../bench/experiment.ts';
import { getExperiment } from '../../experiments/registry.ts';
import { makeProvenance } from '../../runs/provenance.ts';
import { FileSink } from '../../runs/node/file-sink.ts';
import { createLearnerPool } from '../../../workers/learner-node.ts';
import { workerScript } from '../../../workers/node-bundle.ts';
import { defaultWorkerCount } from '../../../workers/node-pool.ts';
import { initTfNode } from '../../learners/tf-node.ts';
import { createNodePool } from '../../../workers/node-pool.ts';
import { parseOption, wholeNumber } from '../input.ts';
import { parseWorkers, workersOption } from '../shared.ts';
import type { CliCommand } from '../command.ts';
import { registerBenchClassroom, registerBenchUi } from './bench-ui.ts';

export const bench: CliCommand = {
  name: 'bench',
  register: (program, { io }) => {
    const cmd = program.command('bench').description('Benchmarks (ratios measured in one run).');
    cmd
      .command('physics')
      .description('Raw matter-js loop vs the sandbox in one worker vs the pool, on the projectile scene.')
      .option('--episodes <n>', 'episodes per timing', '6000')
      .option('--repeats <n>', 'timings per variant (best is kept)', '3')
      .addOption(workersOption('pool size (default: one per core)'))
      .option('--json', 'print one JSON object')
      .action(async (o: { episodes: string; repeats: string; workers?: string; json?: boolean }) => {
        const episodes = parseOption('--episodes', wholeNumber('--episodes', 100, 1_000_000), o.episodes);
        const repeats = parseOption('--repeats', wholeNumber('--repeats', 1, 20), o.repeats);
        const workers = parseWorkers(o.workers);
        const r = await benchPhysics({ episodes, repeats, workers, makePool: (n) => createNodePool(n) });
        if (o.json) {
          const { rawEpisodesPerSecond, oneWorkerEpisodesPerSecond, poolEpisodesPerSecond, ratioToRaw, poolSpeedup } = r;
          return io.out(JSON.stringify({ rawEpisodesPerSecond, oneWorkerEpisodesPerSecond, poolEpisodesPerSecond, workers, ratioToRaw, poolSpeedup, episodes, rawMeanSteps: r.rawMeanSteps, sandboxMeanSteps: r.sandboxMeanSteps }));
        }
        io.out(`raw matter-js loop     ${r.rawEpisodesPerSecond} episodes/s (${r.rawMeanSteps} steps/episode)`);
        io.out(`sandbox, one worker    ${r.oneWorkerEpisodesPerSecond} episodes/s (${r.sandboxMeanSteps} steps/episode)  ratioToRaw ${r.ratioToRaw}`);
        io.out(`pool of ${r.workers} workers      ${r.poolEpisodesPerSecond} episodes/s  poolSpeedup ${r.poolSpeedup}`);
      });

    cmd
      .command('learn')
      .description("The gaussian-policy learner's update step vs a raw tfjs loop doing the same optimiser steps.")
      .option('--batch <n>', 'samples per optimiser step', '64')
      .option('--json', 'print one JSON object')
      .action(async (o: { batch: string; json?: boolean }) => {
        const batch = parseOption('--batch', wholeNumber('--batch', 1, 65_536), o.batch);
        await initTfNode();
        const r = await benchLearn({ batch });
        if (o.json) {
          const { backend, rawSamplesPerSecond, learnerSamplesPerSecond, ratioToRaw, ...rest } = r;
          return io.out(JSON.stringify({ backend, rawSamplesPerSecond, learnerSamplesPerSecond, ratioToRaw, ...rest }));
        }
        io.out(`backend ${r.backend}: raw tfjs ${Math.round(r.rawSamplesPerSecond)} samples/s, learner ${Math.round(r.learnerSamplesPerSecond)} samples/s, ratioToRaw ${r.ratioToRaw.toFixed(3)}`);
      });

    cmd
      .command('experiment')
      .description("An experiment's --quick run at a fixed seed through the run layer (record in a temporary file): one worker thread vs the pool, wall time with worker start-up, and the record sink's share of the time.")
      .option('--experiment <id>', 'experiment id', 'evolve')
      .option('--seed <s>', 'run seed', '1')
      .option('--workers <w>', 'worker threads in total of the pool run (default: one per core)')
      .option('--repeats <n>', 'alternating pairs of runs (one worker, then the pool); the figures are medians', '3')
      .option('--json', 'print one JSON object as the last line')
      .action(async (o: { experiment: string; seed: string; workers?: string; repeats: string; json?: boolean }) => {
        const experiment = getExperiment(o.experiment);
        const seed = parseOption('--seed', wholeNumber('--seed', 0, Number.MAX_SAFE_INTEGER), o.seed);
        const workers = o.workers === undefined ? defaultWorkerCount() : parseOption('--workers', wholeNumber('--workers', 1, 64), o.workers);
        const repeats = parseOption('--repeats', wholeNumber('--repeats', 1, 50), o.repeats);
        const dir = mkdtempSync(join(tmpdir(), 'mirage-bench-'));
        try {
          // The worker script is bundled once per process (node-bundle.ts): build it before either
          // timed run, so neither pays it (it would fall on the first, the one-worker run).
          await workerScript('learner');
          const r = await benchExperiment({
            experiment,
            seed,
            workers,
            // Learner workers are physics workers too: `workers` threads in total.
            makeHost: async (n) => {
              const pool = await createLearnerPool(n);
              return { batch: pool.batch, learners: pool.learners, close: () => pool.close() };
            },
            makeSink: (label) => new FileSink(join(dir, `${label}.jsonl`), { exclusive: true }),
            provenance: makeProvenance({ mirageLab: 'bench', packages: {}, runtime: `node ${process.versions.node}`, backend: 'wasm' }),
            clock: () => performance.now(),
            repeats,
          });
          const { experiment: id, oneWorkerSeconds, poolSeconds, speedup, recordOverhead, pairs } = r;
          if (!o.json) {
            const each = pairs.map((p) => `${p.oneWorkerSeconds}/${p.poolSeconds} s = ${p.speedup}`).join(', ');
            io.out(`${id} --quick (seed ${seed}), ${repeats} pair${repeats === 1 ? '' : 's'} (${each}): medians 1 worker ${oneWorkerSeconds} s, ${workers} workers ${poolSeconds} s, speedup ${speedup}; record sink ${(100 * recordOverhead).toFixed(2)}% of the pool runs; content hash ${r.contentHash.slice(0, 12)} (every run)`);
          }
          io.out(JSON.stringify({ experiment: id, oneWorkerSeconds, poolSeconds, workers, speedup, recordOverhead, repeats, pairs }));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });

    // The app's benchmarks live in their own file (bench-ui.ts).
    registerBenchUi(cmd, io);
    registerBenchClassroom(cmd, io);
  },
};
