/**
 * The `transfer` study — "compression does not transfer like causal understanding", with the
 * fair control the first version lacked.
 *
 * Three arms train on the same world and seeds (graded feedback unless configured):
 * - `mlp` — gaussian-policy on the train suite as the world draws it: gravity never varies, so
 *   the gravity feature is a constant it cannot learn a use for;
 * - `mlp-varied` — the same learner and budget with gravity drawn per train task uniformly in
 *   `gravityRange` × the world's gravity (train's `vary`): it sees gravity change and its
 *   consequences, the fair control;
 * - `physics-prior` — the ballistic model, told g through the feature (its priors are recorded).
 * After training, each arm's greedy actions are scored on probe tasks: in-range targets drawn
 * from the anchor distribution (their own stream, never a train task), each played at every
 * gravity factor in `factors` (the same targets at every factor, so the gaps are paired).
 * The generalisation gap at factor f = GT(f = 1) − GT(f), per seed, with a nested bootstrap
 * interval (seeds, then tasks within a seed). "In range" = shifted factors inside
 * `gravityRange`; "shifted" = the world's own probe shifts (×0.6 and ×1.5).
 *
 * Results shape (`TransferResults`, docs/studies/transfer.md): `{ world, seeds, gravity,
 * gravityRange, factors, arms: [{ arm, learner, episodes, trainGt, probes: [{ factor, gravity,
 * inRange, gt, gap }], inRangeGap, outsideGap, shiftedGap }], checks }`. Resumes by replay.
 */
import { z } from 'zod';
import { Stream } from '../core/rng.ts';
import { InputError, resolveParams } from '../core/runtime.ts';
import type { Consequence, TaskBase } from '../core/types.ts';
import { getWorld } from '../../worlds/index.ts';
import { bootstrapNested, disjoint, mean, type Interval } from '../stats/bootstrap.ts';
import { overSeeds, trainAll, type SeedEstimate } from './study-runs.ts';
import { PROBE_EPISODE_BASE, validateTrainConfig, type GreedyPlay } from './train.ts';
import { defineExperiment } from './types.ts';

/** The arms of the study. */
export const TRANSFER_ARMS = ['mlp', 'mlp-varied', 'physics-prior'] as const;
/** One arm. */
export type TransferArm = (typeof TRANSFER_ARMS)[number];
/** The world's own probe shifts of gravity (worlds/shared/launcher.ts `shiftedGravity`). */
export const WORLD_SHIFTS = [0.6, 1.5] as const;

/** The study's config (strict; defaults are the full preset). */
export const transferStudySchema = z.strictObject({
  world: z.string().default('projectile').describe('A world whose tasks accept a gravity override and whose features include gravity.'),
  arms: z.array(z.enum(TRANSFER_ARMS)).min(1).default([...TRANSFER_ARMS]).describe('Arms compared.'),
  feedback: z.enum(['binary', 'hotcold', 'graded']).default('graded').describe('Feedback channel of every arm.'),
  seeds: z.array(z.number().int().min(0).max(2 ** 31 - 1)).min(1).max(64).default([1, 2, 3, 4, 5]).describe('Training seeds.'),
  mlpEpisodes: z.number().int().min(64).max(1_000_000).default(6000).describe('Training episodes of both gaussian-policy arms.'),
  priorEpisodes: z.number().int().min(64).max(1_000_000).default(1500).describe('Training episodes of physics-prior.'),
  mlpConfig: z.record(z.string(), z.unknown()).default({}).describe('gaussian-policy hyperparameters (both MLP arms).'),
  gravityRange: z.tuple([z.number().positive(), z.number().positive()]).default([0.6, 1.5]).describe("Gravity factors (× the world's gravity) the varied arm trains on, [lo, hi]."),
  factors: z.array(z.number().positive()).min(2).default([0.4, 0.6, 0.8, 1, 1.2, 1.5, 2]).describe('Gravity factors of the probes (must include 1: the unshifted reference).'),
  probeTasks: z.number().int().min(4).max(4096).default(128).describe('Probe targets, each played at every factor.'),
  evalPoints: z.number().int().min(1).max(200).default(10).describe('Points on each learning curve.'),
  evalTasks: z.number().int().min(8).max(1024).default(64).describe('Train tasks the curve is measured on.'),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0).describe('Run seed: the bootstrap resamples derive from it.'),
});
/** A parsed transfer-study config. */
export type TransferStudyConfig = z.infer<typeof transferStudySchema>;

/** A gap with its nested-bootstrap interval (null when it could not be computed). */
export interface Gap {
  readonly estimate: number;
  readonly ci: Interval;
}

/** One probe factor of one arm. */
export interface ProbeRow {
  readonly factor: number;
  readonly gravity: number;
  /** Inside the varied arm's training range (and not the reference factor 1). */
  readonly inRange: boolean;
  readonly gt: SeedEstimate;
  /** GT(1) − GT(factor), over seeds and tasks. */
  readonly gap: Gap | null;
}

/** One arm's results. */
export interface ArmResult {
  readonly arm: TransferArm;
  readonly learner: string;
  readonly episodes: number;
  /** Gravity range the arm trained on (null: the world's gravity only). */
  readonly trainedOn: [number, number] | null;
  /** Final greedy GT on its own train suite. */
  readonly trainGt: SeedEstimate;
  readonly probes: ProbeRow[];
  /** Mean gap over the in-range shifted factors. */
  readonly inRangeGap: Gap | null;
  /** Mean gap over the factors outside the range. */
  readonly outsideGap: Gap | null;
  /** Mean gap over the world's own probe shifts (×0.6, ×1.5) among `factors`. */
  readonly shiftedGap: Gap | null;
}

/** What `transfer` finishes with. */
export interface TransferResults {
  readonly world: string;
  readonly seeds: number[];
  readonly gravity: number;
  readonly gravityRange: [number, number];
  readonly factors: number[];
  readonly level: number;
  readonly arms: ArmResult[];
  /** The targets, as measured (null when an arm they need was not run). */
  readonly checks: {
    /** No-variation MLP's shifted gap > physics-prior's. */
    readonly mlpGapExceedsPrior: boolean | null;
    /** Varied MLP's in-range gap < no-variation MLP's in-range gap. */
    readonly variedBelowFixed: boolean | null;
    /** … and their 90% intervals do not overlap. */
    readonly intervalsDisjoint: boolean | null;
  };
}

/** Nested bootstrap of the mean gap over the given factors: seeds, then tasks inside a seed. */
function gapOver(passes: readonly (readonly boolean[][])[], factorIdx: readonly number[], ref: number, key: readonly (number | string)[], level: number): Gap | null {
  if (factorIdx.length === 0) return null;
  // Item = one probe task in one seed: its gap averaged over the factors (paired on the task).
  const groups = passes.map((byFactor) => {
    const base = byFactor[ref] as boolean[];
    return base.map((b, t) => mean(factorIdx.map((f) => Number(b) - Number((byFactor[f] as boolean[])[t]))));
  });
  const est = bootstrapNested(groups, (gs) => mean(gs.map((g) => mean(g))), { key, level });
  return est ? { estimate: est.estimate, ci: est.ci } : null;
}

/**
 * The transfer study (registry id `transfer`). Events: `started`; per seed a `progress`; per
 * arm, seed and factor a `point` on `gtByGravity` (x = gravity factor, `seed` set); per arm and
 * shifted factor a `point` on `gapByShift` with its interval; `finished` with TransferResults.
 */
export const transferExperiment = defineExperiment<TransferStudyConfig, TransferResults>({
  id: 'transfer',
  title: 'Transfer: compression vs causal structure under shifted gravity',
  description:
    'gaussian-policy trained at one gravity and with gravity varied (the fair control), against physics-prior; greedy GT on the same probe targets at several gravities, and the generalisation gap per shift with nested bootstrap intervals.',
  // Learners may be tfjs ones (gaussian-policy): the host initialises tfjs and records its backend.
  needsTf: true,
  configSchema: transferStudySchema,
  quick: { seeds: [1, 2], mlpEpisodes: 1600, priorEpisodes: 500, factors: [0.6, 0.8, 1, 1.2, 1.5], probeTasks: 48, evalPoints: 4, evalTasks: 32 },
  charts: [
    { id: 'gtByGravity', title: 'Probe GT pass rate by gravity factor (mean ± sd over seeds)', x: 'gravity factor', y: 'GT pass rate' },
    { id: 'gapByShift', title: 'Generalisation gap GT(×1) − GT(×f) (90% nested bootstrap interval)', x: 'gravity factor', y: 'gap' },
  ],
  keyResult: (r) => r.arms.map((a) => `${a.arm}: shifted gap ${a.shiftedGap ? a.shiftedGap.estimate.toFixed(2) : '—'}, in-range gap ${a.inRangeGap ? a.inRangeGap.estimate.toFixed(2) : '—'}`).join('; '),
  async *run(config, ctx) {
    const level = 0.9;
    const world = getWorld(config.world);
    const params = resolveParams(world, {});
    const g0 = Number(params.gravity);
    if (!Number.isFinite(g0)) throw new Error(`transfer: world '${world.id}' has no numeric gravity parameter`);
    const ref = config.factors.indexOf(1);
    const [rlo, rhi] = config.gravityRange;
    const armConfig = (arm: TransferArm, seed: number): Record<string, unknown> => ({
      world: config.world,
      learner: arm === 'physics-prior' ? 'physics-prior' : 'gaussian-policy',
      learnerConfig: arm === 'physics-prior' ? {} : config.mlpConfig,
      feedback: config.feedback,
      episodes: arm === 'physics-prior' ? config.priorEpisodes : config.mlpEpisodes,
      evalPoints: config.evalPoints,
      evalTasks: config.evalTasks,
      seed,
      ...(arm === 'mlp-varied' ? { vary: { gravity: [rlo * g0, rhi * g0] } } : {}),
    });
    if (ref < 0) throw new InputError('factors', config.factors, 'a list that includes 1 (the unshifted reference)');
    if (!(rlo <= 1 && 1 <= rhi)) throw new InputError('gravityRange', config.gravityRange, '[lo, hi] with lo ≤ 1 ≤ hi (the range contains the unshifted gravity)');
    for (const arm of config.arms) validateTrainConfig(armConfig(arm, config.seeds[0] as number));
    yield { type: 'started', unit: 'runs', total: config.seeds.length * config.arms.length };

    // passes[arm][seed][factor][task]
    const passes = new Map<TransferArm, boolean[][][]>(config.arms.map((a) => [a, []]));
    const trainGt = new Map<TransferArm, number[]>(config.arms.map((a) => [a, []]));
    for (const [si, seed] of config.seeds.entries()) {
      // The probe targets of this seed: anchor-distribution draws on their own stream, played at every factor.
      const targets = Array.from({ length: config.probeTasks }, (_, i) => world.sampleTask(new Stream([seed, 'transfer-probe', i]), 'anchor', params) as TaskBase);
      const probeAt = (factor: number): TaskBase[] =>
        targets.map((t) => world.task.parse({ ...t, split: 'probe', overrides: { ...(t.overrides ?? {}), gravity: factor * g0 } }) as TaskBase);
      const score = async (play: GreedyPlay): Promise<boolean[][]> => {
        const out: boolean[][] = [];
        for (const [fi, f] of config.factors.entries()) out.push((await play(probeAt(f), PROBE_EPISODE_BASE + fi * config.probeTasks)).map((c: Consequence) => c.gtPass));
        return out;
      };
      const scored: boolean[][][] = [];
      const results = await trainAll(
        config.arms.map((arm, i) => ({ config: armConfig(arm, seed), hooks: { afterTraining: async (play: GreedyPlay) => void (scored[i] = await score(play)) } })),
        ctx.batch,
      );
      config.arms.forEach((arm, i) => {
        passes.get(arm)!.push(scored[i] as boolean[][]);
        trainGt.get(arm)!.push(results[i]!.final.gtPassRate);
      });
      for (const [i, arm] of config.arms.entries()) {
        for (const [fi, f] of config.factors.entries()) {
          const p = (scored[i] as boolean[][])[fi] as boolean[];
          yield { type: 'point', chart: 'gtByGravity', series: arm, x: f, y: p.filter(Boolean).length / p.length, seed };
        }
      }
      yield { type: 'progress', stage: `seed ${seed}`, done: (si + 1) * config.arms.length, total: config.seeds.length * config.arms.length, unit: 'runs' };
      if (ctx.signal.aborted) return;
    }

    const inRange = (f: number): boolean => f !== 1 && f >= rlo && f <= rhi;
    const idx = (pred: (f: number) => boolean): number[] => config.factors.flatMap((f, i) => (pred(f) ? [i] : []));
    const arms: ArmResult[] = config.arms.map((arm) => {
      const ps = passes.get(arm)!;
      const key = [config.seed, 'transfer', arm];
      const probes: ProbeRow[] = config.factors.map((f, fi) => ({
        factor: f,
        gravity: f * g0,
        inRange: inRange(f),
        gt: overSeeds(ps.map((s) => ((s[fi] as boolean[]).filter(Boolean).length) / (s[fi] as boolean[]).length), [...key, 'gt', fi], level),
        gap: f === 1 ? null : gapOver(ps, [fi], ref, [...key, 'gap', fi], level),
      }));
      return {
        arm,
        learner: arm === 'physics-prior' ? 'physics-prior' : 'gaussian-policy',
        episodes: arm === 'physics-prior' ? config.priorEpisodes : config.mlpEpisodes,
        trainedOn: arm === 'mlp-varied' ? [rlo * g0, rhi * g0] : null,
        trainGt: overSeeds(trainGt.get(arm)!, [...key, 'train'], level),
        probes,
        inRangeGap: gapOver(ps, idx(inRange), ref, [...key, 'in'], level),
        outsideGap: gapOver(ps, idx((f) => f !== 1 && !inRange(f)), ref, [...key, 'out'], level),
        shiftedGap: gapOver(ps, idx((f) => (WORLD_SHIFTS as readonly number[]).includes(f)), ref, [...key, 'shifted'], level),
      };
    });
    for (const a of arms) for (const p of a.probes) if (p.gap) yield { type: 'point', chart: 'gapByShift', series: a.arm, x: p.factor, y: p.gap.estimate, lo: p.gap.ci[0], hi: p.gap.ci[1] };
    const arm = (a: TransferArm) => arms.find((x) => x.arm === a);
    const mlp = arm('mlp');
    const varied = arm('mlp-varied');
    const prior = arm('physics-prior');
    const results: TransferResults = {
      world: config.world,
      seeds: config.seeds,
      gravity: g0,
      gravityRange: [rlo, rhi],
      factors: config.factors,
      level,
      arms,
      checks: {
        mlpGapExceedsPrior: mlp?.shiftedGap && prior?.shiftedGap ? mlp.shiftedGap.estimate > prior.shiftedGap.estimate : null,
        variedBelowFixed: mlp?.inRangeGap && varied?.inRangeGap ? varied.inRangeGap.estimate < mlp.inRangeGap.estimate : null,
        intervalsDisjoint: mlp?.inRangeGap && varied?.inRangeGap ? disjoint(varied.inRangeGap.ci, mlp.inRangeGap.ci) : null,
      },
    };
    yield { type: 'finished', results: JSON.parse(JSON.stringify(results)) as TransferResults };
  },
});
