/** `mirage-lab bench …`: benchmarks whose ratios are measured within one run. Add a subcommand here. */
import { benchPhysics } from '../../bench/physics.ts';
import { benchLearn } from '../../bench/learn.ts';
import { initTfNode } from '../../learners/tf-node.ts';
import { createNodePool } from '../../../workers/node-pool.ts';
import { parseOption, wholeNumber } from '../input.ts';
import { parseWorkers, workersOption } from '../shared.ts';
import type { CliCommand } from '../command.ts';

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
  },
};
