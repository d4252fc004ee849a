/**
 * A minimal in-process training loop for learner tests and measurements (the real experiment
 * runner lives in src/experiments later): each round draws B seeded train tasks, the learner
 * acts with exploration, the projectile world simulates, and a feedback channel scores.
 *
 * Feedback convention (higher is better):
 * - `graded`: −restError (metres from the rest point to the zone centre);
 * - `binary`: 1 if restError ≤ zoneHalfWidth, else 0 (the ground-truth check, as a label).
 */
import { Stream } from '../../src/core/rng.ts';
import { resolveParams, WorldRuntime, type EpisodeSpec } from '../../src/core/runtime.ts';
import type { AnyWorld, Consequence, Split, TaskBase } from '../../src/core/types.ts';
import type { Experience, Learner, LearnerEnv } from '../../src/learners/types.ts';
import { projectile } from '../../worlds/projectile.ts';

/** Feedback channels this loop knows. */
export type LoopFeedback = 'graded' | 'binary';

/** The learner's view of a world. */
export function learnerEnv(world: AnyWorld = projectile, params: Record<string, unknown> = {}): LearnerEnv {
  const p = resolveParams(world, params);
  return { world: world.id, actionSpace: world.actionSpace(p), featureNames: world.featureNames?.(p) ?? [] };
}

/** A task with its features (as the world computes them). */
export interface FeaturedTask {
  readonly key: string;
  readonly task: TaskBase;
  readonly features: number[];
}

/** Draws `n` tasks of a split from a named stream of `seed`, with their features. */
export function drawTasks(seed: number, split: Split, n: number, name = 'tasks', world: AnyWorld = projectile, params: Record<string, unknown> = {}): FeaturedTask[] {
  const p = resolveParams(world, params);
  const out: FeaturedTask[] = [];
  for (let i = 0; i < n; i++) {
    const task = world.sampleTask(new Stream([seed, name, split, i]), split, p) as TaskBase;
    out.push({ key: `${name}:${split}:${i}`, task, features: world.taskFeatures?.(task, p) ?? [] });
  }
  return out;
}

/** Gravity-shifted probe tasks only (the "compression vs causal prior" contrast). */
export function gravityShiftedProbes(seed: number, n: number, params: Record<string, unknown> = {}): FeaturedTask[] {
  const out: FeaturedTask[] = [];
  for (let batch = 0; out.length < n; batch++) {
    for (const t of drawTasks(seed, 'probe', 64, `probe${batch}`, projectile, params)) {
      if (out.length < n && t.task.overrides?.gravity !== undefined) out.push(t);
    }
  }
  return out;
}

/** Channel output for one consequence. */
export function feedbackOf(c: Consequence, channel: LoopFeedback, zoneHalfWidth = 0.5): number {
  const err = c.measurements.restError as number;
  return channel === 'graded' ? -err : err <= zoneHalfWidth ? 1 : 0;
}

/** Simulates actions on tasks. */
export function simulate(rt: WorldRuntime, tasks: readonly FeaturedTask[], actions: readonly (readonly number[])[], seed: number, firstEpisode = 0, params: Record<string, unknown> = {}): Consequence[] {
  const items: EpisodeSpec[] = tasks.map((t, i) => ({ episode: firstEpisode + i, task: t.task, action: actions[i] as number[] }));
  return rt.runBatch({ world: rt.world.id, params, seed, episodes: { kind: 'explicit', items } }).consequences;
}

/** Ground-truth pass rate of the learner's greedy actions on `tasks`. */
export function passRate(learner: Learner, rt: WorldRuntime, tasks: readonly FeaturedTask[], params: Record<string, unknown> = {}): number {
  const actions = learner.act(tasks.map((t) => t.features), new Stream([0, 'greedy']), 'greedy');
  const cs = simulate(rt, tasks, actions, 0, 0, params);
  return cs.filter((c) => c.gtPass).length / cs.length;
}

/** Options of one training run. */
export interface TrainOptions {
  readonly seed: number;
  readonly episodes: number;
  readonly batch: number;
  readonly feedback: LoopFeedback;
  /** Evaluate the greedy GT pass rate on these tasks every `evalEvery` episodes. */
  readonly evalTasks?: readonly FeaturedTask[];
  readonly evalEvery?: number;
  /** World parameters (default: the world's defaults). */
  readonly params?: Record<string, unknown>;
}

/** One point of a learning curve. */
export interface CurvePoint {
  readonly episodes: number;
  readonly gtPassRate: number;
}

/** Trains `learner` on projectile train tasks; returns the greedy learning curve (if asked). */
export function train(learner: Learner, rt: WorldRuntime, opts: TrainOptions): CurvePoint[] {
  const curve: CurvePoint[] = [];
  const actRng = new Stream([opts.seed, 'act']);
  const learnRng = new Stream([opts.seed, 'learn']);
  let done = 0;
  let nextEval = 0;
  const params = opts.params ?? {};
  for (let round = 0; done < opts.episodes; round++) {
    if (opts.evalTasks && opts.evalEvery && done >= nextEval) {
      curve.push({ episodes: done, gtPassRate: passRate(learner, rt, opts.evalTasks, params) });
      nextEval += opts.evalEvery;
    }
    // A round never crosses an evaluation point, so curves are sampled at exact episode counts.
    const untilEval = opts.evalTasks && opts.evalEvery ? nextEval - done : Infinity;
    const b = Math.min(opts.batch, opts.episodes - done, untilEval);
    const tasks = drawTasks(opts.seed, 'train', b, `round${round}`, rt.world, params);
    const actions = learner.act(tasks.map((t) => t.features), actRng, 'explore');
    const cs = simulate(rt, tasks, actions, opts.seed, done, params);
    const batch: Experience[] = cs.map((c, i) => ({
      features: (tasks[i] as FeaturedTask).features,
      action: actions[i] as number[],
      feedback: feedbackOf(c, opts.feedback, (params.zoneHalfWidth as number | undefined) ?? 0.5),
      taskKey: (tasks[i] as FeaturedTask).key,
    }));
    learner.learn(batch, learnRng);
    done += b;
  }
  if (opts.evalTasks) curve.push({ episodes: done, gtPassRate: passRate(learner, rt, opts.evalTasks, params) });
  return curve;
}
