/**
 * cem — the cross-entropy method per task, no network: the black-box baseline that works with
 * any scalar feedback (binary included).
 *
 * Each task (keyed by `taskKey`) owns a diagonal Gaussian over the action box, starting at the
 * box's centre with std = initialStdFraction · range. `act('explore')` samples from it (clamped
 * to the box); `act('greedy')` returns its mean. `learn` buffers (action, feedback) pairs per
 * task; each time `population` of them have arrived the task's Gaussian is refit:
 * 1. Rank the generation by feedback, highest first. Ties (binary feedback is all ties) are
 *    ordered by one uniform draw per member from the `rng` given to `learn`, drawn in buffer
 *    order — seeded, so a run replays exactly.
 * 2. If every member got the same feedback the generation carries no ranking information: the
 *    Gaussian is kept as it is (plain random search until the first success under binary).
 * 3. Otherwise fit mean and std (maximum likelihood) to the top ⌈eliteFraction · population⌉,
 *    blend with the old ones (new = smoothing · old + (1 − smoothing) · fit) and floor each std
 *    at minStd · range so the search never freezes.
 * Feedback is a reward (higher is better), as every channel in src/feedback emits.
 *
 * Capacity: `population` (samples per generation per task). No transfer between tasks.
 * `act` only sees features: it maps them to the task key last learned with the same features.
 */
import { z } from 'zod';
import type { Stream } from '../core/rng.ts';
import type { ActionSpace } from '../core/types.ts';
import type { Experience, Learner, LearnerEnv, LearnerFamily, LearnerState } from './types.ts';

/** CEM hyperparameters (every field documented; unknown keys rejected). */
export const cemConfigSchema = z.strictObject({
  /** Samples per generation per task; the learner's capacity. */
  population: z.number().int().min(2).max(100_000).default(16).describe('Samples per generation per task (the capacity).'),
  /** Fraction of each generation, best feedback first, the Gaussian is refit to. */
  eliteFraction: z.number().gt(0).max(1).default(0.25).describe('Fraction of each generation, best feedback first, the Gaussian is refit to.'),
  /** Initial std per action dimension, as a fraction of that dimension's range. */
  initialStdFraction: z.number().gt(0).max(1).default(0.3).describe('Initial std per action dimension, as a fraction of its range.'),
  /** Floor on each std, as a fraction of the dimension's range (keeps the search alive). */
  minStd: z.number().min(0).max(1).default(0.005).describe('Floor on each std, as a fraction of the range.'),
  /** Weight kept on the old mean and std at each refit (0 = replace by the elite fit). */
  smoothing: z.number().min(0).lt(1).default(0.2).describe('Weight kept on the old mean and std at each refit (0 = replace).'),
});
/** Parsed CEM hyperparameters. */
export type CemConfig = z.infer<typeof cemConfigSchema>;

interface TaskState {
  readonly mean: Float64Array;
  readonly std: Float64Array;
  actions: number[][];
  feedback: number[];
  generations: number;
}

const featureKey = (features: readonly number[]): string => features.join(',');

/** The CEM learner (see the module doc). */
export class CemLearner implements Learner {
  readonly family = 'cem';
  readonly capacity: number;
  readonly priors: readonly string[] = ['actions lie in the declared action box', 'each task is solved on its own (no transfer between tasks)'];
  private readonly space: ActionSpace;
  private readonly tasks = new Map<string, TaskState>();
  private readonly aliases = new Map<string, string>();
  private readonly range: number[];
  private readonly eliteCount: number;

  constructor(
    env: LearnerEnv,
    readonly config: CemConfig,
  ) {
    this.space = env.actionSpace;
    this.range = this.space.low.map((lo, i) => (this.space.high[i] as number) - lo);
    if (this.range.some((r) => !(r > 0) || !Number.isFinite(r))) throw new RangeError(`cem needs a bounded action box with positive ranges; got ${JSON.stringify(this.space)}`);
    this.capacity = config.population;
    this.eliteCount = Math.max(1, Math.ceil(config.eliteFraction * config.population));
  }

  private fresh(): TaskState {
    const mean = Float64Array.from(this.space.low, (lo, i) => lo + (this.range[i] as number) / 2);
    const std = Float64Array.from(this.range, (r) => r * this.config.initialStdFraction);
    return { mean, std, actions: [], feedback: [], generations: 0 };
  }

  /** A task's Gaussian (copies), or the initial one for a task never learned from. */
  distribution(taskKey: string): { mean: number[]; std: number[]; generations: number } {
    const st = this.tasks.get(taskKey) ?? this.fresh();
    return { mean: [...st.mean], std: [...st.std], generations: st.generations };
  }

  act(features: readonly (readonly number[])[], rng: Stream, mode: 'explore' | 'greedy'): number[][] {
    const initial = this.fresh();
    return features.map((row) => {
      const key = this.aliases.get(featureKey(row));
      const st = (key === undefined ? undefined : this.tasks.get(key)) ?? initial;
      return Array.from(st.mean, (m, i) => {
        const a = mode === 'greedy' ? m : m + (st.std[i] as number) * rng.normal();
        return Math.min(this.space.high[i] as number, Math.max(this.space.low[i] as number, a));
      });
    });
  }

  learn(batch: readonly Experience[], rng: Stream): void {
    for (const e of batch) {
      if (!Number.isFinite(e.feedback)) throw new RangeError(`cem: feedback must be finite, got ${e.feedback}`);
      let st = this.tasks.get(e.taskKey);
      if (!st) {
        st = this.fresh();
        this.tasks.set(e.taskKey, st);
      }
      this.aliases.set(featureKey(e.features), e.taskKey);
      st.actions.push([...e.action]);
      st.feedback.push(e.feedback);
      if (st.actions.length >= this.config.population) this.refit(st, rng);
    }
  }

  /** One CEM generation: rank (seeded tie-break), keep the elite, refit, smooth, floor. */
  private refit(st: TaskState, rng: Stream): void {
    const { actions, feedback } = st;
    st.actions = [];
    st.feedback = [];
    st.generations++;
    const tie = feedback.map(() => rng.next());
    if (feedback.every((f) => f === feedback[0])) return;
    const order = feedback.map((_, i) => i).sort((a, b) => (feedback[b] as number) - (feedback[a] as number) || (tie[a] as number) - (tie[b] as number));
    const elite = order.slice(0, this.eliteCount).map((i) => actions[i] as number[]);
    const s = this.config.smoothing;
    for (let d = 0; d < st.mean.length; d++) {
      let m = 0;
      for (const a of elite) m += a[d] as number;
      m /= elite.length;
      let v = 0;
      for (const a of elite) v += ((a[d] as number) - m) ** 2;
      const sd = Math.sqrt(v / elite.length);
      st.mean[d] = s * (st.mean[d] as number) + (1 - s) * m;
      st.std[d] = Math.max(this.config.minStd * (this.range[d] as number), s * (st.std[d] as number) + (1 - s) * sd);
    }
  }

  save(): LearnerState {
    const keys = [...this.tasks.keys()];
    const dim = this.range.length;
    const means = new Float64Array(keys.length * dim);
    const stds = new Float64Array(keys.length * dim);
    const pending: { actions: number[][]; feedback: number[] }[] = [];
    keys.forEach((k, i) => {
      const st = this.tasks.get(k) as TaskState;
      means.set(st.mean, i * dim);
      stds.set(st.std, i * dim);
      pending.push({ actions: st.actions.map((a) => [...a]), feedback: [...st.feedback] });
    });
    return {
      family: this.family,
      config: { ...this.config },
      arrays: { means, stds },
      extra: { dim, tasks: keys.map((k, i) => ({ key: k, generations: this.tasks.get(k)!.generations, ...pending[i] })), aliases: [...this.aliases.entries()] },
    };
  }

  load(state: LearnerState): void {
    if (state.family !== this.family) throw new Error(`cem cannot load a '${state.family}' state`);
    if (JSON.stringify(cemConfigSchema.parse(state.config)) !== JSON.stringify(this.config)) throw new Error('cem: the saved config differs from this learner’s; create the learner from state.config');
    const extra = state.extra as { dim: number; tasks: { key: string; generations: number; actions: number[][]; feedback: number[] }[]; aliases: [string, string][] };
    const dim = this.range.length;
    const { means, stds } = state.arrays;
    if (extra.dim !== dim || !means || !stds || means.length !== extra.tasks.length * dim || stds.length !== means.length) throw new Error('cem: saved arrays do not match this action space');
    this.tasks.clear();
    this.aliases.clear();
    extra.tasks.forEach((t, i) => {
      this.tasks.set(t.key, {
        mean: Float64Array.from(means.subarray(i * dim, (i + 1) * dim)),
        std: Float64Array.from(stds.subarray(i * dim, (i + 1) * dim)),
        actions: t.actions.map((a) => [...a]),
        feedback: [...t.feedback],
        generations: t.generations,
      });
    });
    for (const [f, k] of extra.aliases) this.aliases.set(f, k);
  }

  dispose(): void {
    /* No tensors. */
  }
}

/** The cem family. */
export const cemFamily: LearnerFamily<CemConfig> = {
  id: 'cem',
  doc: 'Cross-entropy method per task: a Gaussian over actions refit to the best fraction of each population. Capacity: population.',
  configSchema: cemConfigSchema,
  parseConfig: (input) => cemConfigSchema.parse(input ?? {}),
  create: (env, config) => new CemLearner(env, config),
};
