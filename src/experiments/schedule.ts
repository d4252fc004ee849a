/**
 * The `schedule` study — does annealing the feedback from graded to binary help, as learning-rate
 * schedules do? The same learner on the same tasks trains under five arms:
 *
 * - `graded` — constant graded feedback;
 * - `binary` — constant pass/fail feedback;
 * - `linear`, `cosine`, `step` — (1 − w)·graded + w·binary with w(progress) from the channel
 *   schedules (src/feedback/channels.ts `scheduleWeight`).
 *
 * "Both parts on the same scale" (`mix: 'same-scale'`, default): the graded part is mapped into
 * [0, 1] like the binary label, s(v) = τ / (τ + v) for an error v ≥ 0 with pass threshold τ (1 at a
 * perfect throw, ½ at the threshold, strictly decreasing, so no ordering is lost), so the binary
 * weight w really is the binary label's share of the feedback. `mix: 'raw'` uses the shipped
 * `scheduled` channel instead, whose graded part is in metric units (metres), so the pass step of
 * height w competes with a slope of 1 − w per metre. Constant graded is s(v) in same-scale mode
 * and −v in raw mode.
 *
 * Outcome: the greedy learner's ground-truth pass rate on held-out tasks of the train
 * distribution, at the end (`final`) and averaged over the curve (`auc`: speed and end together).
 * Effects: each arm minus constant graded and minus constant binary, paired (same seed, same
 * evaluation tasks), with a two-level bootstrap interval (seeds, then tasks). Whichever way it
 * comes out is the result. A sweep with one cell per (seed, arm).
 *
 * results (ScheduleResults): { study: 'schedule', world, mix, learner, episodes, seeds[], level,
 *   arms[]: { arm, final, finalCi, auc, aucCi, finalMetric },
 *   effects[]: { arm, against, measure: 'final' | 'auc', diff, diffCi, verdict } }
 */
import { z } from 'zod';
import { InputError, resolveParams } from '../core/runtime.ts';
import type { Consequence } from '../core/types.ts';
import { binaryLabel, createChannel, scheduleWeight, SCHEDULES, type FeedbackChannel, type ScheduleName } from '../feedback/channels.ts';
import { compile } from '../metrics/index.ts';
import { bootstrapNested, mean, type Interval } from '../stats/bootstrap.ts';
import { getWorld } from '../../worlds/index.ts';
import { MIRAGE_LEARNER_CONFIG } from './mirage.ts';
import { channelFeedback, runStudy, studyConfigOf, type FeedbackFn } from './study-loop.ts';
import { feedbackInfo, resolveMetric } from './train.ts';
import { defineExperiment, type ExperimentEvent } from './types.ts';

/** The arms, in cell order within a seed. */
export const SCHEDULE_ARMS = ['graded', 'binary', ...SCHEDULES] as const;
/** One arm. */
export type ScheduleArm = (typeof SCHEDULE_ARMS)[number];

/** The study's config. */
export const scheduleConfigSchema = z.strictObject({
  world: z.string().default('projectile').describe('A one-shot world whose default metric is an error (lower is better, ≥ 0).'),
  params: z.record(z.string(), z.unknown()).default({}).describe('World parameters.'),
  learner: z.string().default('gaussian-policy').describe('Learner family id.'),
  learnerConfig: z.record(z.string(), z.unknown()).default({ ...MIRAGE_LEARNER_CONFIG }).describe("Hyperparameters, validated by the family's schema."),
  mix: z.enum(['same-scale', 'raw']).default('same-scale').describe('same-scale: graded mapped into [0, 1] like the binary label; raw: the shipped scheduled channel (graded in metric units).'),
  stepAt: z.number().min(0).max(1).default(0.5).describe('Progress at which `step` switches to binary.'),
  arms: z.array(z.enum(SCHEDULE_ARMS)).min(2).default([...SCHEDULE_ARMS]).describe('Arms to train (graded and binary are the references).'),
  episodes: z.number().int().min(2).max(1_000_000).default(6000).describe('Training episodes per learner.'),
  evalPoints: z.number().int().min(1).max(100).default(8).describe('Evaluations along the curve (evenly spaced).'),
  seeds: z.number().int().min(1).max(64).default(5).describe('Seeds seed, seed+1, …; every arm trains once per seed on the same tasks.'),
  roundSize: z.number().int().min(1).max(4096).default(64),
  trainTasks: z.number().int().min(1).max(100_000).default(256),
  evalTasks: z.number().int().min(1).max(10_000).default(256).describe('Held-out tasks of the train distribution.'),
  level: z.number().gt(0).lt(1).default(0.95).describe('Coverage of the bootstrap intervals.'),
  resamples: z.number().int().min(50).max(100_000).default(1000),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER - 64).default(0),
});
/** A parsed schedule config. */
export type ScheduleConfig = z.infer<typeof scheduleConfigSchema>;

/** One cell: one arm trained on one seed. */
export interface ScheduleCell {
  readonly arm: ScheduleArm;
  readonly seed: number;
  /** Budgets of the evaluations. */
  readonly budgets: number[];
  /** Per evaluation: GT pass rate on the held-out tasks. */
  readonly curve: number[];
  /** Per held-out task: passed at the last evaluation (1/0). */
  readonly finalPass: number[];
  /** Per held-out task: share of the evaluations it passed (the curve's area, per task). */
  readonly aucPass: number[];
  /** Mean metric of the last evaluation (null when it was undefined on every task). */
  readonly finalMetric: number | null;
}
const cellSchema = z.strictObject({
  arm: z.enum(SCHEDULE_ARMS),
  seed: z.number().int(),
  budgets: z.array(z.number()),
  curve: z.array(z.number()),
  finalPass: z.array(z.number()),
  aucPass: z.array(z.number()),
  finalMetric: z.number().nullable(),
});

const interval = z.tuple([z.number(), z.number()]);
/** The study's results shape (docs/studies/schedule.md). */
export const scheduleResultsSchema = z.strictObject({
  study: z.literal('schedule'),
  world: z.string(),
  mix: z.enum(['same-scale', 'raw']),
  learner: z.string(),
  episodes: z.number().int(),
  seeds: z.array(z.number().int()),
  level: z.number(),
  arms: z.array(z.strictObject({ arm: z.enum(SCHEDULE_ARMS), final: z.number(), finalCi: interval, auc: z.number(), aucCi: interval, finalMetric: z.number().nullable(), curve: z.array(z.strictObject({ episodes: z.number(), gtPassRate: z.number() })) })),
  effects: z.array(
    z.strictObject({
      arm: z.enum(SCHEDULE_ARMS),
      against: z.enum(['graded', 'binary']),
      measure: z.enum(['final', 'auc']),
      diff: z.number(),
      diffCi: interval,
      verdict: z.enum(['better', 'worse', 'no detectable difference']),
    }),
  ),
});
/** The study's results. */
export type ScheduleResults = z.infer<typeof scheduleResultsSchema>;

/** Cells in order: seed-major, arms in config order. */
function cellPlan(c: ScheduleConfig): { arm: ScheduleArm; seed: number }[] {
  return Array.from({ length: c.seeds }, (_, s) => c.arms.map((arm) => ({ arm, seed: c.seed + s }))).flat();
}

/** The evaluation budgets: evenly spaced, ending at the full budget. */
export function scheduleBudgets(c: Pick<ScheduleConfig, 'episodes' | 'evalPoints'>): number[] {
  const out: number[] = [];
  for (let i = 1; i <= c.evalPoints; i++) {
    const b = Math.round((c.episodes * i) / c.evalPoints);
    if (b > (out[out.length - 1] ?? 0)) out.push(b);
  }
  return out;
}

/** The same-scale graded score of an error v ≥ 0 with pass threshold τ: τ / (τ + v) ∈ (0, 1]. */
export function sameScaleGraded(error: number, threshold: number): number {
  return threshold / (threshold + Math.max(0, error));
}

const nullable = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** The whole study's results from its cells (`sweep.combine`). */
export function combineSchedule(config: ScheduleConfig, cells: readonly ScheduleCell[]): ScheduleResults {
  const seeds = [...new Set(cells.map((c) => c.seed))];
  const arms = config.arms.filter((a) => cells.some((c) => c.arm === a));
  const of = (arm: ScheduleArm) => seeds.map((s) => cells.find((c) => c.arm === arm && c.seed === s)).filter((c): c is ScheduleCell => c !== undefined);
  const perSeedMean = (groups: readonly (readonly number[])[]) => mean(groups.map((g) => mean(g)));
  const opts = (name: string) => ({ key: [config.seed, 'schedule', name], level: config.level, resamples: config.resamples });
  const est = (groups: number[][], name: string): { estimate: number; ci: Interval } => {
    const e = bootstrapNested(groups, perSeedMean, opts(name));
    const v = perSeedMean(groups);
    return e ?? { estimate: v, ci: [v, v] };
  };
  const armRows = arms.map((arm) => {
    const cs = of(arm);
    const final = est(
      cs.map((c) => c.finalPass),
      `${arm}:final`,
    );
    const auc = est(
      cs.map((c) => c.aucPass),
      `${arm}:auc`,
    );
    const budgets = cs[0]?.budgets ?? [];
    return {
      arm,
      final: final.estimate,
      finalCi: final.ci,
      auc: auc.estimate,
      aucCi: auc.ci,
      finalMetric: nullable(mean(cs.map((c) => c.finalMetric).filter((m): m is number => m !== null))),
      curve: budgets.map((episodes, i) => ({ episodes, gtPassRate: mean(cs.map((c) => c.curve[i] as number)) })),
    };
  });
  const effects: ScheduleResults['effects'] = [];
  for (const against of ['graded', 'binary'] as const) {
    if (!arms.includes(against)) continue;
    for (const arm of arms) {
      // graded − binary is binary − graded mirrored: listed once, against graded.
      if (arm === against || (against === 'binary' && arm === 'graded')) continue;
      for (const measure of ['final', 'auc'] as const) {
        // Paired: the same seed trains both arms and scores them on the same held-out tasks.
        const groups: number[][] = [];
        for (const s of seeds) {
          const a = cells.find((c) => c.arm === arm && c.seed === s);
          const b = cells.find((c) => c.arm === against && c.seed === s);
          if (!a || !b) continue;
          const xa = measure === 'final' ? a.finalPass : a.aucPass;
          const xb = measure === 'final' ? b.finalPass : b.aucPass;
          groups.push(xa.map((x, i) => x - (xb[i] as number)));
        }
        if (groups.length === 0) continue;
        const d = est(groups, `${arm}-${against}:${measure}`);
        effects.push({ arm, against, measure, diff: d.estimate, diffCi: d.ci, verdict: d.ci[0] > 0 ? 'better' : d.ci[1] < 0 ? 'worse' : 'no detectable difference' });
      }
    }
  }
  return { study: 'schedule', world: config.world, mix: config.mix, learner: config.learner, episodes: config.episodes, seeds, level: config.level, arms: armRows, effects };
}

/** The `schedule` experiment (registry id `schedule`). */
export const scheduleExperiment = defineExperiment<ScheduleConfig, ScheduleResults>({
  id: 'schedule',
  title: 'Schedule: annealing feedback from graded to binary',
  description: 'The same learner and tasks under constant graded, constant binary, and linear / cosine / step annealing from graded to binary (both parts on one scale); effects on GT pass rate with paired bootstrap intervals.',
  configSchema: scheduleConfigSchema,
  quick: { episodes: 2400, seeds: 3, evalTasks: 128, evalPoints: 6, resamples: 500 },
  resultsSchema: scheduleResultsSchema,
  needsTf: true,
  charts: [{ id: 'groundTruth', title: 'Greedy GT pass rate on held-out tasks, per arm', x: 'episodes', y: 'GT pass rate' }],
  sweep: {
    cellCount: (c) => c.seeds * c.arms.length,
    combine: (c, results) => combineSchedule(c, results.map((r) => cellSchema.parse(r))),
  },
  keyResult: (r) => {
    const fmt = (x: number) => (x >= 0 ? '+' : '') + x.toFixed(3);
    const lines = r.effects.filter((e) => e.against === 'graded' && e.measure === 'final').map((e) => `${e.arm} ${fmt(e.diff)} [${fmt(e.diffCi[0])}, ${fmt(e.diffCi[1])}]`);
    return `final GT vs constant graded (${r.mix}): ${lines.join('; ')}`;
  },
  async *run(config, ctx) {
    const world = getWorld(config.world);
    const params = resolveParams(world, config.params);
    const metric = resolveMetric(world, params, {});
    if (metric.direction !== 'lower') throw new InputError('world', config.world, "a world whose default metric is an error (direction 'lower'): the same-scale mix maps it into [0, 1]");
    if (!world.taskFeatures) throw new InputError('world', config.world, 'a one-shot world that gives learners task features');
    const value = compile(metric.ast);
    const sense = { expression: metric.expression, direction: metric.direction, threshold: metric.threshold, value };
    const budgets = scheduleBudgets(config);
    const plan = cellPlan(config);
    const cells = ctx.cells ?? plan.map((_, i) => i);
    const restored = ctx.restore === undefined ? [] : z.strictObject({ done: z.array(cellSchema) }).parse(ctx.restore).done;
    const done: ScheduleCell[] = [...restored];
    if (restored.length === 0) yield { type: 'started', unit: 'cells', total: cells.length };
    for (const cell of cells.slice(restored.length)) {
      const { arm, seed } = plan[cell] as { arm: ScheduleArm; seed: number };
      const feedback = armFeedback(config, arm, sense);
      const infoChannel = armChannel(config, arm);
      const curve: number[] = [];
      const perTask: number[][] = [];
      let finalMetric = NaN;
      const events: ExperimentEvent[] = [];
      const complete = await runStudy(
        {
          world,
          params,
          ...studyConfigOf(config),
          seed,
          evalAt: budgets,
          metric: value,
          feedback,
          feedbackInfo: feedbackInfo(infoChannel, metric),
          batch: ctx.batch,
          signal: ctx.signal,
        },
        (i, cs: readonly Consequence[]) => {
          const pass = cs.map((c) => (c.gtPass ? 1 : 0));
          const rate = mean(pass);
          curve.push(rate);
          perTask.push(pass);
          finalMetric = mean(cs.map((c) => value(c.measurements)).filter((v) => !Number.isNaN(v)));
          events.push({ type: 'point', chart: 'groundTruth', series: arm, x: budgets[i] as number, y: rate, seed, cell });
        },
      );
      if (!complete) return;
      yield { type: 'progress', stage: `${arm} seed ${seed}`, done: done.length + 1, total: cells.length, unit: 'cells' };
      for (const e of events) yield e;
      const n = config.evalTasks;
      const result: ScheduleCell = {
        arm,
        seed,
        budgets,
        curve,
        finalPass: perTask[perTask.length - 1] ?? [],
        aucPass: Array.from({ length: n }, (_, t) => mean(perTask.map((p) => p[t] as number))),
        finalMetric: nullable(finalMetric),
      };
      yield { type: 'cell', cell, result: result as unknown as Record<string, unknown> };
      done.push(result);
      yield { type: 'checkpoint', state: { done } as unknown as Record<string, unknown> };
      if (ctx.signal.aborted) return;
    }
    yield { type: 'finished', results: combineSchedule(config, done) };
  },
});

/** The shipped channel of one arm (what the learner is told it gets; the raw mix's feedback). */
function armChannel(config: Pick<ScheduleConfig, 'stepAt'>, arm: ScheduleArm): FeedbackChannel {
  return createChannel(arm === 'graded' ? 'graded' : arm === 'binary' ? 'binary' : { kind: 'scheduled', schedule: arm, stepAt: config.stepAt });
}

/** The feedback function of one arm (a reward: higher is better). */
export function armFeedback(config: Pick<ScheduleConfig, 'mix' | 'stepAt'>, arm: ScheduleArm, sense: { direction: 'lower' | 'higher'; threshold: number; expression: string; value: (m: Readonly<Record<string, number>>) => number }): FeedbackFn {
  const binary = (v: number) => binaryLabel(v, sense.direction, sense.threshold);
  if (config.mix === 'raw') {
    // The shipped channels, graded in metric units.
    return channelFeedback(armChannel(config, arm), sense);
  }
  const graded = (v: number) => sameScaleGraded(v, sense.threshold);
  if (arm === 'graded') return (v) => graded(v);
  if (arm === 'binary') return (v) => binary(v);
  const schedule: ScheduleName = arm;
  return (v, c) => {
    const w = scheduleWeight(schedule, c.progress, config.stepAt);
    return (1 - w) * graded(v) + w * binary(v);
  };
}
