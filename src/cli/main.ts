/**
 * The `mirage-lab` command. Exit codes: 0 success, 1 internal error or a failed check,
 * 2 bad input (the message names the field, the value and what is allowed).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { z } from 'zod';
import cliProgress from 'cli-progress';
import { checkWorld, paramRanges, type BatchRunner, type CheckReport } from '../core/checkWorld.ts';
import { ConsequenceDigest } from '../core/digest.ts';
import { InputError, randomAction, resolveParams, type BatchRequest } from '../core/runtime.ts';
import { parseScenario, type Scenario } from '../core/scenario.ts';
import { isClosedLoop, type AnyWorld, type Split, type TaskBase } from '../core/types.ts';
import { getWorld, WORLDS } from '../../worlds/index.ts';
import { createNodePool, defaultWorkerCount } from '../../workers/node-pool.ts';
import { benchPhysics } from '../bench/physics.ts';
import { benchLearn } from '../bench/learn.ts';
import { initTfNode } from '../learners/tf-node.ts';
import { validateTrainConfig } from '../experiments/train.ts';
import { CHANNEL_KINDS, SCHEDULES } from '../feedback/channels.ts';
import { getLearnerFamily } from '../learners/registry.ts';
import { trainInWorker } from '../../workers/learner-node.ts';
import { decimalNumber, parseOption, parseSets, splitSchema, validateSets, wholeNumber } from './input.ts';
import { demo } from './demo.ts';
import { runEvolve, SAFEGUARD_KINDS, validateEvolveConfig } from '../experiments/evolve.ts';
import { decisionLine, frontierLines, GENERATION_HEADER, generationRow, summaryLines } from '../experiments/evolve-report.ts';
import { runAlphaSweep } from '../experiments/sweep.ts';
import { directionRequiredText, inferDirection, measurementsUsed, MetricError, parse, parseMetric, resolveDirection } from '../metrics/index.ts';

/** Where the CLI writes; tests pass their own sinks. */
export interface CliIO {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Show progress bars (only on an interactive terminal, never with --json). */
  progress: boolean;
}

const defaultIO = (): CliIO => ({
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  progress: Boolean(process.stderr.isTTY),
});

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Describes a world for `list`: parameters (from its schema), measurements, checks. */
export function describeWorld(w: AnyWorld) {
  const json = z.toJSONSchema(w.params, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, { default?: unknown; description?: string; enum?: unknown[] }> };
  const ranges = paramRanges(w);
  const params = Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    default: s.default,
    ...(ranges[name]?.min !== undefined ? { min: ranges[name]?.min } : {}),
    ...(ranges[name]?.max !== undefined ? { max: ranges[name]?.max } : {}),
    ...(s.enum ? { options: s.enum } : {}),
    ...(ranges[name]?.type === 'integer' ? { integer: true } : {}),
    doc: s.description ?? '',
  }));
  const defaults = w.params.parse({});
  return {
    id: w.id,
    version: w.version,
    title: w.title,
    description: w.description,
    params,
    actionSpace: w.actionSpace(defaults),
    measurements: w.measurements,
    checks: w.checks.checks.map((c) => ({ name: c.name, doc: c.doc })),
    checksHash: w.checks.hash,
  };
}

/** Runs random episodes on the pool and returns the simulate summary. */
export async function simulate(opts: { world: AnyWorld; episodes: number; seed: number; workers: number; split: Split; params: Record<string, unknown>; tasks?: readonly TaskBase[]; onProgress?: (done: number, total: number) => void }) {
  // A scenario's fixed tasks are played in turn, with the same seeded random actions as random mode.
  const episodes: BatchRequest['episodes'] = opts.tasks?.length
    ? {
        kind: 'explicit',
        items: Array.from({ length: opts.episodes }, (_, e) => ({
          episode: e,
          task: opts.tasks![e % opts.tasks!.length] as TaskBase,
          ...(isClosedLoop(opts.world) ? {} : { action: randomAction(opts.world, resolveParams(opts.world, opts.params), opts.seed, e) }),
        })),
      }
    : { kind: 'random', split: opts.split, start: 0, count: opts.episodes };
  const pool = await createNodePool(opts.workers);
  try {
    const t0 = performance.now();
    const r = await pool.run({ world: opts.world.id, params: opts.params, seed: opts.seed, episodes }, opts.onProgress ? { onProgress: opts.onProgress } : {});
    const seconds = (performance.now() - t0) / 1000;
    const digest = new ConsequenceDigest();
    let passes = 0;
    for (const c of r.consequences) {
      digest.add(c);
      if (c.gtPass) passes++;
    }
    return {
      world: opts.world.id,
      episodes: opts.episodes,
      seed: opts.seed,
      workers: opts.workers,
      hash: digest.hex(),
      episodesPerSecond: Math.round(opts.episodes / seconds),
      gtPassRate: passes / opts.episodes,
    };
  } finally {
    await pool.close();
  }
}

/** Reads and validates a scenario file; every problem is an InputError (exit 2). */
function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError('--scenario', file, `a readable JSON file (${err instanceof Error ? err.message : String(err)})`);
  }
  return parseScenario(text, getWorld);
}

/** The world of a command: --world, or the scenario's (they must agree when both are given). */
function resolveWorldOption(id: string | undefined, scenario: Scenario | undefined): AnyWorld {
  if (scenario && id !== undefined && id !== scenario.world.id) throw new InputError('--world', id, `the scenario's world '${scenario.world.id}' (or leave --world out)`);
  if (scenario) return scenario.world;
  if (id === undefined) throw new InputError('--world', null, `a world id (one of ${WORLDS.map((w) => w.id).join(', ')}) or --scenario <file>`);
  return getWorld(id);
}

/** A single fresh worker as the checker's BatchRunner. */
async function spawnCheckerWorker(): Promise<BatchRunner> {
  const pool = await createNodePool(1);
  return { runBatch: (req) => pool.runBatch(req), close: () => pool.close() };
}

function progressBar(io: CliIO, label: string): { update: (done: number, total: number) => void; stop: () => void } {
  if (!io.progress) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {percentage}% | {value}/{total} episodes | eta {eta}s`, stream: process.stderr, clearOnComplete: true }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update: (done, total) => {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop: () => started && bar.stop(),
  };
}

function formatCheck(r: CheckReport): string {
  const lines = [`${r.ok ? 'PASS' : 'FAIL'} ${r.world} (${r.cases} cases, checks ${r.checksHash.slice(0, 12)})`];
  for (const p of r.passed) lines.push(`  ok    ${p}`);
  for (const s of r.skipped) lines.push(`  skip  ${s}`);
  for (const n of r.notApplicable) lines.push(`  n/a   ${n}`);
  for (const p of r.problems) lines.push(`  FAIL  ${p.property}: ${p.message}`);
  return lines.join('\n');
}

/** Builds the commander program; actions write through `io` and set `state.code`. */
function program(io: CliIO, state: { code: number }): Command {
  const cmd = new Command('mirage-lab')
    .description('Physics worlds that teach learners; metrics tied to ground truth.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError(false);

  cmd
    .command('list')
    .description('List the registered worlds with their parameters, measurements and checks.')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) => {
      const worlds = WORLDS.map(describeWorld);
      if (o.json) return io.out(JSON.stringify(worlds, null, 2));
      for (const w of worlds) {
        io.out(`${w.id} v${w.version} — ${w.description}`);
        io.out(`  params: ${w.params.map((p) => `${p.name}=${String(p.default)}${p.options ? ` (${p.options.join('|')})` : p.min !== undefined ? ` [${p.min}, ${p.max}]` : ''}`).join(', ')}`);
        io.out(`  action: ${w.actionSpace.names.map((n, i) => `${n} [${w.actionSpace.low[i]}, ${w.actionSpace.high[i]}] ${w.actionSpace.units[i]}`).join(', ')}`);
        io.out(`  measurements: ${w.measurements.map((m) => (m.gameable ? `${m.name}*` : m.name)).join(', ')}   (* gameable proxy)`);
        io.out(`  ground truth: ${w.checks.map((c) => c.name).join(', ')}`);
      }
    });

  cmd
    .command('check-world')
    .description('Run the world checker; exits 0 only if every property holds.')
    .argument('[id]', 'world id')
    .option('--all', 'check every registered world')
    .option('--cases <n>', 'random cases per world', '100')
    .option('--json', 'print JSON')
    .action(async (id: string | undefined, o: { all?: boolean; cases: string; json?: boolean }) => {
      if (!id && !o.all) throw new InputError('world', null, `a world id (one of ${WORLDS.map((w) => w.id).join(', ')}) or --all`);
      if (id && o.all) throw new InputError('world', id, 'either a world id or --all, not both');
      const cases = parseOption('--cases', wholeNumber('--cases', 1, 10_000), o.cases);
      const worlds = o.all ? WORLDS : [getWorld(id as string)];
      const reports: CheckReport[] = [];
      for (const w of worlds) {
        const r = await checkWorld(w, { cases, spawnWorker: spawnCheckerWorker });
        reports.push(r);
        if (!o.json) io.out(formatCheck(r));
      }
      if (o.json) io.out(JSON.stringify(o.all ? reports : reports[0], null, 2));
      state.code = reports.every((r) => r.ok) ? 0 : 1;
    });

  cmd
    .command('simulate')
    .description('Simulate random actions on a world; prints a digest over all consequences.')
    .option('--world <id>', 'world id')
    .option('--scenario <file>', 'a scenario JSON file: world, parameters and fixed tasks (see scenarios/)')
    .option('--episodes <n>', 'number of episodes', '1000')
    .option('--seed <s>', 'run seed', '0')
    .option('--workers <w>', 'physics workers (default: one per core)')
    .addOption(new Option('--split <split>', 'task split').default('train'))
    .option('--set <param=value>', 'override a world parameter (repeatable)', collect, [])
    .option('--json', 'print one JSON object')
    .action(async (o: { world?: string; scenario?: string; episodes: string; seed: string; workers?: string; split: string; set: string[]; json?: boolean }) => {
      const scenario = o.scenario === undefined ? undefined : loadScenario(o.scenario);
      const world = resolveWorldOption(o.world, scenario);
      const episodes = parseOption('--episodes', wholeNumber('--episodes', 1, 10_000_000), o.episodes);
      const seed = parseOption('--seed', wholeNumber('--seed', 0, Number.MAX_SAFE_INTEGER), o.seed);
      const workers = o.workers === undefined ? defaultWorkerCount() : parseOption('--workers', wholeNumber('--workers', 1, 64), o.workers);
      const split = parseOption('--split', splitSchema, o.split);
      // --set applies on top of the scenario's parameters.
      const params = validateSets(world.params, { ...(scenario?.params ?? {}), ...parseSets(o.set) });
      const bar = progressBar(o.json ? { ...io, progress: false } : io, world.id);
      const r = await simulate({ world, episodes, seed, workers, split, params, ...(scenario?.tasks ? { tasks: scenario.tasks } : {}), onProgress: bar.update });
      bar.stop();
      if (o.json) return io.out(JSON.stringify(r));
      io.out(`${r.world}: ${r.episodes} episodes (seed ${r.seed}, ${r.workers} workers) at ${r.episodesPerSecond} episodes/s`);
      io.out(`ground-truth pass rate ${(100 * r.gtPassRate).toFixed(1)}%   hash ${r.hash}`);
    });

  cmd
    .command('train')
    .description('Train a learner on a world through one feedback channel; prints the learning curve.')
    .requiredOption('--world <id>', 'world id')
    .requiredOption('--learner <id>', 'learner family id')
    .option('--feedback <channel>', 'binary | hotcold | graded | scheduled', 'graded')
    .option('--metric <expression>', "metric expression over measurements (default: the world's default metric)")
    .option('--direction <dir>', 'lower | higher (default: from the default metric)')
    .option('--threshold <x>', 'pass threshold for binary feedback')
    .option('--schedule <name>', 'linear | cosine | step (with --feedback scheduled)')
    .option('--episodes <n>', 'training episodes', '5000')
    .option('--seed <s>', 'run seed', '0')
    .option('--set <key=value>', 'a world parameter or a learner hyperparameter (repeatable)', collect, [])
    .option('--json', 'print one JSON object')
    .action(async (o: { world: string; learner: string; feedback: string; metric?: string; direction?: string; threshold?: string; schedule?: string; episodes: string; seed: string; set: string[]; json?: boolean }) => {
      const world = getWorld(o.world);
      const family = getLearnerFamily(o.learner);
      // --set routes each key to the world's parameters or the learner's hyperparameters.
      const sets = parseSets(o.set);
      const worldKeys = new Set(Object.keys(paramRanges(world)));
      const learnerKeys = new Set(Object.keys((z.toJSONSchema(family.configSchema, { io: 'input', unrepresentable: 'any' }) as { properties?: object }).properties ?? {}));
      const params: Record<string, unknown> = {};
      const learnerConfig: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(sets)) {
        if (worldKeys.has(k)) params[k] = v;
        else if (learnerKeys.has(k)) learnerConfig[k] = v;
        else throw new InputError('--set', k, `a parameter of ${world.id} (${[...worldKeys].join(', ')}) or of ${family.id} (${[...learnerKeys].join(', ')})`);
      }
      const threshold = o.threshold === undefined ? undefined : parseOption('--threshold', z.coerce.number().refine(Number.isFinite, 'a finite number'), o.threshold);
      const config = {
        world: o.world,
        learner: o.learner,
        feedback: parseOption('--feedback', z.enum(CHANNEL_KINDS), o.feedback),
        ...(o.metric !== undefined ? { metric: o.metric } : {}),
        ...(o.direction !== undefined ? { direction: parseOption('--direction', z.enum(['lower', 'higher']), o.direction) } : {}),
        ...(threshold !== undefined ? { threshold } : {}),
        ...(o.schedule !== undefined ? { schedule: parseOption('--schedule', z.enum(SCHEDULES), o.schedule) } : {}),
        episodes: parseOption('--episodes', wholeNumber('--episodes', 1, 10_000_000), o.episodes),
        seed: parseOption('--seed', wholeNumber('--seed', 0, Number.MAX_SAFE_INTEGER), o.seed),
        params: validateSets(world.params, params),
        learnerConfig,
      };
      validateTrainConfig(config);
      const bar = progressBar(o.json ? { ...io, progress: false } : io, `${o.learner} on ${o.world}`);
      if (!o.json) io.out(`episodes   gtPassRate   metric        bits/feedback`);
      const r = await trainInWorker(config, (p, total) => {
        bar.update(p.episodes, total);
        if (!o.json) io.out(`${String(p.episodes).padStart(8)}   ${p.gtPassRate.toFixed(3).padStart(10)}   ${p.metric.toPrecision(5).padStart(11)}   ${p.bitsPerFeedback.toFixed(3).padStart(13)}`);
      });
      bar.stop();
      if (o.json) {
        const { world: w, learner, feedback, seed, curve, final, ...rest } = r;
        return io.out(JSON.stringify({ world: w, learner, feedback, seed, curve, final, ...rest }));
      }
      io.out(`final: ground-truth pass rate ${r.final.gtPassRate.toFixed(3)}, metric ${r.metric.expression} = ${r.final.metric.toPrecision(5)} (backend ${r.backend})`);
    });

  const bench = cmd.command('bench').description('Benchmarks (ratios measured in one run).');
  bench
    .command('physics')
    .description('Raw matter-js loop vs the sandbox in one worker vs the pool, on the projectile scene.')
    .option('--episodes <n>', 'episodes per timing', '6000')
    .option('--repeats <n>', 'timings per variant (best is kept)', '3')
    .option('--workers <w>', 'pool size (default: one per core)')
    .option('--json', 'print one JSON object')
    .action(async (o: { episodes: string; repeats: string; workers?: string; json?: boolean }) => {
      const episodes = parseOption('--episodes', wholeNumber('--episodes', 100, 1_000_000), o.episodes);
      const repeats = parseOption('--repeats', wholeNumber('--repeats', 1, 20), o.repeats);
      const workers = o.workers === undefined ? defaultWorkerCount() : parseOption('--workers', wholeNumber('--workers', 1, 64), o.workers);
      const r = await benchPhysics({ episodes, repeats, workers, makePool: (n) => createNodePool(n) });
      if (o.json) {
        const { rawEpisodesPerSecond, oneWorkerEpisodesPerSecond, poolEpisodesPerSecond, ratioToRaw, poolSpeedup } = r;
        return io.out(JSON.stringify({ rawEpisodesPerSecond, oneWorkerEpisodesPerSecond, poolEpisodesPerSecond, workers, ratioToRaw, poolSpeedup, episodes, rawMeanSteps: r.rawMeanSteps, sandboxMeanSteps: r.sandboxMeanSteps }));
      }
      io.out(`raw matter-js loop     ${r.rawEpisodesPerSecond} episodes/s (${r.rawMeanSteps} steps/episode)`);
      io.out(`sandbox, one worker    ${r.oneWorkerEpisodesPerSecond} episodes/s (${r.sandboxMeanSteps} steps/episode)  ratioToRaw ${r.ratioToRaw}`);
      io.out(`pool of ${r.workers} workers      ${r.poolEpisodesPerSecond} episodes/s  poolSpeedup ${r.poolSpeedup}`);
    });

  bench
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

  // ------------------------------------------------------------------ evolve and metric check
  /** An expression as an error message may quote it: hostile inputs can be 100,000 characters long. */
  const shortText = (text: string): string => (text.length > 60 ? `${text.slice(0, 60)}… (${text.length} characters)` : text);

  cmd
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
    // (issue 15) start metric: the direction comes from the measurements' declarations unless given.
    .option('--metric <expression>', "start metric expression (default: the world's default metric); needs --threshold")
    .option('--direction <dir>', 'lower | higher (default: from the measurements --metric reads; required when they declare none or disagree)')
    .option('--threshold <x>', 'pass threshold of --metric')
    .option('--sweep', `run the α sweep (0, 0.25, 0.5, 0.75, 1) over --seeds and print the trade-off frontier`)
    .option('--seeds <list>', 'seeds of the sweep, comma-separated', '1,2,3')
    .option('--json', 'print one JSON object')
    .action(async (o: { world: string; alpha?: string; generations: string; population: string; anchorBudget?: string; safeguard: string; proposer: string; episodes: string; warmup: string; seed: string; set: string[]; metric?: string; direction?: string; threshold?: string; sweep?: boolean; seeds: string; json?: boolean }) => {
      const world = getWorld(o.world);
      // (issue 15) --metric/--direction/--threshold → the config's start metric.
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

  cmd
    .command('metric')
    .description('The metric language.')
    .command('check')
    .description("Parse a metric expression against a world's measurements: the normalised text and the measurements used, or the error with its position (exit 2).")
    .argument('<expression>', 'metric expression (quote it)')
    .requiredOption('--world <id>', 'world id')
    .option('--direction <dir>', 'lower | higher (default: from the measurements the expression reads; required when they declare none or disagree)')
    .option('--json', 'print one JSON object')
    .action((expression: string, o: { world: string; direction?: string; json?: boolean }) => {
      const world = getWorld(o.world);
      const given = o.direction === undefined ? undefined : parseOption('--direction', z.enum(['lower', 'higher']), o.direction);
      let metric;
      let directionSource: string;
      try {
        // (issue 15) The direction: given, or from the measurements' declarations (exit 2 when they give none).
        const ast = parse(expression, world.measurements);
        const inferred = inferDirection(ast, world.measurements);
        directionSource = given !== undefined ? 'given with --direction' : inferred.reason;
        const direction = resolveDirection(ast, world.measurements, given);
        // The threshold does not matter to the check.
        metric = parseMetric({ expression, direction, threshold: 0 }, world.measurements);
      } catch (err) {
        if (err instanceof MetricError && err.code === 'direction-required') throw new InputError('--direction', undefined, directionRequiredText(expression, err));
        if (err instanceof MetricError) throw new InputError('expression', shortText(expression), `a metric expression over ${world.id}'s measurements (${err.message})`);
        throw err;
      }
      const used = measurementsUsed(metric.ast).map((name) => world.measurements.find((m) => m.name === name)!);
      if (o.json) return io.out(JSON.stringify({ world: world.id, expression: metric.expression, direction: metric.direction, directionSource, measurements: used.map((m) => ({ name: m.name, unit: m.unit, better: m.better, gameable: m.gameable ?? null })) }));
      io.out(metric.expression);
      io.out(`direction: ${metric.direction} (${directionSource})`);
      io.out(`measurements: ${used.map((m) => `${m.name} (${m.unit}${m.gameable ? ', gameable' : ''})`).join(', ') || 'none (a constant)'}`);
    });

  cmd
    .command('demo')
    .description('The default scenario: the worlds, a random baseline, and one learner taught by graded vs binary feedback.')
    .action(async () => demo(io.out, simulate));

  return cmd;
}

/** Runs the CLI with argv (without node and script); returns the exit code. */
export async function main(argv: readonly string[], io: CliIO = defaultIO()): Promise<number> {
  const state = { code: 0 };
  try {
    await program(io, state).parseAsync([...argv], { from: 'user' });
    return state.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; every other commander error is bad input.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    if (err instanceof InputError) {
      io.err(`mirage-lab: ${err.message}`);
      return 2;
    }
    io.err(`mirage-lab: internal error: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.MIRAGE_DEBUG && err instanceof Error && err.stack) io.err(err.stack);
    return 1;
  }
}
