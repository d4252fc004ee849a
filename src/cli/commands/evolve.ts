/** `mirage-lab evolve`: learners and their metric evolved under the anchor gate (one run or the α sweep). */
import { z } from 'zod';
import { InputError } from '../../core/runtime.ts';
import { getWorld } from '../../../worlds/index.ts';
import { initTfNode } from '../../learners/tf-node.ts';
import { runEvolve, SAFEGUARD_KINDS, validateEvolveConfig } from '../../experiments/evolve.ts';
import { decisionLine, frontierLines, GENERATION_HEADER, generationRow, summaryLines } from '../../experiments/evolve-report.ts';
import { runAlphaSweep } from '../../experiments/sweep.ts';
import { decimalNumber, parseOption, parseSets, validateSets, wholeNumber } from '../input.ts';
import { collect, shortText } from '../shared.ts';
import type { CliCommand } from '../command.ts';

export const evolve: CliCommand = {
  name: 'evolve',
  register: (program, { io }) => {
    program
      .command('evolve')
      .description('Evolve learners and their metric under the anchor gate; prints proxy, anchor and probe ground truth, drift and bias per generation.')
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
      // Start metric (issue 15): its direction comes from the measurements' declarations unless given.
      .option('--metric <expression>', "start metric expression (default: the world's default metric); needs --threshold")
      .option('--direction <dir>', 'lower | higher (default: from the measurements --metric reads; required when they declare none or disagree)')
      .option('--threshold <x>', 'pass threshold of --metric')
      .option('--sweep', `run the α sweep (0, 0.25, 0.5, 0.75, 1) over --seeds and print the trade-off frontier`)
      .option('--seeds <list>', 'seeds of the sweep, comma-separated', '1,2,3')
      .option('--json', 'print one JSON object')
      .action(async (o: { world: string; alpha?: string; generations: string; population: string; anchorBudget?: string; safeguard: string; proposer: string; episodes: string; warmup: string; seed: string; set: string[]; metric?: string; direction?: string; threshold?: string; sweep?: boolean; seeds: string; json?: boolean }) => {
        const world = getWorld(o.world);
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
          generations: parseOption('--generations', wholeNumber('--generations', 1, 1000), o.generations),
          population: parseOption('--population', wholeNumber('--population', 2, 64), o.population),
          ...(o.anchorBudget !== undefined ? { anchorBudget: parseOption('--anchor-budget', wholeNumber('--anchor-budget', 0, 1_000_000), o.anchorBudget) } : {}),
          safeguard: parseOption('--safeguard', z.enum(SAFEGUARD_KINDS), o.safeguard),
          proposer: parseOption('--proposer', z.enum(['random', 'bandit']), o.proposer),
          episodesPerGeneration: parseOption('--episodes', wholeNumber('--episodes', 1, 1_000_000), o.episodes),
          warmup: parseOption('--warmup', wholeNumber('--warmup', 0, 1000), o.warmup),
          params: validateSets(world.params, parseSets(o.set)),
        };
        await initTfNode();
        if (o.sweep) {
          if (o.alpha !== undefined) throw new InputError('--alpha', o.alpha, 'no --alpha with --sweep (the sweep runs α = 0, 0.25, 0.5, 0.75, 1)');
          const seeds = o.seeds.split(',').map((x) => parseOption('--seeds', wholeNumber('--seeds', 0, Number.MAX_SAFE_INTEGER), x));
          if (seeds.length > 20) throw new InputError('--seeds', o.seeds, 'at most 20 seeds');
          validateEvolveConfig({ ...base, alpha: 0, seed: seeds[0] });
          const sweep = await runAlphaSweep(base, { seeds }, (r, done, total) => {
            if (!o.json) io.out(`  run ${done}/${total}: α ${r.alpha} seed ${r.seed} — anchor GT best ${r.summary.anchorGtBest.toFixed(2)} → final ${r.summary.anchorGtFinal.toFixed(2)}, probe ${r.summary.probeGtFinal.toFixed(2)}`);
          });
          if (o.json) return io.out(JSON.stringify(sweep));
          for (const line of frontierLines(sweep)) io.out(line);
          return;
        }
        if (o.alpha === undefined) throw new InputError('--alpha', null, 'a number from 0 to 1 (or --sweep)');
        const config = { ...base, alpha: parseOption('--alpha', decimalNumber(0, 1), o.alpha), seed: parseOption('--seed', wholeNumber('--seed', 0, Number.MAX_SAFE_INTEGER), o.seed) };
        validateEvolveConfig(config);
        if (!o.json) io.out(GENERATION_HEADER);
        const record = await runEvolve(config, (g, decisions) => {
          if (o.json) return;
          io.out(generationRow(g));
          for (const d of decisions) {
            const line = decisionLine(d);
            if (line !== null) io.out(line);
          }
        });
        if (o.json) return io.out(JSON.stringify(record));
        for (const line of summaryLines(record)) io.out(line);
      });
  },
};
