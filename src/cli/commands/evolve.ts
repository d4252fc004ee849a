/** `mirage-lab evolve`: learners and their metric evolved under the anchor gate (one run; `--sweep` is an alias of `run drift`). */
import path from 'node:path';
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
import { decisionLine, GENERATION_HEADER, generationRow, summaryLines } from '../../experiments/evolve-report.ts';
import { driftExperiment } from '../../experiments/drift.ts';
import { parseExperimentConfig } from '../../experiments/registry.ts';
import { FileSink } from '../../runs/node/file-sink.ts';
import { startRun } from '../../runs/runner.ts';
import { backendFor, defaultOutDir, executeRun, nodeProvenance, prepareOutDir, RECORD_FILE } from '../run-files.ts';
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

/** The α grid of the alias (drift's default). */
const SWEEP_ALPHAS = [0, 0.25, 0.5, 0.75, 1] as const;

export const evolve: CliCommand = {
  name: 'evolve',
  register: (program, { io, state }) => {
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
      .option('--sweep', `alias of \`run drift\` on --world: α ${SWEEP_ALPHAS.join(', ')} × drift's anchor budgets × --seeds, into a run folder (no --alpha)`)
      .option('--seeds <list>', 'seeds of the sweep: consecutive, comma-separated (e.g. 1,2,3)', '1,2,3')
      .option('--out <dir>', 'run folder of --sweep (default runs/drift-<timestamp>)')
      .option('--quick', `the quick preset (${Object.entries(EVOLVE_QUICK).map(([k, v]) => `${k} ${String(v)}`).join(', ')}) under any option given explicitly`)
      .option('--workers <w>', 'learner workers that train the members in parallel and play their episodes (0: all on this thread; default one per core)')
      .option('--json', 'print one JSON object')
      .action(async (o: { world: string; alpha?: string; generations: string; population: string; anchorBudget?: string; safeguard: string; proposer: string; episodes: string; warmup: string; seed: string; set: string[]; metric?: string; direction?: string; threshold?: string; sweep?: boolean; seeds: string; out?: string; quick?: boolean; workers?: string; json?: boolean }, command: Command) => {
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
          // An alias of `mirage-lab run drift` (issue 10): the same experiment, the same run folder.
          if (o.alpha !== undefined) throw new InputError('--alpha', o.alpha, `no --alpha with --sweep (the sweep runs α = ${SWEEP_ALPHAS.join(', ')})`);
          if (o.anchorBudget !== undefined) throw new InputError('--anchor-budget', o.anchorBudget, "no --anchor-budget with --sweep (drift sweeps the run's anchor budget; `run drift --set budgets=[…]`)");
          const seeds = o.seeds.split(',').map((x) => sweepSeed.parse(x));
          if (seeds.length > 20) throw new InputError('--seeds', o.seeds, 'at most 20 seeds');
          if (seeds.some((x, i) => x !== (seeds[0] as number) + i)) throw new InputError('--seeds', o.seeds, 'consecutive seeds (drift runs seed, seed + 1, …)');
          const { world: _w, params, generations, population, episodesPerGeneration, warmup, ...evolveFields } = base;
          const config = parseExperimentConfig(
            driftExperiment,
            { worlds: [{ world: world.id, params }], seed: seeds[0], seeds: seeds.length, generations, population, episodesPerGeneration, warmup, evolve: evolveFields },
            { quick: false },
          );
          const dir = o.out ?? defaultOutDir('drift', new Date());
          prepareOutDir(dir, { createParent: o.out === undefined });
          const sink = new FileSink(path.join(dir, RECORD_FILE), { exclusive: true });
          const provenance = nodeProvenance(await backendFor(driftExperiment));
          try {
            await executeRun(io, state, dir, driftExperiment, { workers: Math.max(1, workers), json: o.json ?? false, quiet: false }, (host) => startRun({ ...host, experiment: driftExperiment, config, provenance, shard: null, sink }));
          } finally {
            sink.close();
          }
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
