/**
 * The `mirage` study — Schaeffer, Miranda, Koyejo 2023 ("Are emergent abilities a mirage?") on our
 * own rollouts. A learner trains on `multi-target` with k targets (k = 5 by default); at a sweep
 * of training budgets (read off one learning curve per seed: `results.axis`) its greedy actions
 * are rolled out on held-out tasks, and the *same* rollouts are scored three ways:
 *
 * - `allHit` — all-or-nothing: every one of the k throws rests in its zone (the world's GT check);
 * - `perTargetHit` — the share of the k throws that rest in their zones (continuous in k steps);
 * - `meanError` — mean rest error over the throws, in metres (continuous).
 *
 * If per-target hits were independent with rate p, allHit would be p^k: `predictedAllHit` is
 * that prediction (computed per seed, then averaged, so seed-to-seed spread in p is not mistaken
 * for a jump). An *apparent jump* is a step between neighbouring budgets that carries at least
 * `jumpShare` of allHit's whole rise; its verdict is "explained by the metric" when the
 * prediction lies inside allHit's interval at both ends of the step (the smooth per-target curve,
 * passed through the metric, reproduces the jump), otherwise "not explained by the metric".
 *
 * Where the budgets sit (`spacing`). Schaeffer et al.'s argument needs an ability that improves
 * smoothly along the scale axis (there, per-token accuracy on a log-parameter axis) and asks what
 * an all-or-nothing metric makes of it. A log-spaced budget axis is not that here: the learner
 * throws at chance for its first few hundred episodes and then learns fast, so on a log axis the
 * per-target rate itself is S-shaped and carries most of its rise in one or two steps.
 * `even-progress` (the default) places the budgets where a *pilot* learner (its own seed, never
 * one of the study's) first reached evenly spaced per-target rates between its rate at the first
 * budget and at the last, so the axis is one on which the ability rises evenly; the study's seeds
 * are then measured at those budgets. `log` keeps plain log spacing. The pilot's curve and levels
 * are part of the results.
 *
 * A sweep with one cell per seed (`--shard` splits seeds; `merge` joins them). Every score has a
 * two-level bootstrap interval (seeds, then tasks within a seed). Checkpoints after each seed.
 *
 * results (MirageResults, checked by `mirageResultsSchema`):
 *   { study: 'mirage', world, k, axis, spacing, pilot, seeds[], level, evalTasks, learner, feedback,
 *     points[]: { scale, allHit, allHitCi, perTargetHit, perTargetHitCi, meanError, meanErrorCi,
 *                 predictedAllHit, predictedAllHitCi, predictionInside, perSeed{…} },
 *     jumps[]: { fromScale, toScale, allHitStep, allHitShare, perTargetShare, verdict, … },
 *     shape: { allHitMaxStepShare, perTargetMaxStepShare, stepShareRatio, perTargetTop, predictionInside, points } }
 */
import { z } from 'zod';
import { resolveParams } from '../core/runtime.ts';
import type { Consequence } from '../core/types.ts';
import { CHANNEL_KINDS, createChannel } from '../feedback/channels.ts';
import { compile } from '../metrics/index.ts';
import { bootstrapNested, mean, wilsonCi, type Interval } from '../stats/bootstrap.ts';
import { getWorld } from '../../worlds/index.ts';
import { MAX_TARGETS } from '../../worlds/multi-target.ts';
import { channelFeedback, logBudgets, runStudy, studyConfigOf } from './study-loop.ts';
import { feedbackInfo, resolveMetric } from './train.ts';
import { defineExperiment, type ExperimentEvent, type RunContext } from './types.ts';

/**
 * The learner settings of the study: gaussian-policy with a decaying step size (without it the
 * policy's aim stalls near 0.65 per-target on k = 5; see docs/studies/mirage.md).
 */
export const MIRAGE_LEARNER_CONFIG = Object.freeze({ learningRate: 0.003, initialStd: 0.15, learningRateDecayRounds: 50 });

/**
 * The pilot learner's seed is the run's seed + this: above every study seed (≤ 64) and every
 * fresh seed `refute` adds after them (≤ 64 more), so the pilot never shares a learner with them.
 */
export const PILOT_SEED_OFFSET = 1000;

/** The study's config (one schema for CLI, files and the app). */
export const mirageConfigSchema = z.strictObject({
  k: z.number().int().min(1).max(MAX_TARGETS).default(5).describe('Targets per task (one throw each).'),
  params: z.record(z.string(), z.unknown()).default({}).describe('Further multi-target world parameters.'),
  learner: z.string().default('gaussian-policy').describe('Learner family id.'),
  learnerConfig: z.record(z.string(), z.unknown()).default({ ...MIRAGE_LEARNER_CONFIG }).describe("Hyperparameters, validated by the family's schema."),
  feedback: z.enum(CHANNEL_KINDS).exclude(['scheduled']).default('graded').describe("Channel the learner trains through (on the world's default metric, mean rest error)."),
  episodes: z.number().int().min(2).max(1_000_000).default(12_000).describe('Training budget at the top of the sweep (episodes).'),
  firstBudget: z.number().int().min(0).max(1_000_000).optional().describe('Budget of the first point (default: episodes / 32).'),
  points: z.number().int().min(3).max(64).default(8).describe('Points of the sweep, from firstBudget to episodes.'),
  spacing: z
    .enum(['even-progress', 'log'])
    .default('even-progress')
    .describe("even-progress: budgets where a pilot learner (its own seed) reached evenly spaced per-target hit rates; log: log-spaced budgets."),
  pilotPoints: z.number().int().min(4).max(64).default(16).describe('even-progress: log-spaced budgets at which the pilot learner is scored.'),
  seeds: z.number().int().min(1).max(64).default(5).describe('Learners trained (seeds seed, seed+1, …): one curve each.'),
  roundSize: z.number().int().min(1).max(4096).default(64).describe('Episodes per learning round.'),
  trainTasks: z.number().int().min(1).max(100_000).default(256).describe('Size of the fixed train suite.'),
  evalTasks: z.number().int().min(1).max(10_000).default(256).describe('Held-out tasks every point is rolled out on.'),
  level: z.number().gt(0).lt(1).default(0.95).describe('Coverage of the bootstrap intervals.'),
  resamples: z.number().int().min(50).max(100_000).default(1000).describe('Bootstrap resamples.'),
  jumpShare: z.number().gt(0).max(1).default(0.25).describe('A step of allHit carrying at least this share of its total rise is an apparent jump.'),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER - 2 * PILOT_SEED_OFFSET).default(0),
});
/** A parsed mirage config. */
export type MirageConfig = z.infer<typeof mirageConfigSchema>;

/** What one seed's rollouts at one budget scored, per evaluation task (the cell's raw data). */
export interface SeedPoint {
  readonly scale: number;
  /** Per task: 1 when all k throws hit, else 0. */
  readonly allHit: number[];
  /** Per task: throws that hit (0…k). */
  readonly hits: number[];
  /** Per task: mean rest error (m). */
  readonly error: number[];
}
/** The pilot learner that placed an even-progress sweep's budgets. */
export interface MiragePilot {
  readonly seed: number;
  /** The pilot's scores at its own log-spaced budgets. */
  readonly points: { scale: number; perTargetHit: number; meanError: number }[];
  /** The per-target rates the sweep's budgets were placed at (first to last point). */
  readonly levels: number[];
}
/** One cell: one seed's learning curve, scored at every budget (and the pilot that placed the budgets). */
export interface SeedCurve {
  readonly seed: number;
  readonly points: SeedPoint[];
  readonly pilot: MiragePilot | null;
}

const interval = z.tuple([z.number(), z.number()]);
const pointSchema = z.strictObject({
  scale: z.number(),
  allHit: z.number(),
  allHitCi: interval,
  perTargetHit: z.number(),
  perTargetHitCi: interval,
  meanError: z.number(),
  meanErrorCi: interval,
  predictedAllHit: z.number(),
  predictedAllHitCi: interval,
  /** predictedAllHit lies inside allHitCi. */
  predictionInside: z.boolean(),
  perSeed: z.strictObject({ seeds: z.array(z.number()), allHit: z.array(z.number()), perTargetHit: z.array(z.number()), meanError: z.array(z.number()) }),
});
const jumpSchema = z.strictObject({
  from: z.number().int(),
  to: z.number().int(),
  fromScale: z.number(),
  toScale: z.number(),
  allHitStep: z.number(),
  allHitShare: z.number(),
  perTargetStep: z.number(),
  perTargetShare: z.number(),
  predictedStep: z.number(),
  verdict: z.enum(['explained by the metric', 'not explained by the metric']),
  reason: z.string(),
});
const pilotSchema = z.strictObject({
  seed: z.number().int(),
  points: z.array(z.strictObject({ scale: z.number(), perTargetHit: z.number(), meanError: z.number() })),
  levels: z.array(z.number()),
});
/** The study's results shape (documented in docs/studies/mirage.md). */
export const mirageResultsSchema = z.strictObject({
  study: z.literal('mirage'),
  world: z.literal('multi-target'),
  k: z.number().int(),
  axis: z.string(),
  spacing: z.enum(['even-progress', 'log']),
  /** even-progress: the pilot learner and the per-target levels its budgets were placed at; null for log. */
  pilot: pilotSchema.nullable(),
  learner: z.string(),
  feedback: z.string(),
  seeds: z.array(z.number().int()),
  level: z.number(),
  evalTasks: z.number().int(),
  jumpShare: z.number(),
  points: z.array(pointSchema),
  jumps: z.array(jumpSchema),
  shape: z.strictObject({
    /** allHit's largest step between neighbouring points / its total rise (last − first). */
    allHitMaxStepShare: z.number().nullable(),
    perTargetMaxStepShare: z.number().nullable(),
    /** meanError's largest drop between neighbours / its total drop (the continuous score). */
    meanErrorMaxStepShare: z.number().nullable(),
    /** allHitMaxStepShare / perTargetMaxStepShare. */
    stepShareRatio: z.number().nullable(),
    perTargetTop: z.number(),
    /** Points whose predictedAllHit lies inside allHit's interval. */
    predictionInside: z.number().int(),
    points: z.number().int(),
  }),
});
/** The study's results. */
export type MirageResults = z.infer<typeof mirageResultsSchema>;
/** One point of the results. */
export type MiragePoint = z.infer<typeof pointSchema>;
/** One apparent jump with its verdict. */
export type MirageJump = z.infer<typeof jumpSchema>;

/**
 * The budgets of the sweep: log-spaced from `firstBudget` (default episodes / 32) to `episodes`,
 * each rounded to a whole number of learning rounds. Rounds then never split at a budget, so the
 * learner a seed has at budget b is the same whatever other budgets are evaluated: `refute` can
 * add budgets (raise the resolution) without changing the learners it re-scores.
 */
export function mirageBudgets(c: Pick<MirageConfig, 'episodes' | 'firstBudget' | 'points' | 'roundSize'>): number[] {
  const first = c.firstBudget ?? Math.max(1, Math.round(c.episodes / 32));
  if (first >= c.episodes) throw new RangeError(`firstBudget ${first} must be below episodes ${c.episodes}`);
  return toRounds(first === 0 ? [0, ...logBudgets(Math.max(1, Math.round(c.episodes / 64)), c.episodes, c.points - 1)] : logBudgets(first, c.episodes, c.points), c.roundSize, c.episodes);
}

/** Budgets rounded to whole rounds (the last may be `episodes` itself), strictly increasing. */
export function toRounds(budgets: readonly number[], roundSize: number, episodes: number): number[] {
  const out: number[] = [];
  for (const b of budgets) {
    const r = b >= episodes ? episodes : b === 0 ? 0 : Math.min(episodes, Math.max(roundSize, Math.round(b / roundSize) * roundSize));
    if (out.length === 0 || r > (out[out.length - 1] as number)) out.push(r);
  }
  return out;
}

/** The axis the sweep scales, by spacing. */
export const MIRAGE_AXIS = {
  log: 'training budget: episodes trained, read off one learning curve per seed (log-spaced)',
  'even-progress': "training budget: episodes trained, read off one learning curve per seed (placed where a pilot learner reached evenly spaced per-target hit rates)",
} as const;

/**
 * Even-progress budgets from a pilot learner's per-target curve (at increasing budgets whose
 * first and last are the sweep's). Levels are `points` evenly spaced rates from the pilot's rate
 * at the first budget to its rate at the last, on the curve's running maximum (so a dip from
 * evaluation noise cannot place a budget twice); each inner budget is where that envelope first
 * reaches its level, interpolated in log budget between the pilot's points and rounded to whole
 * rounds. Without a rise the pilot says nothing about where learning happens: log spacing then
 * (`levels` empty).
 */
export function evenProgressBudgets(
  pilot: readonly { scale: number; perTargetHit: number }[],
  c: Pick<MirageConfig, 'episodes' | 'firstBudget' | 'points' | 'roundSize'>,
): { budgets: number[]; levels: number[] } {
  const env: number[] = [];
  for (const p of pilot) env.push(Math.max(p.perTargetHit, env[env.length - 1] ?? -Infinity));
  const lo = env[0] as number;
  const hi = env[env.length - 1] as number;
  const first = (pilot[0] as { scale: number }).scale;
  if (!(hi > lo) || c.points < 3) return { budgets: mirageBudgets(c), levels: [] };
  const levels = Array.from({ length: c.points }, (_, i) => lo + ((hi - lo) * i) / (c.points - 1));
  const out = [first];
  for (let i = 1; i < c.points - 1; i++) {
    const level = levels[i] as number;
    const j = env.findIndex((y) => y >= level);
    const x0 = (pilot[j - 1] as { scale: number }).scale;
    const x1 = (pilot[j] as { scale: number }).scale;
    const frac = (level - (env[j - 1] as number)) / ((env[j] as number) - (env[j - 1] as number));
    const b = x0 > 0 ? Math.exp(Math.log(x0) + frac * (Math.log(x1) - Math.log(x0))) : x0 + frac * (x1 - x0);
    out.push(Math.round(b / c.roundSize) * c.roundSize);
  }
  out.push(c.episodes);
  // Neighbouring levels may round to one round: keep them a round apart, inside (first, episodes).
  for (let i = 1; i < out.length - 1; i++) out[i] = Math.max(out[i] as number, (out[i - 1] as number) + c.roundSize);
  for (let i = out.length - 2; i > 0; i--) out[i] = Math.min(out[i] as number, (out[i + 1] as number) - c.roundSize);
  return { budgets: toRounds(out, c.roundSize, c.episodes), levels };
}

/** Largest step between neighbours as a share of the total rise (last − first); null without a rise. */
export function maxStepShare(ys: readonly number[]): number | null {
  if (ys.length < 2) return null;
  const rise = (ys[ys.length - 1] as number) - (ys[0] as number);
  if (!(rise > 0)) return null;
  let best = -Infinity;
  for (let i = 1; i < ys.length; i++) best = Math.max(best, (ys[i] as number) - (ys[i - 1] as number));
  return best / rise;
}

const inside = (x: number, ci: Interval): boolean => ci[0] <= x && x <= ci[1];
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/**
 * A rate's interval: the hull of its nested bootstrap interval and the Wilson interval of the
 * pooled counts. The percentile bootstrap collapses to [0, 0] when no task passed (every resample
 * is 0), which would call any positive prediction "outside"; Wilson gives 0 of n its honest
 * upper bound (≈ 3.8/n at 95%). The bootstrap carries the seed-to-seed spread Wilson ignores.
 */
function withWilson(e: { estimate: number; ci: Interval }, successes: number, n: number, level: number): { estimate: number; ci: Interval } {
  const w = wilsonCi(successes, n, level);
  return w ? { estimate: e.estimate, ci: [Math.min(e.ci[0], w[0]), Math.max(e.ci[1], w[1])] } : e;
}

/** The whole study's results from its cells (seeds), in cell order: `sweep.combine`. */
export function combineMirage(config: MirageConfig, cells: readonly SeedCurve[]): MirageResults {
  const k = config.k;
  // Every cell was measured at the same budgets (the pilot's placement is deterministic).
  const budgets = cells[0]?.points.map((p) => p.scale) ?? mirageBudgets(config);
  for (const c of cells) if (c.points.length !== budgets.length || c.points.some((p, i) => p.scale !== budgets[i])) throw new Error(`mirage: seed ${c.seed} was measured at other budgets than seed ${cells[0]?.seed}`);
  const opts = (i: number, name: string) => ({ key: [config.seed, 'mirage', name, i], level: config.level, resamples: config.resamples });
  const seeds = cells.map((c) => c.seed);
  // Per seed: rates over its tasks; the study's score is the mean over seeds.
  const perSeedMean = (groups: readonly (readonly number[])[]) => mean(groups.map((g) => mean(g)));
  const predicted = (groups: readonly (readonly number[])[]) => mean(groups.map((g) => Math.pow(mean(g) / k, k)));
  const points: MiragePoint[] = budgets.map((scale, i) => {
    const at = cells.map((c) => c.points[i] as SeedPoint);
    const ci = (groups: number[][], stat: (g: readonly (readonly number[])[]) => number, name: string): { estimate: number; ci: Interval } => {
      const e = bootstrapNested(groups, stat, opts(i, name));
      const est = stat(groups);
      return e ?? { estimate: est, ci: [est, est] };
    };
    const allHit = withWilson(
      ci(
        at.map((p) => p.allHit),
        perSeedMean,
        'allHit',
      ),
      sum(at.flatMap((p) => p.allHit)),
      sum(at.map((p) => p.allHit.length)),
      config.level,
    );
    const perTarget = withWilson(
      ci(
        at.map((p) => p.hits.map((h) => h / k)),
        perSeedMean,
        'perTarget',
      ),
      sum(at.flatMap((p) => p.hits)),
      k * sum(at.map((p) => p.hits.length)),
      config.level,
    );
    const error = ci(
      at.map((p) => p.error),
      perSeedMean,
      'error',
    );
    const pred = ci(
      at.map((p) => p.hits),
      predicted,
      'predicted',
    );
    return {
      scale,
      allHit: allHit.estimate,
      allHitCi: allHit.ci,
      perTargetHit: perTarget.estimate,
      perTargetHitCi: perTarget.ci,
      meanError: error.estimate,
      meanErrorCi: error.ci,
      predictedAllHit: pred.estimate,
      predictedAllHitCi: pred.ci,
      predictionInside: inside(pred.estimate, allHit.ci),
      perSeed: {
        seeds,
        allHit: at.map((p) => mean(p.allHit)),
        perTargetHit: at.map((p) => mean(p.hits) / k),
        meanError: at.map((p) => mean(p.error)),
      },
    };
  });
  const all = points.map((p) => p.allHit);
  const per = points.map((p) => p.perTargetHit);
  const allRise = (all[all.length - 1] as number) - (all[0] as number);
  const perRise = (per[per.length - 1] as number) - (per[0] as number);
  const jumps: MirageJump[] = [];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as MiragePoint;
    const b = points[i] as MiragePoint;
    const step = b.allHit - a.allHit;
    if (!(allRise > 0) || step / allRise < config.jumpShare) continue;
    const explained = a.predictionInside && b.predictionInside;
    const perStep = b.perTargetHit - a.perTargetHit;
    const fmt = (x: number) => x.toFixed(3);
    jumps.push({
      from: i - 1,
      to: i,
      fromScale: a.scale,
      toScale: b.scale,
      allHitStep: step,
      allHitShare: step / allRise,
      perTargetStep: perStep,
      perTargetShare: perRise > 0 ? perStep / perRise : 0,
      predictedStep: b.predictedAllHit - a.predictedAllHit,
      verdict: explained ? 'explained by the metric' : 'not explained by the metric',
      reason: explained
        ? `p^${k} from the per-target rate (${fmt(a.predictedAllHit)} → ${fmt(b.predictedAllHit)}) lies inside allHit's ${Math.round(config.level * 100)}% interval at both ends; per-target rose ${fmt(perStep)} over the same step`
        : `p^${k} (${fmt(a.predictedAllHit)} → ${fmt(b.predictedAllHit)}) leaves allHit's interval (${a.predictionInside ? '' : `[${fmt(a.allHitCi[0])}, ${fmt(a.allHitCi[1])}] at ${a.scale}`}${!a.predictionInside && !b.predictionInside ? '; ' : ''}${b.predictionInside ? '' : `[${fmt(b.allHitCi[0])}, ${fmt(b.allHitCi[1])}] at ${b.scale}`}): the hits are not independent, the metric alone does not account for the step`,
    });
  }
  const allShare = maxStepShare(all);
  const perShare = maxStepShare(per);
  // Error falls as the learner improves: its steps are drops, so the curve is negated.
  const errShare = maxStepShare(points.map((p) => -p.meanError));
  return {
    study: 'mirage',
    world: 'multi-target',
    k,
    axis: MIRAGE_AXIS[config.spacing],
    spacing: config.spacing,
    pilot: cells[0]?.pilot ?? null,
    learner: config.learner,
    feedback: config.feedback,
    seeds,
    level: config.level,
    evalTasks: config.evalTasks,
    jumpShare: config.jumpShare,
    points,
    jumps,
    shape: {
      allHitMaxStepShare: allShare,
      perTargetMaxStepShare: perShare,
      meanErrorMaxStepShare: errShare,
      stepShareRatio: allShare !== null && perShare !== null && perShare > 0 ? allShare / perShare : null,
      perTargetTop: per[per.length - 1] as number,
      predictionInside: points.filter((p) => p.predictionInside).length,
      points: points.length,
    },
  };
}

/** Scores one seed's greedy rollouts at one budget (the three scores of the same rollouts). */
export function scoreRollouts(scale: number, consequences: readonly Consequence[], k: number): SeedPoint {
  const allHit: number[] = [];
  const hits: number[] = [];
  const error: number[] = [];
  for (const c of consequences) {
    allHit.push(c.gtPass ? 1 : 0);
    // Per-target ground truth: the world's verdicts hit1…hitk, the same checks allHit ANDs.
    let h = 0;
    for (let i = 1; i <= k; i++) if (c.verdicts.find((v) => v.check === `hit${i}`)?.pass) h++;
    hits.push(h);
    error.push(c.measurements.meanRestError as number);
  }
  return { scale, allHit, hits, error };
}

const seedPointSchema = z.strictObject({ scale: z.number(), allHit: z.array(z.number()), hits: z.array(z.number()), error: z.array(z.number()) });
const seedCurveSchema = z.strictObject({ seed: z.number().int(), points: z.array(seedPointSchema), pilot: pilotSchema.nullable() });
const checkpointSchema = z.strictObject({ done: z.array(seedCurveSchema), pilot: pilotSchema.nullable().optional() });

/**
 * Trains one learner of the study on multi-target through the config's channel and calls `onEval`
 * with its greedy rollouts at each of `evalAt` (the study's seeds, its pilot and refute's re-run).
 * `extra` raises the evaluation tasks or adds probe tasks (refute). False when aborted.
 */
export function runMirageSeed(
  config: MirageConfig,
  seed: number,
  evalAt: readonly number[],
  ctx: Pick<RunContext, 'batch' | 'signal'>,
  onEval: Parameters<typeof runStudy>[1],
  extra: { readonly evalTasks?: number; readonly probeTasks?: number } = {},
): Promise<boolean> {
  const world = getWorld('multi-target');
  const params = resolveParams(world, { ...config.params, k: config.k });
  const metric = resolveMetric(world, params, {});
  const value = compile(metric.ast);
  const channel = createChannel(config.feedback);
  const sense = { expression: metric.expression, direction: metric.direction, threshold: metric.threshold, value };
  return runStudy(
    { world, params, ...studyConfigOf(config), ...extra, seed, evalAt, metric: value, feedback: channelFeedback(channel, sense), feedbackInfo: feedbackInfo(channel, metric), batch: ctx.batch, signal: ctx.signal },
    onEval,
  );
}

/** Runs the pilot learner of an even-progress sweep: its curve at `pilotPoints` log-spaced budgets. Null when aborted. */
export async function runPilot(config: MirageConfig, ctx: Pick<RunContext, 'batch' | 'signal'>): Promise<MiragePilot | null> {
  const seed = config.seed + PILOT_SEED_OFFSET;
  const at = mirageBudgets({ ...config, points: config.pilotPoints });
  const points: MiragePilot['points'] = [];
  const complete = await runMirageSeed(config, seed, at, ctx, (i, cs) => {
    const p = scoreRollouts(at[i] as number, cs, config.k);
    points.push({ scale: p.scale, perTargetHit: mean(p.hits) / config.k, meanError: mean(p.error) });
  });
  if (!complete) return null;
  return { seed, points, levels: evenProgressBudgets(points, config).levels };
}

/** The `mirage` experiment (registry id `mirage`). */
export const mirageExperiment = defineExperiment<MirageConfig, MirageResults>({
  id: 'mirage',
  title: 'Mirage: one set of rollouts, an all-or-nothing and a continuous score',
  description:
    'Schaeffer et al. 2023 on multi-target (k = 5): a training-budget sweep (budgets where a pilot learner made even per-target progress) scored by allHit, per-target hit rate and mean rest error, with allHit predicted as p^k and a verdict per apparent jump.',
  configSchema: mirageConfigSchema,
  quick: { episodes: 6000, seeds: 3, evalTasks: 128, resamples: 500 },
  resultsSchema: mirageResultsSchema,
  needsTf: true,
  charts: [
    { id: 'emergence', title: 'Same rollouts, two scores: allHit, per-target hit rate and p^k', x: 'training budget (episodes, log)', y: 'rate', logX: true },
    { id: 'meanError', title: 'Same rollouts: mean rest error', x: 'training budget (episodes, log)', y: 'mean rest error (m)', logX: true },
  ],
  sweep: {
    cellCount: (c) => c.seeds,
    combine: (c, cells) => combineMirage(c, cells.map((r) => seedCurveSchema.parse(r))),
  },
  keyResult: (r) =>
    `k=${r.k}: per-target ${r.shape.perTargetTop.toFixed(3)} at the top; step share allHit/per-target ${r.shape.stepShareRatio?.toFixed(2) ?? '—'}; p^k inside allHit's interval at ${r.shape.predictionInside}/${r.shape.points}; jumps ${r.jumps.map((j) => (j.verdict === 'explained by the metric' ? 'explained' : 'NOT explained')).join(', ') || 'none'}`,
  async *run(config, ctx) {
    const cells = ctx.cells ?? Array.from({ length: config.seeds }, (_, i) => i);
    const restored = ctx.restore === undefined ? { done: [], pilot: undefined } : checkpointSchema.parse(ctx.restore);
    const done: SeedCurve[] = [...restored.done];
    if (ctx.restore === undefined) yield { type: 'started', unit: 'seeds', total: cells.length };
    // Every shard runs the same pilot (its seed depends on the config only), so shards agree on the budgets.
    let pilot: MiragePilot | null = restored.pilot ?? null;
    if (config.spacing === 'even-progress' && pilot === null) {
      pilot = await runPilot(config, ctx);
      if (pilot === null) return;
      yield { type: 'progress', stage: `pilot seed ${pilot.seed}`, done: 0, total: cells.length, unit: 'seeds' };
      yield { type: 'checkpoint', state: { done, pilot } as unknown as Record<string, unknown> };
    }
    const budgets = pilot === null ? mirageBudgets(config) : evenProgressBudgets(pilot.points, config).budgets;
    for (const cell of cells.slice(done.length)) {
      const seed = config.seed + cell;
      const points: SeedPoint[] = [];
      const events: ExperimentEvent[] = [];
      const complete = await runMirageSeed(config, seed, budgets, ctx, (i, consequences) => {
        const p = scoreRollouts(budgets[i] as number, consequences, config.k);
        points.push(p);
        const per = mean(p.hits) / config.k;
        const common = { x: p.scale, seed, cell } as const;
        events.push(
          { type: 'point', chart: 'emergence', series: 'allHit', y: mean(p.allHit), ...common },
          { type: 'point', chart: 'emergence', series: 'perTargetHit', y: per, ...common },
          { type: 'point', chart: 'emergence', series: `predicted p^${config.k}`, y: Math.pow(per, config.k), ...common },
          { type: 'point', chart: 'meanError', series: 'meanError', y: mean(p.error), ...common },
        );
      });
      if (!complete) return; // aborted mid-seed: resume replays this seed from the last checkpoint
      yield { type: 'progress', stage: `seed ${seed}`, done: done.length + 1, total: cells.length, unit: 'seeds' };
      for (const e of events) yield e;
      const curve: SeedCurve = { seed, points, pilot };
      yield { type: 'cell', cell, result: curve as unknown as Record<string, unknown> };
      done.push(curve);
      yield { type: 'checkpoint', state: { done, pilot } as unknown as Record<string, unknown> };
      if (ctx.signal.aborted) return;
    }
    yield { type: 'finished', results: combineMirage(config, done) };
  },
});
