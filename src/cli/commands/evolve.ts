/** `mirage-lab evolve`: learners and their metric evolved under the anchor gate (one run or the α sweep). */
import { z } from 'zod';
import { InputError } from '../../core/runtime.ts';
import { getWorld } from '../../../worlds/index.ts';
import { initTfNode } from '../../learners/tf-node.ts';
import type { Command } from 'commander';
import { EVOLVE_QUICK, runEvolve, SAFEGUARD_KINDS, validateEvolveConfig, type EvolveRuntime } from '../../experiments/evolve.ts';
import type { MemberJob, MemberResult } from '../../experiments/evolve-member.ts';
import { workerJobs } from '../../experiments/runner.ts';
import { createLearnerPool } from '../../../workers/learner-node.ts';
import { defaultWorkerCount } from '../../../workers/node-pool.ts';
import { decisionLine, frontierLines, GENERATION_HEADER, generationRow, summaryLines } from '../../experiments/evolve-report.ts';
import { runAlphaSweep } from '../../experiments/sweep.ts';
import { decimalNumber, parseOption, parseSets, validateSets, wholeNumber } from '../input.ts';
import { collect } from '../shared.ts';
import type { CliCommand } from '../command.ts';

export const evolve: CliCommand = {
  name: 'evolve',
  register: (program, { io }) => {
    program
      .command('evolve')
      .description('Evolve learners and their metric under the anchor gate; prints proxy, anchor and probe ground truth, disagreement and shift gap per generation.')
      .requiredOption('--world <id>', 'world id')
      .option('--alpha <a>', 'gate strength α in [0, 1] (0: anything goes, 1: locked to the ground-truth check); required unless --sweep')
      .option('--generations <g>', 'generations', '30')
      .option('--population <p>', 'learners in the population', '6')
      .option('--anchor-budget <b>', 'ground-truth verdicts the safeguard may buy per generation (default 24 + 4 × anchor tasks)')
      .option('--safeguard <kind>', `${SAFEGUARD_KINDS.join(' | ')}`, 'agreement')
      .option('--proposer <kind>', 'random | bandit', 'bandit')
      .option('--episodes <n>', 'training episodes per member per generation', '256')
      .option('--warmup <g>', 'generations on the start metric before metrics are proposed', '3')
      .option('--seed <s>', 'run seed', '0')
      .option('--set <param=value>', 'override a world parameter (repeatable)', collect, [])
      .option('--sweep', `run the α sweep (0, 0.25, 0.5, 0.75, 1) over --seeds and print the trade-off frontier`)
      .option('--seeds <list>', 'seeds of the sweep, comma-separated', '1,2,3')
      .option('--quick', `the quick preset (${Object.entries(EVOLVE_QUICK).map(([k, v]) => `${k} ${String(v)}`).join(', ')}) under any option given explicitly`)
      .option('--workers <w>', 'learner workers that train the members in parallel and play their episodes (0: all on this thread; default one per core)')
      .option('--json', 'print one JSON object')
      .action(async (o: { world: string; alpha?: string; generations: string; population: string; anchorBudget?: string; safeguard: string; proposer: string; episodes: string; warmup: string; seed: string; set: string[]; sweep?: boolean; seeds: string; quick?: boolean; workers?: string; json?: boolean }, cmd: Command) => {
        const world = getWorld(o.world);
        // --quick: the preset's values for the options left at their defaults.
        if (o.quick) {
          // Config keys by option name (--episodes sets episodesPerGeneration).
          const option: Record<string, string> = { episodesPerGeneration: 'episodes' };
          for (const [key, value] of Object.entries(EVOLVE_QUICK)) {
            const name = option[key] ?? key;
            if (name in o && cmd.getOptionValueSource(name) === 'default') (o as unknown as Record<string, string>)[name] = String(value);
          }
        }
        const workers = o.workers === undefined ? defaultWorkerCount() : parseOption('--workers', wholeNumber('--workers', 0, 64), o.workers);
        const base = {
          world: world.id,
          generations: parseOption('--generations', wholeNumber('--generations', 1, 1000), o.generations),
          population: parseOption('--population', wholeNumber('--population', 2, 64), o.population),
          ...(o.anchorBudget !== undefined ? { anchorBudget: parseOption('--anchor-budget', wholeNumber('--anchor-budget', 0, 1_000_000), o.anchorBudget) } : {}),
          safeguard: parseOption('--safeguard', z.enum(SAFEGUARD_KINDS), o.safeguard),
          proposer: parseOption('--proposer', z.enum(['random', 'bandit']), o.proposer),
          episodesPerGeneration: parseOption('--episodes', wholeNumber('--episodes', 1, 1_000_000), o.episodes),
          warmup: parseOption('--warmup', wholeNumber('--warmup', 0, 1000), o.warmup),
          params: validateSets(world.params, parseSets(o.set)),
        };
        /** Members on learner workers (physics in the worker that trains them), or all on this thread. */
        const withRuntime = async <T>(fn: (runtime: EvolveRuntime) => Promise<T>): Promise<T> => {
          if (workers === 0) {
            await initTfNode();
            return fn({});
          }
          const pool = await createLearnerPool(workers);
          try {
            return await fn({ physics: pool.batch, members: workerJobs<MemberJob, MemberResult>(pool.learners, 'evolve-member') });
          } finally {
            await pool.close();
          }
        };
        if (o.sweep) {
          if (o.alpha !== undefined) throw new InputError('--alpha', o.alpha, 'no --alpha with --sweep (the sweep runs α = 0, 0.25, 0.5, 0.75, 1)');
          const seeds = o.seeds.split(',').map((x) => parseOption('--seeds', wholeNumber('--seeds', 0, Number.MAX_SAFE_INTEGER), x));
          if (seeds.length > 20) throw new InputError('--seeds', o.seeds, 'at most 20 seeds');
          validateEvolveConfig({ ...base, alpha: 0, seed: seeds[0] });
          const sweep = await withRuntime((runtime) =>
            runAlphaSweep(
              base,
              { seeds },
              (r, done, total) => {
                if (!o.json) io.out(`  run ${done}/${total}: α ${r.alpha} seed ${r.seed} — anchor GT best ${r.summary.anchorGtBest.toFixed(2)} → final ${r.summary.anchorGtFinal.toFixed(2)}, probe ${r.summary.probeGtFinal.toFixed(2)}`);
              },
              runtime,
            ),
          );
          if (o.json) return io.out(JSON.stringify(sweep));
          for (const line of frontierLines(sweep)) io.out(line);
          return;
        }
        if (o.alpha === undefined) throw new InputError('--alpha', null, 'a number from 0 to 1 (or --sweep)');
        const config = { ...base, alpha: parseOption('--alpha', decimalNumber(0, 1), o.alpha), seed: parseOption('--seed', wholeNumber('--seed', 0, Number.MAX_SAFE_INTEGER), o.seed) };
        validateEvolveConfig(config);
        if (!o.json) io.out(GENERATION_HEADER);
        const record = await withRuntime((runtime) =>
          runEvolve(
            config,
            (g, decisions) => {
              if (o.json) return;
              io.out(generationRow(g));
              for (const d of decisions) {
                const line = decisionLine(d);
                if (line !== null) io.out(line);
              }
            },
            runtime,
          ),
        );
        if (o.json) return io.out(JSON.stringify(record));
        for (const line of summaryLines(record)) io.out(line);
      });
  },
};
