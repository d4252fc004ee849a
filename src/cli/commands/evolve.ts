/** `mirage-lab evolve`: learners and their metric evolved under the anchor gate (one run or the α sweep). */
import { z } from 'zod';
import { InputError } from '../../core/runtime.ts';
import { getWorld } from '../../../worlds/index.ts';
import { initTfNode } from '../../learners/tf-node.ts';
import type { Command } from 'commander';
import { EVOLVE_QUICK, evolveConfigSchema, runEvolve, validateEvolveConfig, type EvolveRuntime } from '../../experiments/evolve.ts';
import type { MemberJob, MemberResult } from '../../experiments/evolve-member.ts';
import { workerJobs } from '../../experiments/runner.ts';
import { createLearnerPool } from '../../../workers/learner-node.ts';
import { defaultWorkerCount } from '../../../workers/node-pool.ts';
import { decisionLine, frontierLines, GENERATION_HEADER, generationRow, summaryLines } from '../../experiments/evolve-report.ts';
import { runAlphaSweep, SWEEP_ALPHAS } from '../../experiments/sweep.ts';
import { parseOption, parseSets, validateSets, wholeNumber } from '../input.ts';
import { schemaOption } from '../schema-options.ts';
import { collect, shortText } from '../shared.ts';
import type { CliCommand } from '../command.ts';

const opt = {
  // No choice list: not every registered world fits evolve (see the description); getWorld validates.
  world: schemaOption(evolveConfigSchema, 'world', { arg: 'id', required: true }),
  alpha: schemaOption(evolveConfigSchema, 'alpha', { arg: 'a' }),
  generations: schemaOption(evolveConfigSchema, 'generations', { arg: 'g' }),
  population: schemaOption(evolveConfigSchema, 'population', { arg: 'p' }),
  anchorBudget: schemaOption(evolveConfigSchema, 'anchorBudget', { arg: 'b' }),
  safeguard: schemaOption(evolveConfigSchema, 'safeguard', { arg: 'kind' }),
  proposer: schemaOption(evolveConfigSchema, 'proposer', { arg: 'kind' }),
  episodes: schemaOption(evolveConfigSchema, 'episodesPerGeneration', { flag: '--episodes', arg: 'n' }),
  warmup: schemaOption(evolveConfigSchema, 'warmup', { arg: 'g' }),
  seed: schemaOption(evolveConfigSchema, 'seed', { arg: 's', description: 'run seed' }),
};
/** The seeds of a sweep: each a valid run seed. */
const sweepSeed = schemaOption(evolveConfigSchema, 'seed', { flag: '--seeds' });

export const evolve: CliCommand = {
  name: 'evolve',
  register: (program, { io }) => {
    const cmd = program
      .command('evolve')
      .description('Evolve learners and their metric under the anchor gate; prints proxy, anchor and probe ground truth, disagreement and shift gap per generation.');
    for (const o of Object.values(opt)) cmd.addOption(o.option);
    cmd
      .option('--set <param=value>', 'override a world parameter (repeatable)', collect, [])
      // Start metric (issue 15): its direction comes from the measurements' declarations unless given.
      .option('--metric <expression>', "start metric expression (default: the world's default metric); needs --threshold")
      .option('--direction <dir>', 'lower | higher (default: from the measurements --metric reads; required when they declare none or disagree)')
      .option('--threshold <x>', 'pass threshold of --metric')
      .option('--sweep', `run the α sweep (${SWEEP_ALPHAS.join(', ')}) over --seeds and print the trade-off frontier (no --alpha)`)
      .option('--seeds <list>', 'seeds of the sweep, comma-separated', '1,2,3')
      .option('--quick', `the quick preset (${Object.entries(EVOLVE_QUICK).map(([k, v]) => `${k} ${String(v)}`).join(', ')}) under any option given explicitly`)
      .option('--workers <w>', 'learner workers that train the members in parallel and play their episodes (0: all on this thread; default one per core)')
      .option('--json', 'print one JSON object')
      .action(async (o: { world: string; alpha?: string; generations: string; population: string; anchorBudget?: string; safeguard: string; proposer: string; episodes: string; warmup: string; seed: string; set: string[]; metric?: string; direction?: string; threshold?: string; sweep?: boolean; seeds: string; quick?: boolean; workers?: string; json?: boolean }, command: Command) => {
        const world = getWorld(o.world);
        // --quick: the preset's values for the options left at their defaults.
        if (o.quick) {
          // Config keys by option name (--episodes sets episodesPerGeneration).
          const option: Record<string, string> = { episodesPerGeneration: 'episodes' };
          for (const [key, value] of Object.entries(EVOLVE_QUICK)) {
            const name = option[key] ?? key;
            if (name in o && command.getOptionValueSource(name) === 'default') (o as unknown as Record<string, string>)[name] = String(value);
          }
        }
        const workers = o.workers === undefined ? defaultWorkerCount() : parseOption('--workers', wholeNumber('--workers', 0, 64), o.workers);
        // --metric/--direction/--threshold → the config's start metric (its direction resolved in setup).
        if (o.metric === undefined && (o.direction !== undefined || o.threshold !== undefined)) throw new InputError(o.direction !== undefined ? '--direction' : '--threshold', o.direction ?? o.threshold, 'only with --metric');
        if (o.metric !== undefined && o.threshold === undefined) throw new InputError('--threshold', undefined, `the pass threshold of --metric '${shortText(o.metric)}' (a number)`);
        const startMetric =
          o.metric === undefined
            ? {}
            : {
                metric: {
                  expression: o.metric,
                  threshold: parseOption('--threshold', z.coerce.number().refine(Number.isFinite, 'a finite number'), o.threshold),
                  ...(o.direction !== undefined ? { direction: parseOption('--direction', z.enum(['lower', 'higher']), o.direction) } : {}),
                },
              };
        const base = {
          ...startMetric,
          world: world.id,
          generations: opt.generations.parse(o.generations),
          population: opt.population.parse(o.population),
          ...(o.anchorBudget !== undefined ? { anchorBudget: opt.anchorBudget.parse(o.anchorBudget) } : {}),
          safeguard: opt.safeguard.parse(o.safeguard),
          proposer: opt.proposer.parse(o.proposer),
          episodesPerGeneration: opt.episodes.parse(o.episodes),
          warmup: opt.warmup.parse(o.warmup),
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
          if (o.alpha !== undefined) throw new InputError('--alpha', o.alpha, `no --alpha with --sweep (the sweep runs α = ${SWEEP_ALPHAS.join(', ')})`);
          const seeds = o.seeds.split(',').map((x) => sweepSeed.parse(x));
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
        const config = { ...base, alpha: opt.alpha.parse(o.alpha), seed: opt.seed.parse(o.seed) };
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
