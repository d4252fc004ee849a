/**
 * gaussian-policy — the compression learner. A tfjs MLP maps a task's (normalised) features to
 * the mean of a Gaussian over actions in a normalised box [-1, 1]^k, which is mapped linearly
 * onto the world's ActionSpace. It is trained by REINFORCE: the log-likelihood of the actions it
 * played, weighted by their advantage (feedback minus the round's mean feedback, divided by the
 * round's standard deviation). Because only the ordering of feedback inside a round matters,
 * it learns from any scalar feedback, binary included: higher feedback is better.
 *
 * It has no idea what the features or actions mean: its only priors are "the action is a
 * smooth function of the features" and the box of the action space.
 *
 * Reads top to bottom: config → network → act → learn (one custom training step with
 * `tf.variableGrads` and our own Adam, whose moments exist from construction on so the tensor
 * count never grows) → save/load.
 */
import { z } from 'zod';
import { CHANNEL_KINDS } from '../feedback/channels.ts';
import { Stream } from '../core/rng.ts';
import { inputErrorFromZod } from '../core/errors.ts';
import type { ActionSpace } from '../core/types.ts';
import { advantages } from './advantages.ts';
import type { Experience, Learner, LearnerEnv, LearnerFamily, LearnerState } from './types.ts';
import { adamRate, clippedAdamUpdate, initTf, restoreAdam, snapshotAdam, restoreVariables, seededPermutation, seededVariable, snapshotVariables, tf } from './tf.ts';

/** Hyperparameters of `gaussian-policy`; every field is documented and unknown keys are rejected. */
export const gaussianPolicyConfigSchema = z.strictObject({
  width: z.number().int().min(1).max(1024).default(64).describe('Hidden units per layer.'),
  depth: z.number().int().min(0).max(8).default(2).describe('Hidden layers (0 = a linear map from features to the action mean).'),
  activation: z.enum(['tanh', 'relu']).default('tanh').describe('Hidden-layer nonlinearity.'),
  learningRate: z.number().positive().max(1).default(0.001).describe('Adam step size.'),
  learningRateDecayRounds: z
    .number()
    .min(0)
    .default(0)
    .describe('Inverse-time step-size decay: lr·τ/(τ + round) with τ this many rounds (0 = constant). Adam moves every weight ~lr per step, so a constant rate leaves a noise floor on precise aims.'),
  beta1: z.number().min(0).max(0.9999).default(0.9).describe('Adam decay of the gradient mean.'),
  beta2: z.number().min(0).max(0.99999).default(0.999).describe('Adam decay of the squared-gradient mean.'),
  adamEpsilon: z.number().positive().max(1).default(1e-8).describe('Adam denominator guard.'),
  std: z
    .enum(['learned', 'scheduled'])
    .default('learned')
    .describe('learned: a per-action log-std trained by the same gradient; scheduled: initialStd·stdDecay^round.'),
  initialStd: z.number().positive().max(2).default(0.3).describe('Exploration std at the start, in box units (the box is [-1, 1]).'),
  stdLearningRateScale: z.number().positive().max(1000).default(10).describe('Step size of the learned log-std relative to learningRate (Adam moves each weight ~lr per step).'),
  minStd: z.number().positive().max(1).default(0.01).describe('Floor of the exploration std, in box units.'),
  stdDecay: z.number().positive().max(1).default(0.99).describe('Per-round factor of the scheduled std (ignored when std is learned).'),
  roundSize: z.number().int().min(1).max(1 << 16).default(64).describe('Episodes the runner should gather per learn() call (learn accepts any size; the bench uses it).'),
  epochs: z.number().int().min(1).max(64).default(1).describe('Gradient passes over each round of experience.'),
  minibatch: z.number().int().min(0).max(1 << 16).default(0).describe('Experiences per gradient step, shuffled with the seeded stream (0 = the whole round).'),
  normalizeAdvantages: z.boolean().default(true).describe('Divide advantages by their std within the round (scale-free feedback).'),
  maxGradNorm: z.number().min(0).default(0).describe('Clip the global gradient norm to this value (0 = no clipping).'),
});

/** Validated `gaussian-policy` hyperparameters. */
export type GaussianPolicyConfig = z.infer<typeof gaussianPolicyConfigSchema>;

const FAMILY = 'gaussian-policy';

/** Parameter count of the mean network plus the log-std: the family's capacity. */
export function gaussianPolicyParameterCount(features: number, actions: number, config: Pick<GaussianPolicyConfig, 'width' | 'depth' | 'std'>): number {
  let n = 0;
  let fanIn = features;
  for (let l = 0; l < config.depth; l++) {
    n += fanIn * config.width + config.width;
    fanIn = config.width;
  }
  n += fanIn * actions + actions;
  return n + (config.std === 'learned' ? actions : 0);
}

/** Maps a box coordinate in [-1, 1] to the world's action range, per dimension. */
function toWorld(space: ActionSpace, k: number, u: number): number {
  const lo = space.low[k] as number;
  const hi = space.high[k] as number;
  return lo + ((u + 1) / 2) * (hi - lo);
}

/** Maps a world action to the box [-1, 1] (clipped: the world clips what it cannot play). */
function toBox(space: ActionSpace, k: number, a: number): number {
  const lo = space.low[k] as number;
  const hi = space.high[k] as number;
  const u = (2 * (a - lo)) / (hi - lo) - 1;
  return u < -1 ? -1 : u > 1 ? 1 : u;
}

/** A tfjs Gaussian policy trained by REINFORCE with a per-round baseline. */
export class GaussianPolicy implements Learner {
  readonly family = FAMILY;
  readonly capacity: number;
  readonly priors: readonly string[] = [
    'the action is a smooth function of the task features (an MLP)',
    "the world's action box (actions are squashed into it)",
  ];

  private readonly nIn: number;
  private readonly nOut: number;
  /** Trainable variables by stable key (`layer0.w`, …, `logStd`), in a fixed order. */
  private readonly params: Record<string, tf.Variable> = {};
  /** Adam moments by the same keys, created up front so `learn` never allocates lasting tensors. */
  private readonly adamM: Record<string, tf.Variable> = {};
  private readonly adamV: Record<string, tf.Variable> = {};
  private adamStep = 0;
  private rounds = 0;
  /** Running feature statistics (Welford), updated from training experience only. */
  private featureCount = 0;
  private readonly featureMean: Float64Array;
  private readonly featureM2: Float64Array;
  private disposed = false;

  constructor(
    private readonly env: LearnerEnv,
    readonly config: GaussianPolicyConfig,
    seed: number,
  ) {
    this.nIn = env.featureNames.length;
    this.nOut = env.actionSpace.names.length;
    this.capacity = gaussianPolicyParameterCount(this.nIn, this.nOut, config);
    this.featureMean = new Float64Array(this.nIn);
    this.featureM2 = new Float64Array(this.nIn);
    const rng = new Stream([seed, FAMILY, 'init']);
    const hiddenInit = config.activation === 'relu' ? 'heUniform' : 'glorotUniform';
    let fanIn = this.nIn;
    for (let l = 0; l < config.depth; l++) {
      this.params[`layer${l}.w`] = seededVariable(hiddenInit, [fanIn, config.width], rng);
      this.params[`layer${l}.b`] = seededVariable('zeros', [config.width], rng);
      fanIn = config.width;
    }
    // A tiny last layer: the initial mean is the box centre, so early exploration is unbiased.
    this.params[`layer${config.depth}.w`] = seededVariable('glorotUniform', [fanIn, this.nOut], rng, 1e-4);
    this.params[`layer${config.depth}.b`] = seededVariable('zeros', [this.nOut], rng);
    if (config.std === 'learned') {
      this.params.logStd = tf.tidy(() => tf.variable(tf.fill([this.nOut], Math.log(config.initialStd)), true));
    }
    for (const [key, v] of Object.entries(this.params)) {
      // tf.variable shares its initial tensor's data; tidy frees the initial tensor itself.
      this.adamM[key] = tf.tidy(() => tf.variable(tf.zerosLike(v), false));
      this.adamV[key] = tf.tidy(() => tf.variable(tf.zerosLike(v), false));
    }
  }

  // ------------------------------------------------------------------------------- features

  /** Per-feature centre and scale. A feature constant in training keeps unit scale, so a shift
   * at probe time enters at its physical size instead of being blown up by a near-zero std. */
  private featureScaling(): { centre: Float64Array; scale: Float64Array } {
    const centre = new Float64Array(this.nIn);
    const scale = new Float64Array(this.nIn).fill(1);
    if (this.featureCount === 0) return { centre, scale };
    for (let j = 0; j < this.nIn; j++) {
      const mean = this.featureMean[j] as number;
      const sd = Math.sqrt((this.featureM2[j] as number) / this.featureCount);
      centre[j] = mean;
      scale[j] = sd > 1e-6 * Math.max(1, Math.abs(mean)) ? sd : 1;
    }
    return { centre, scale };
  }

  private normalise(rows: readonly (readonly number[])[]): Float32Array {
    const { centre, scale } = this.featureScaling();
    const x = new Float32Array(rows.length * this.nIn);
    rows.forEach((row, i) => {
      if (row.length !== this.nIn) throw new Error(`${FAMILY}: expected ${this.nIn} features, got ${row.length}`);
      for (let j = 0; j < this.nIn; j++) x[i * this.nIn + j] = ((row[j] as number) - (centre[j] as number)) / (scale[j] as number);
    });
    return x;
  }

  private updateFeatureStats(rows: readonly (readonly number[])[]): void {
    for (const row of rows) {
      this.featureCount++;
      for (let j = 0; j < this.nIn; j++) {
        const x = row[j] as number;
        const mean = this.featureMean[j] as number;
        const d = x - mean;
        const next = mean + d / this.featureCount;
        this.featureMean[j] = next;
        this.featureM2[j] = (this.featureM2[j] as number) + d * (x - next);
      }
    }
  }

  // ------------------------------------------------------------------------------- network

  /** The action mean in the box, tanh-squashed: [n, nIn] → [n, nOut]. */
  private mean(x: tf.Tensor2D): tf.Tensor2D {
    let h: tf.Tensor2D = x;
    const { depth, activation } = this.config;
    for (let l = 0; l <= depth; l++) {
      h = tf.add(tf.matMul(h, this.params[`layer${l}.w`] as tf.Variable), this.params[`layer${l}.b`] as tf.Variable);
      if (l < depth) h = activation === 'relu' ? tf.relu(h) : tf.tanh(h);
    }
    return tf.tanh(h);
  }

  /** Scheduled std of the current round (box units). */
  private scheduledStd(): number {
    return Math.max(this.config.minStd, this.config.initialStd * Math.pow(this.config.stdDecay, this.rounds));
  }

  /** The exploration std per action dimension as a tensor (floored at minStd). */
  private logStdTensor(): tf.Tensor1D {
    const floor = Math.log(this.config.minStd);
    const learned = this.params.logStd;
    return learned ? tf.maximum(learned, floor) : tf.fill([this.nOut], Math.log(this.scheduledStd()));
  }

  /** The current exploration std per action dimension (box units); for reports and tests. */
  currentStd(): number[] {
    const t = tf.tidy(() => tf.exp(this.logStdTensor()));
    const out = Array.from(t.dataSync());
    t.dispose();
    return out;
  }

  // ------------------------------------------------------------------------------- act

  /** Actions for a batch of tasks; `explore` adds Gaussian noise drawn from `rng`. */
  act(features: readonly (readonly number[])[], rng: Stream, mode: 'explore' | 'greedy'): number[][] {
    this.assertLive();
    if (features.length === 0) return [];
    const x = this.normalise(features);
    const mu = tf.tidy(() => this.mean(tf.tensor2d(x, [features.length, this.nIn])));
    const means = mu.dataSync() as Float32Array;
    mu.dispose();
    const std = mode === 'explore' ? this.currentStd() : [];
    const space = this.env.actionSpace;
    return features.map((_, i) => {
      const action: number[] = [];
      for (let k = 0; k < this.nOut; k++) {
        let u = means[i * this.nOut + k] as number;
        if (mode === 'explore') u += (std[k] as number) * rng.normal();
        action.push(toWorld(space, k, u < -1 ? -1 : u > 1 ? 1 : u));
      }
      return action;
    });
  }

  // ------------------------------------------------------------------------------- learn

  /** One REINFORCE round: advantages from this round's feedback, then `epochs` Adam passes. */
  learn(batch: readonly Experience[], rng: Stream): void {
    this.assertLive();
    const n = batch.length;
    if (n === 0) return;
    this.updateFeatureStats(batch.map((e) => e.features));
    const adv = advantages(batch.map((e) => e.feedback), this.config.normalizeAdvantages);
    if (adv) {
      const x = this.normalise(batch.map((e) => e.features));
      const a = new Float32Array(n * this.nOut);
      batch.forEach((e, i) => {
        for (let k = 0; k < this.nOut; k++) a[i * this.nOut + k] = toBox(this.env.actionSpace, k, e.action[k] as number);
      });
      const mb = this.config.minibatch > 0 ? Math.min(this.config.minibatch, n) : n;
      for (let epoch = 0; epoch < this.config.epochs; epoch++) {
        if (mb === n) {
          this.step(x, a, adv, n);
          continue;
        }
        const order = seededPermutation(n, rng);
        for (let start = 0; start + mb <= n; start += mb) {
          const xs = new Float32Array(mb * this.nIn);
          const as = new Float32Array(mb * this.nOut);
          const ds = new Float32Array(mb);
          for (let r = 0; r < mb; r++) {
            const i = order[start + r] as number;
            xs.set(x.subarray(i * this.nIn, (i + 1) * this.nIn), r * this.nIn);
            as.set(a.subarray(i * this.nOut, (i + 1) * this.nOut), r * this.nOut);
            ds[r] = adv[i] as number;
          }
          this.step(xs, as, ds, mb);
        }
      }
    }
    // The round counts even without a gradient (all feedback equal): the schedule is per round.
    this.rounds++;
  }

  /** Factor of the step size this round (1 without decay). */
  private decay(): number {
    const tau = this.config.learningRateDecayRounds;
    return tau > 0 ? tau / (tau + this.rounds) : 1;
  }

  /** One policy-gradient step with Adam, entirely inside `tf.tidy`. */
  private step(x: Float32Array, a: Float32Array, adv: Float32Array, n: number): void {
    const keys = Object.keys(this.params);
    const vars = keys.map((k) => this.params[k] as tf.Variable);
    this.adamStep++;
    const lrT = adamRate(this.config, this.adamStep) * this.decay();
    tf.tidy(() => {
      const xt = tf.tensor2d(x, [n, this.nIn]);
      const at = tf.tensor2d(a, [n, this.nOut]);
      const dt = tf.tensor1d(adv);
      const { grads } = tf.variableGrads(() => {
        const logStd = this.logStdTensor();
        const z = tf.div(tf.sub(at, this.mean(xt)), tf.exp(logStd));
        // log N(a; μ, σ) up to a constant, summed over action dimensions.
        const logp = tf.sub(tf.mul(tf.sum(tf.square(z), 1), -0.5), tf.sum(logStd));
        return tf.neg(tf.mean(tf.mul(dt, logp))) as tf.Scalar;
      }, vars);
      clippedAdamUpdate(this.config, keys, vars, grads, { m: this.adamM, v: this.adamV }, (key) => (key === 'logStd' ? lrT * this.config.stdLearningRateScale : lrT));
    });
  }

  // ------------------------------------------------------------------------------- state

  /** Weights, Adam moments and feature statistics as plain typed arrays. */
  save(): LearnerState {
    this.assertLive();
    const arrays: Record<string, Float32Array | Float64Array> = { ...snapshotVariables(this.params) };
    snapshotAdam({ m: this.adamM, v: this.adamV }, arrays);
    arrays.featureMean = Float64Array.from(this.featureMean);
    arrays.featureM2 = Float64Array.from(this.featureM2);
    return {
      family: FAMILY,
      config: { ...this.config },
      arrays,
      extra: { rounds: this.rounds, adamStep: this.adamStep, featureCount: this.featureCount, featureNames: [...this.env.featureNames] },
    };
  }

  /** Restores a state saved by a learner with the same config and environment. */
  load(state: LearnerState): void {
    this.assertLive();
    if (state.family !== FAMILY) throw new Error(`${FAMILY}: cannot load a "${state.family}" state`);
    if (JSON.stringify(gaussianPolicyConfigSchema.parse(state.config)) !== JSON.stringify(this.config)) {
      throw new Error(`${FAMILY}: the saved config differs from this learner's; create the learner from the saved config`);
    }
    const arrays = state.arrays;
    restoreVariables(this.params, arrays);
    restoreAdam({ m: this.adamM, v: this.adamV }, arrays);
    const mean = arrays.featureMean;
    const m2 = arrays.featureM2;
    if (!mean || !m2 || mean.length !== this.nIn || m2.length !== this.nIn) throw new Error(`${FAMILY}: feature statistics missing or of the wrong size`);
    this.featureMean.set(mean);
    this.featureM2.set(m2);
    const { rounds, adamStep, featureCount } = state.extra;
    this.rounds = Number(rounds ?? 0);
    this.adamStep = Number(adamStep ?? 0);
    this.featureCount = Number(featureCount ?? 0);
  }

  /** Frees every tensor this learner owns (idempotent). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const group of [this.params, this.adamM, this.adamV]) for (const v of Object.values(group)) v.dispose();
  }

  private assertLive(): void {
    if (this.disposed) throw new Error(`${FAMILY}: used after dispose()`);
  }
}

/** The `gaussian-policy` family: capacity = trainable parameter count (width and depth scale it). */
export const gaussianPolicyFamily: LearnerFamily<GaussianPolicyConfig> = {
  id: FAMILY,
  // Maps features to actions: any bounded box, any channel (it only ranks rewards within a round).
  needs: { loop: 'one-shot', describingFeatures: true, channels: CHANNEL_KINDS },
  doc: 'tfjs MLP → Gaussian over actions, trained by REINFORCE with a per-round baseline; learns from any scalar feedback.',
  configSchema: gaussianPolicyConfigSchema,
  parseConfig(input) {
    const r = gaussianPolicyConfigSchema.safeParse(input ?? {});
    if (!r.success) throw inputErrorFromZod(`learner.${FAMILY}`, r.error, input);
    return r.data;
  },
  async create(env, config, seed) {
    await initTf();
    return new GaussianPolicy(env, config, seed);
  },
};
