/**
 * The `leakage` study — "giving the learner a strategy is information leakage": knowledge built
 * in, measured as the samples it saves, with and without it, on the same tasks.
 *
 * 1. Physics prior (projectile unless configured; graded feedback, the same seeds and train
 *    suites for every arm):
 *    - `prior` — physics-prior as shipped: the ballistic model, told g, its unknowns (gravity
 *      scale, launch height, slide, drag) fitted from feedback, starting from right guesses;
 *    - `prior-no-fit` — the fitted unknowns ablated: the model runs on its prior guesses alone;
 *    - `prior-wrong` — wrong prior values (gravity ×`wrongGravityScale`, launch height
 *      `wrongLaunchHeight` m), nothing fitted;
 *    - `prior-wrong-fit` — the same wrong values, fitted from feedback;
 *    - `no-prior` — gaussian-policy (an MLP that knows only the action box).
 *    Sample efficiency the prior bought = episodes to `threshold` of `no-prior` ÷ those of each
 *    prior arm, paired over seeds, with a bootstrap interval. When no-prior misses the threshold
 *    on a seed it counts as its budget and the ratio is a lower bound (`bound: 'lower'`); a prior
 *    arm that misses on some seed gets no ratio (its final GT says what it reached).
 * 2. The guessing game: hill-climber (prior-free: told nothing of the channel's meaning) against
 *    bayes-guesser (told it), on the same games through the same loop; queries to hit per
 *    channel and their ratio (prior-free ÷ Bayes) with a bootstrap interval. A game the
 *    hill-climber does not finish within `maxQueriesFactor`·N queries counts as that budget.
 * 3. An audit that train, anchor and probe tasks never overlap: for every seed of the study and
 *    every one-shot world with task features, the train suite (as `train` builds it), the
 *    anchor suite and the probe suite are compared task by task (exact task equality) and by
 *    the features a learner would see. `clean` is true when no pair is shared.
 *
 * Results shape (`LeakageResults`, docs/studies/leakage.md). Resumes by replay.
 */
import { z } from 'zod';
import { buildProbeSuite } from '../anchors/probe.ts';
import { buildAnchorSuite } from '../anchors/suites.ts';
import { Stream } from '../core/rng.ts';
import { resolveParams, WorldRuntime } from '../core/runtime.ts';
import { isClosedLoop, type TaskBase } from '../core/types.ts';
import { createChannel } from '../feedback/channels.ts';
import { createLearner } from '../learners/registry.ts';
import { compileMetric, parseMetric } from '../metrics/index.ts';
import { GUESS_MAX_N, guess, guessDefaultMetric, type GuessTask } from '../../worlds/guess.ts';
import { getWorld, WORLDS } from '../../worlds/index.ts';
import { bootstrap, mean, meanCi, type Interval } from '../stats/bootstrap.ts';
import { curveOverSeeds, episodesToThreshold, overSeeds, trainAll, type CurveSummaryPoint, type SeedEstimate } from './study-runs.ts';
import { feedbackInfo, resolveMetric, validateTrainConfig } from './train.ts';
import { trainSuite } from './training-loop.ts';
import { defineExperiment } from './types.ts';

/** The arms of the physics-prior part. */
export const PRIOR_ARMS = ['prior', 'prior-no-fit', 'prior-wrong', 'prior-wrong-fit', 'no-prior'] as const;
/** One arm. */
export type PriorArm = (typeof PRIOR_ARMS)[number];
/** Channels of the guessing part. */
export const GUESS_CHANNELS = ['binary', 'hotcold', 'graded'] as const;

/** The study's config (strict; defaults are the full preset). */
export const leakageStudySchema = z.strictObject({
  world: z.string().default('projectile').describe('World of the physics-prior part (features targetX and gravity, actions [angle, speed]).'),
  arms: z.array(z.enum(PRIOR_ARMS)).min(1).default([...PRIOR_ARMS]).describe('Arms of the physics-prior part.'),
  seeds: z.array(z.number().int().min(0).max(2 ** 31 - 1)).min(1).max(64).default([1, 2, 3, 4, 5]).describe('Training seeds (also the audit seeds).'),
  priorEpisodes: z.number().int().min(64).max(1_000_000).default(1000).describe('Training episodes of each physics-prior arm.'),
  mlpEpisodes: z.number().int().min(64).max(1_000_000).default(4000).describe('Training episodes of the no-prior arm.'),
  evalPoints: z.number().int().min(2).max(200).default(16).describe('Points on each learning curve (episodes to threshold are read off them).'),
  evalTasks: z.number().int().min(8).max(1024).default(64).describe('Train tasks the curve is measured on.'),
  threshold: z.number().min(0).max(1).default(0.8).describe('GT pass rate whose first crossing measures sample efficiency.'),
  wrongGravityScale: z.number().positive().max(10).default(0.6).describe('The wrong prior: effective gravity ÷ feature gravity.'),
  wrongLaunchHeight: z.number().min(0).max(10).default(3).describe('The wrong prior: launch height, m (the world launches from 1 m).'),
  guessN: z.number().int().min(2).max(GUESS_MAX_N).default(1024).describe('Cells of the guessing game.'),
  guessGames: z.number().int().min(2).max(10_000).default(64).describe('Games per channel and learner.'),
  maxQueriesFactor: z.number().int().min(1).max(64).default(8).describe('Query budget per game, × N.'),
  auditTasks: z.number().int().min(1).max(100_000).default(256).describe('Tasks per split compared in the audit.'),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0).describe('Run seed: the guessing games and the bootstrap resamples derive from it.'),
});
/** A parsed leakage-study config. */
export type LeakageStudyConfig = z.infer<typeof leakageStudySchema>;

/** One arm of the physics-prior part. */
export interface PriorArmResult {
  readonly arm: PriorArm;
  readonly learner: string;
  readonly learnerConfig: Record<string, unknown>;
  /** What was built in, as the learner records it. */
  readonly priors: readonly string[];
  readonly episodes: number;
  readonly curve: CurveSummaryPoint[];
  readonly finalGt: SeedEstimate;
  /** Per seed (null: never reached within the budget). */
  readonly episodesToThreshold: (number | null)[];
  readonly reached: number;
}

/** Samples a prior arm saved against `no-prior`. */
export interface Bought {
  readonly arm: PriorArm;
  /**
   * mean episodes-to-threshold of no-prior ÷ that of the arm, paired over seeds; null when the
   * arm missed the threshold on some seed (a ratio with a missing denominator means nothing).
   */
  readonly ratio: { readonly estimate: number; readonly ci: Interval } | null;
  /**
   * 'lower' when the ratio is only a lower bound: no-prior missed on some seed (counted as its
   * budget), or the arm was already past the threshold at its first curve point (it may have
   * needed fewer episodes than that point's count).
   */
  readonly bound: 'lower' | null;
  /** Why there is no ratio, when there is none. */
  readonly note: string | null;
}

/** One channel of the guessing part. */
export interface GuessLeakRow {
  readonly channel: (typeof GUESS_CHANNELS)[number];
  readonly bayes: { readonly mean: number; readonly ci: Interval | null; readonly unresolved: number };
  readonly priorFree: { readonly mean: number; readonly ci: Interval | null; readonly unresolved: number };
  /** priorFree ÷ bayes queries to hit (unresolved games counted as the budget). */
  readonly ratio: { readonly estimate: number; readonly ci: Interval } | null;
}

/** The audit of one world. */
export interface AuditRow {
  readonly world: string;
  readonly tasksPerSplit: number;
  /** Pairs of splits sharing an identical task, summed over seeds. */
  readonly exact: { readonly trainAnchor: number; readonly trainProbe: number; readonly anchorProbe: number };
  /** Pairs of splits sharing a feature vector (what a learner sees), summed over seeds. */
  readonly features: { readonly trainAnchor: number; readonly trainProbe: number; readonly anchorProbe: number };
}

/** What `leakage` finishes with. */
export interface LeakageResults {
  readonly world: string;
  readonly seeds: number[];
  readonly threshold: number;
  readonly prior: { readonly arms: PriorArmResult[]; readonly bought: Bought[] };
  readonly guessing: { readonly n: number; readonly games: number; readonly maxQueries: number; readonly rows: GuessLeakRow[] };
  readonly audit: { readonly seeds: number[]; readonly worlds: AuditRow[]; readonly clean: boolean };
}

/** Queries to hit of one learner in seeded guessing games (null: not within `maxQueries`). */
export async function guessQueries(
  learnerId: 'bayes-guesser' | 'hill-climber',
  o: { n: number; channel: (typeof GUESS_CHANNELS)[number]; games: number; seed: number; maxQueries: number },
): Promise<(number | null)[]> {
  const params = guess.params.parse(resolveParams(guess, { n: o.n }));
  const runtime = new WorldRuntime(guess);
  const metric = resolveMetric(guess, params, {});
  const sense = compileMetric(parseMetric(guessDefaultMetric, guess.measurements.map((m) => m.name)));
  const out: (number | null)[] = [];
  for (let gi = 0; gi < o.games; gi++) {
    // The same targets and task ids for both learners: game gi is the same game.
    const draw = new Stream([o.seed, 'leak-guess', gi]);
    const task: GuessTask = { split: 'train', target: draw.int(0, o.n - 1), id: draw.int(0, 2 ** 31 - 1) };
    const channel = createChannel(o.channel);
    // Both are given the run's feedback description; only bayes-guesser reads it (hill-climber's contract).
    const env = { world: guess.id, actionSpace: guess.actionSpace(params), featureNames: guess.featureNames!(params), feedback: feedbackInfo(channel, metric) };
    const learner = await createLearner(learnerId, env, {}, o.seed);
    const rng = new Stream([o.seed, 'leak-learner', learnerId, gi]);
    const features = guess.taskFeatures!(task, params);
    const taskKey = `game-${gi}`;
    let hit: number | null = null;
    try {
      for (let q = 0; q < o.maxQueries; q++) {
        const action = learner.act([features], rng, 'explore')[0] as number[];
        const c = runtime.run(params, { episode: q, task, action }, o.seed, false);
        const fb = channel.feedback(sense.value(c.measurements), sense, { taskKey });
        learner.learn([{ features, action, feedback: fb, taskKey }], rng);
        if (c.gtPass) {
          hit = q + 1;
          break;
        }
      }
    } finally {
      learner.dispose();
    }
    out.push(hit);
  }
  return out;
}

/** Counts the entries of `b` whose key also occurs in `a` (the audit's overlap count). */
export function sharedCount(a: readonly string[], b: readonly string[]): number {
  const set = new Set(a);
  return b.filter((x) => set.has(x)).length;
}

/** The audit of one world and seed (see the module doc). */
export function auditWorld(worldId: string, seed: number, size: number): { exact: AuditRow['exact']; features: AuditRow['features'] } {
  const world = getWorld(worldId);
  const params = resolveParams(world, {});
  const train = trainSuite({ trainTasks: size, seed }, world, params);
  const anchor = buildAnchorSuite(world, params, seed, size);
  const probe = buildProbeSuite(world, params, seed, size);
  // Compare tasks without their split label: the split is what differs by definition.
  const strip = (t: TaskBase): string => JSON.stringify({ ...t, split: undefined });
  const feat = (t: TaskBase): string => {
    const resolved = t.overrides ? resolveParams(world, { ...params, ...t.overrides }) : params;
    return JSON.stringify(world.taskFeatures?.(t, resolved) ?? []);
  };
  const tr = train.map((t) => t.task);
  return {
    exact: { trainAnchor: sharedCount(tr.map(strip), anchor.tasks.map(strip)), trainProbe: sharedCount(tr.map(strip), probe.tasks.map(strip)), anchorProbe: sharedCount(anchor.tasks.map(strip), probe.tasks.map(strip)) },
    features: { trainAnchor: sharedCount(tr.map(feat), anchor.tasks.map(feat)), trainProbe: sharedCount(tr.map(feat), probe.tasks.map(feat)), anchorProbe: sharedCount(anchor.tasks.map(feat), probe.tasks.map(feat)) },
  };
}

/** Ratio of means a ÷ b with a bootstrap interval (independent resamples of each). */
function ratioCi(a: readonly number[], b: readonly number[], key: readonly (number | string)[], level: number): { estimate: number; ci: Interval } | null {
  const pairs = a.map((x, i) => [x, b[i] as number] as const);
  const est = bootstrap(pairs, (s) => mean(s.map((p) => p[0])) / mean(s.map((p) => p[1])), { key, level });
  return est ? { estimate: est.estimate, ci: est.ci } : null;
}

/**
 * The leakage study (registry id `leakage`). Events: `started`; per seed a `progress`; per arm,
 * seed and curve point a `point` on `groundTruth` (`seed` set); per channel and learner a
 * `point` on `guessQueries` (x = channel index 0 binary, 1 hotcold, 2 graded; with its interval);
 * `finished` with LeakageResults.
 */
export const leakageExperiment = defineExperiment<LeakageStudyConfig, LeakageResults>({
  id: 'leakage',
  title: 'Leakage: what built-in knowledge buys, measured',
  description:
    'physics-prior with its fitted unknowns ablated or given wrong values against a learner without the prior; hill-climber (told nothing of the channel) against bayes-guesser (told its meaning); and an audit that train, anchor and probe tasks never overlap.',
  // Learners may be tfjs ones (gaussian-policy): the host initialises tfjs and records its backend.
  needsTf: true,
  configSchema: leakageStudySchema,
  quick: { seeds: [1, 2], priorEpisodes: 384, mlpEpisodes: 1600, evalPoints: 8, evalTasks: 32, guessN: 256, guessGames: 24, auditTasks: 128 },
  charts: [
    { id: 'groundTruth', title: 'Greedy GT pass rate, with and without the physics prior (mean ± sd over seeds)', x: 'episodes', y: 'GT pass rate' },
    { id: 'guessQueries', title: 'Guessing game: queries to hit (0 binary, 1 hot/cold, 2 graded; 90% interval)', x: 'channel', y: 'queries', logY: true, mark: 'point' },
  ],
  keyResult: (r) => {
    const b = r.prior.bought.find((x) => x.arm === 'prior');
    const hc = r.guessing.rows.find((x) => x.channel === 'hotcold');
    return `prior bought ${b?.ratio ? `${b.bound ? '≥ ' : ''}${b.ratio.estimate.toFixed(1)}×` : '—'} samples; hot/cold without its meaning ${hc?.ratio ? `${hc.ratio.estimate.toFixed(1)}×` : '—'} the queries; audit ${r.audit.clean ? 'clean' : 'OVERLAP'}`;
  },
  async *run(config, ctx) {
    const level = 0.9;
    const armConfig = (arm: PriorArm, seed: number): Record<string, unknown> => {
      const learnerConfig: Record<string, unknown> =
        arm === 'prior-no-fit' ? { fit: [] } : arm === 'prior-wrong' ? { fit: [], gravityScaleGuess: config.wrongGravityScale, launchHeightGuess: config.wrongLaunchHeight } : arm === 'prior-wrong-fit' ? { gravityScaleGuess: config.wrongGravityScale, launchHeightGuess: config.wrongLaunchHeight } : {};
      return {
        world: config.world,
        learner: arm === 'no-prior' ? 'gaussian-policy' : 'physics-prior',
        learnerConfig,
        feedback: 'graded',
        episodes: arm === 'no-prior' ? config.mlpEpisodes : config.priorEpisodes,
        evalPoints: config.evalPoints,
        evalTasks: config.evalTasks,
        seed,
      };
    };
    for (const arm of config.arms) validateTrainConfig(armConfig(arm, config.seeds[0] as number));
    yield { type: 'started', unit: 'runs', total: config.seeds.length * config.arms.length };

    const curves = new Map<PriorArm, { curve: { episodes: number; gtPassRate: number; metric: number; bitsPerFeedback: number }[]; priors: readonly string[] }[]>(config.arms.map((a) => [a, []]));
    for (const [si, seed] of config.seeds.entries()) {
      const results = await trainAll(config.arms.map((arm) => ({ config: armConfig(arm, seed) })), ctx.batch);
      for (const [i, arm] of config.arms.entries()) {
        const r = results[i]!;
        curves.get(arm)!.push({ curve: r.curve, priors: r.priors });
        for (const p of r.curve) yield { type: 'point', chart: 'groundTruth', series: arm, x: p.episodes, y: p.gtPassRate, seed };
      }
      yield { type: 'progress', stage: `seed ${seed}`, done: (si + 1) * config.arms.length, total: config.seeds.length * config.arms.length, unit: 'runs' };
      if (ctx.signal.aborted) return;
    }
    const arms: PriorArmResult[] = config.arms.map((arm) => {
      const runs = curves.get(arm)!;
      const ett = runs.map((r) => episodesToThreshold(r.curve, config.threshold));
      const cfg = armConfig(arm, 0);
      return {
        arm,
        learner: cfg.learner as string,
        learnerConfig: cfg.learnerConfig as Record<string, unknown>,
        priors: runs[0]?.priors ?? [],
        episodes: cfg.episodes as number,
        curve: curveOverSeeds(runs.map((r) => r.curve), [config.seed, 'leak-curve', arm], level),
        finalGt: overSeeds(runs.map((r) => r.curve.at(-1)?.gtPassRate ?? NaN), [config.seed, 'leak-final', arm], level),
        episodesToThreshold: ett,
        reached: ett.filter((e) => e !== null).length,
      };
    });
    const none = arms.find((a) => a.arm === 'no-prior');
    const bought: Bought[] = none
      ? arms
          .filter((a) => a.arm !== 'no-prior')
          .map((a) => {
            const np = none.episodesToThreshold.map((e) => e ?? none.episodes);
            const pa = a.episodesToThreshold.map((e) => e ?? a.episodes);
            const firstPoint = a.curve[0]?.episodes;
            const bound = none.reached < config.seeds.length || a.episodesToThreshold.some((e) => e !== null && e === firstPoint) ? ('lower' as const) : null;
            if (a.reached < config.seeds.length) return { arm: a.arm, ratio: null, bound, note: `reached GT ${config.threshold} on ${a.reached} of ${config.seeds.length} seeds within ${a.episodes} episodes` };
            const ratio = config.seeds.length > 1 ? ratioCi(np, pa, [config.seed, 'leak-bought', a.arm], level) : { estimate: mean(np) / mean(pa), ci: [mean(np) / mean(pa), mean(np) / mean(pa)] as Interval };
            return { arm: a.arm, ratio, bound, note: null };
          })
      : [];

    // The guessing game: the same games for both learners.
    const maxQueries = config.maxQueriesFactor * config.guessN;
    const rows: GuessLeakRow[] = [];
    for (const [ci, channel] of GUESS_CHANNELS.entries()) {
      const o = { n: config.guessN, channel, games: config.guessGames, seed: config.seed, maxQueries };
      const bayes = await guessQueries('bayes-guesser', o);
      const free = await guessQueries('hill-climber', o);
      const summary = (xs: (number | null)[], who: string) => {
        const v = xs.map((x) => x ?? maxQueries);
        const est = meanCi(v, { key: [config.seed, 'leak-guess', channel, who], level });
        return { mean: mean(v), ci: est ? est.ci : null, unresolved: xs.filter((x) => x === null).length };
      };
      const b = summary(bayes, 'bayes');
      const f = summary(free, 'free');
      const est = bootstrap(
        bayes.map((x, i) => [x ?? maxQueries, free[i] ?? maxQueries] as const),
        (s) => mean(s.map((p) => p[1])) / mean(s.map((p) => p[0])),
        { key: [config.seed, 'leak-guess-ratio', channel], level },
      );
      rows.push({ channel, bayes: b, priorFree: f, ratio: est ? { estimate: est.estimate, ci: est.ci } : null });
      for (const [who, s] of [['bayes-guesser', b], ['hill-climber', f]] as const) yield { type: 'point', chart: 'guessQueries', series: who, x: ci, y: s.mean, ...(s.ci ? { lo: s.ci[0], hi: s.ci[1] } : {}) };
    }

    // The audit: every one-shot world with task features, every seed of the study.
    const auditWorlds = WORLDS.filter((w) => !isClosedLoop(w) && w.taskFeatures).map((w) => w.id);
    const audit: AuditRow[] = auditWorlds.map((id) => {
      const sum = { exact: { trainAnchor: 0, trainProbe: 0, anchorProbe: 0 }, features: { trainAnchor: 0, trainProbe: 0, anchorProbe: 0 } };
      for (const seed of config.seeds) {
        const a = auditWorld(id, seed, config.auditTasks);
        for (const k of ['trainAnchor', 'trainProbe', 'anchorProbe'] as const) {
          sum.exact[k] += a.exact[k];
          sum.features[k] += a.features[k];
        }
      }
      return { world: id, tasksPerSplit: config.auditTasks, ...sum };
    });
    const clean = audit.every((r) => Object.values(r.exact).every((x) => x === 0) && Object.values(r.features).every((x) => x === 0));
    const results: LeakageResults = {
      world: config.world,
      seeds: config.seeds,
      threshold: config.threshold,
      prior: { arms, bought },
      guessing: { n: config.guessN, games: config.guessGames, maxQueries, rows },
      audit: { seeds: config.seeds, worlds: audit, clean },
    };
    yield { type: 'finished', results: JSON.parse(JSON.stringify(results)) as LeakageResults };
  },
});
