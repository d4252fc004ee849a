/**
 * policy-gradient — the closed-loop learner. A tfjs MLP maps the current observation (cart
 * position, pole angle, …) to the mean of a Gaussian over actions; it is trained by REINFORCE
 * (optionally PPO-lite: several epochs with a clipped likelihood ratio) from one scalar of
 * feedback per episode, with the round's mean feedback as the baseline.
 *
 * The weights live in tfjs for training but cross into the physics as a plain-data `PolicySpec`
 * (src/core/policy.ts): the runtime evaluates it for every episode stepped in lockstep with one
 * batched pure-JS forward pass, adds the exploration noise ε (drawn per episode from
 * [seed, 'explore', episode]) and records observations and ε in the trajectory. From those the
 * learner recomputes the exact pre-clip sampled action x = μ_played(s) + σ·ε (the same float64
 * forward pass the runtime ran) and its log-probability under the current weights in tfjs.
 *
 * How the one-shot contract maps to closed loop (see `ClosedLoopLearner`): an episode's "action"
 * is the whole policy. `policy(mode)` returns it as a PolicySpec (the runner plays it); `act`
 * returns its flat weights for each task row (the same for every task: the policy conditions on
 * observations, not task features); `learn` takes `EpisodeExperience`s, which carry the
 * recorded steps (`experienceFromConsequence` builds them from a consequence).
 *
 * Reads top to bottom: config → network (tfjs, same maths as evaluatePolicy) → policy/act →
 * learn (one tidy step with `tf.variableGrads` and our own Adam, moments allocated up front so
 * the tensor count never grows) → save/load.
 */
import { z } from 'zod';
import { CHANNEL_KINDS } from '../feedback/channels.ts';
import { evaluatePolicy, policyParamCount, type PolicySpec } from '../core/policy.ts';
import { Stream } from '../core/rng.ts';
import { InputError, inputErrorFromZod } from '../core/errors.ts';
import { advantages } from './advantages.ts';
import { isClosedLoopEnv, type ClosedLoopEnv, type ClosedLoopLearner, type EpisodeExperience, type LearnerFamily, type LearnerState } from './types.ts';
import { adamRate, clippedAdamUpdate, initTf, restoreAdam, snapshotAdam, restoreVariables, seededPermutation, seededVariable, snapshotVariables, tf } from './tf.ts';

/** Hyperparameters of `policy-gradient`; every field is documented and unknown keys are rejected. */
export const policyGradientConfigSchema = z.strictObject({
  width: z.number().int().min(1).max(512).default(32).describe('Hidden units per layer.'),
  depth: z.number().int().min(0).max(6).default(1).describe('Hidden tanh layers (0 = a linear policy, like an LQR gain).'),
  learningRate: z.number().positive().max(1).default(0.01).describe('Adam step size.'),
  beta1: z.number().min(0).max(0.9999).default(0.9).describe('Adam decay of the gradient mean.'),
  beta2: z.number().min(0).max(0.99999).default(0.999).describe('Adam decay of the squared-gradient mean.'),
  adamEpsilon: z.number().positive().max(1).default(1e-8).describe('Adam denominator guard.'),
  noiseStd: z.number().min(0).max(2).default(0.3).describe('Exploration std at round 0, as a fraction of the action half-range.'),
  noiseDecay: z.number().positive().max(1).default(1).describe('Per-round factor of the exploration std (1 = constant).'),
  minNoiseStd: z.number().min(0).max(2).default(0.05).describe('Floor of the decayed exploration std (fraction of the half-range).'),
  roundSize: z.number().int().min(2).max(4096).default(32).describe('Episodes per learning round (the closed-loop runner gathers this many per learn()).'),
  epochs: z.number().int().min(1).max(64).default(1).describe('Gradient passes over each round (1 = REINFORCE; more = PPO-lite: lower learningRate with it).'),
  clipRatio: z.number().min(0).max(1).default(0.2).describe('PPO clip of the per-step likelihood ratio when epochs > 1 (0 = unclipped).'),
  stepsPerEpisode: z
    .number()
    .int()
    .min(0)
    .max(100_000)
    .default(0)
    .describe('Steps per episode used for the gradient, drawn with the seeded stream (0 = all; caps tfjs cost on long episodes).'),
  normalizeAdvantages: z.boolean().default(true).describe('Divide advantages by their std within the round (scale-free feedback).'),
  maxGradNorm: z.number().min(0).default(0).describe('Clip the global gradient norm to this value (0 = no clipping).'),
});

/** Validated `policy-gradient` hyperparameters. */
export type PolicyGradientConfig = z.infer<typeof policyGradientConfigSchema>;

const FAMILY = 'policy-gradient';

/** Layer sizes of the policy network: [observations, width × depth, actions]. */
export function policyGradientSizes(observations: number, actions: number, config: Pick<PolicyGradientConfig, 'width' | 'depth'>): number[] {
  return [observations, ...Array.from({ length: config.depth }, () => config.width), actions];
}

/** Training rows of one round as plain arrays (see `gatherSteps`). */
interface Rows {
  readonly x: Float32Array;
  readonly u: Float32Array;
  readonly sigma: Float32Array;
  readonly w: Float32Array;
  readonly count: number;
}

/** The same rows as tensors (created inside a tidy). */
interface RowTensors {
  readonly x: tf.Tensor2D;
  readonly u: tf.Tensor2D;
  readonly sigma: tf.Tensor2D;
  readonly w: tf.Tensor1D;
}

/** An MLP policy over observations trained by REINFORCE / PPO-lite with a per-round baseline. */
export class PolicyGradient implements ClosedLoopLearner {
  readonly family = FAMILY;
  readonly closedLoop = true as const;
  readonly capacity: number;
  readonly roundSize: number;
  readonly priors: readonly string[] = [
    'the action is a smooth, memoryless function of the current observation (an MLP)',
    "the world's declared observation ranges (inputs are scaled by them)",
    "the world's action box (the mean is squashed into it)",
  ];

  private readonly sizes: number[];
  private readonly nObs: number;
  private readonly nAct: number;
  /** Input scaling from the declared observation ranges: the network sees (o − offset)·scale. */
  private readonly inputOffset: number[];
  private readonly inputScale: number[];
  private readonly mid: number[];
  private readonly half: number[];
  /** Trainable variables `layer<l>.w` ([out, in], PolicySpec's row-major layout) and `.b`. */
  private readonly params: Record<string, tf.Variable> = {};
  private readonly adamM: Record<string, tf.Variable> = {};
  private readonly adamV: Record<string, tf.Variable> = {};
  private adamStep = 0;
  private rounds = 0;
  private disposed = false;

  constructor(
    private readonly env: ClosedLoopEnv,
    readonly config: PolicyGradientConfig,
    seed: number,
  ) {
    const obs = env.observationSpace;
    const act = env.actionSpace;
    this.nObs = obs.names.length;
    this.nAct = act.names.length;
    this.sizes = policyGradientSizes(this.nObs, this.nAct, config);
    this.capacity = policyParamCount(this.sizes);
    this.roundSize = config.roundSize;
    this.inputOffset = obs.low.map((lo, i) => 0.5 * (lo + (obs.high[i] as number)));
    this.inputScale = obs.low.map((lo, i) => {
      const h = 0.5 * ((obs.high[i] as number) - lo);
      return h > 0 ? 1 / h : 1;
    });
    this.mid = act.low.map((lo, k) => 0.5 * (lo + (act.high[k] as number)));
    this.half = act.low.map((lo, k) => 0.5 * ((act.high[k] as number) - lo));
    const rng = new Stream([seed, FAMILY, 'init']);
    const L = this.sizes.length - 1;
    for (let l = 0; l < L; l++) {
      const fanIn = this.sizes[l] as number;
      const fanOut = this.sizes[l + 1] as number;
      // The last layer starts tiny: the initial mean is the box centre (no push either way).
      this.params[`layer${l}.w`] = seededVariable('glorotUniform', [fanOut, fanIn], rng, l === L - 1 ? 1e-4 : 1);
      this.params[`layer${l}.b`] = seededVariable('zeros', [fanOut], rng);
    }
    for (const [key, v] of Object.entries(this.params)) {
      this.adamM[key] = tf.tidy(() => tf.variable(tf.zerosLike(v), false));
      this.adamV[key] = tf.tidy(() => tf.variable(tf.zerosLike(v), false));
    }
  }

  // ------------------------------------------------------------------------------- network

  /** The action mean in box units (tanh of the last layer): [n, nObs] scaled inputs → [n, nAct]. */
  private mean(x: tf.Tensor2D): tf.Tensor2D {
    let h: tf.Tensor2D = x;
    const L = this.sizes.length - 1;
    for (let l = 0; l < L; l++) {
      // W is [out, in]: h·Wᵀ, the same sums evaluatePolicy does row by row.
      h = tf.add(tf.matMul(h, this.params[`layer${l}.w`] as tf.Variable, false, true), this.params[`layer${l}.b`] as tf.Variable);
      if (l < L - 1) h = tf.tanh(h);
    }
    return tf.tanh(h);
  }

  /** Exploration std of the current round, as a fraction of the action half-range (decayed, floored at minNoiseStd). */
  currentNoise(): number {
    const { noiseStd, noiseDecay, minNoiseStd } = this.config;
    return Math.max(Math.min(minNoiseStd, noiseStd), noiseStd * Math.pow(noiseDecay, this.rounds));
  }

  // ------------------------------------------------------------------------------- policy / act

  /** The current policy as plain data (float64 copies of the weights); `explore` adds noiseStd. */
  policy(mode: 'explore' | 'greedy'): PolicySpec {
    this.assertLive();
    const weights = new Float64Array(this.capacity);
    let p = 0;
    for (let l = 0; l + 1 < this.sizes.length; l++) {
      for (const part of ['w', 'b']) {
        const data = (this.params[`layer${l}.${part}`] as tf.Variable).dataSync();
        weights.set(data, p);
        p += data.length;
      }
    }
    const sigma = this.currentNoise();
    return {
      kind: this.sizes.length === 2 ? 'linear' : 'mlp',
      sizes: [...this.sizes],
      weights,
      low: [...this.env.actionSpace.low],
      high: [...this.env.actionSpace.high],
      inputOffset: [...this.inputOffset],
      inputScale: [...this.inputScale],
      ...(mode === 'explore' && sigma > 0 ? { noiseStd: this.half.map((h) => sigma * h) } : {}),
    };
  }

  /**
   * The greedy actions for n observation rows, computed in tfjs (float32): what the runtime's
   * float64 `evaluatePolicy` computes from `policy('greedy')`, up to float32 rounding.
   */
  forward(observations: Float64Array, n: number): Float64Array {
    this.assertLive();
    const x = new Float32Array(n * this.nObs);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < this.nObs; j++) x[r * this.nObs + j] = ((observations[r * this.nObs + j] as number) - (this.inputOffset[j] as number)) * (this.inputScale[j] as number);
    }
    const t = tf.tidy(() => this.mean(tf.tensor2d(x, [n, this.nObs])));
    const box = t.dataSync();
    t.dispose();
    return Float64Array.from(box, (b, i) => (this.mid[i % this.nAct] as number) + (this.half[i % this.nAct] as number) * b);
  }

  /** One-shot view: each task row gets the policy's flat weights (the episode's "action"). */
  act(features: readonly (readonly number[])[], _rng: Stream, mode: 'explore' | 'greedy'): number[][] {
    const w = Array.from(this.policy(mode).weights);
    return features.map(() => [...w]);
  }

  // ------------------------------------------------------------------------------- learn

  /**
   * One round: advantages from the episodes' feedback (minus the round mean), then `epochs`
   * Adam steps on −Σ A·log π(x|s) (or the PPO-clipped surrogate) over the recorded steps.
   */
  learn(batch: readonly EpisodeExperience[], rng: Stream): void {
    this.assertLive();
    const n = batch.length;
    if (n === 0) return;
    for (const e of batch) {
      if (!(e.observations instanceof Float64Array) || !e.policy) {
        throw new Error(`${FAMILY}: learn() takes EpisodeExperiences with recorded steps (see experienceFromConsequence), not one-shot experiences`);
      }
    }
    const adv = advantages(
      batch.map((e) => e.feedback),
      this.config.normalizeAdvantages,
    );
    if (adv) {
      const rows = this.gatherSteps(batch, adv, rng);
      if (rows.count > 0) {
        const logpOld = this.config.epochs > 1 ? this.logProb(rows) : undefined;
        for (let epoch = 0; epoch < this.config.epochs; epoch++) this.step(rows, logpOld);
      }
    }
    // The round counts even without a gradient (all feedback equal): the noise schedule is per round.
    this.rounds++;
  }

  /**
   * The rows the gradient uses: scaled observations x, pre-clip sampled actions u (box units,
   * exactly what the runtime drew: its own float64 forward pass plus σ·ε), the σ they were drawn
   * with (box units) and per-row weights (the episode's advantage over the round's row count, so
   * the loss is a mean). Episodes played without noise carry no log-likelihood gradient: skipped.
   */
  private gatherSteps(batch: readonly EpisodeExperience[], adv: Float32Array, rng: Stream): Rows {
    const cap = this.config.stepsPerEpisode;
    const noisy = batch.map((e) => e.policy.noiseStd !== undefined && e.policy.noiseStd.every((s) => s > 0));
    const picks = batch.map((e, i) => {
      if (!noisy[i] || cap === 0 || e.steps <= cap) return undefined;
      // A seeded subset of steps, sorted so rows stay in time order.
      return Array.from(seededPermutation(e.steps, rng).subarray(0, cap)).sort((a, b) => a - b);
    });
    const count = batch.reduce((s, e, i) => s + (noisy[i] ? (picks[i]?.length ?? e.steps) : 0), 0);
    const x = new Float32Array(count * this.nObs);
    const u = new Float32Array(count * this.nAct);
    const sigma = new Float32Array(count * this.nAct);
    const w = new Float32Array(count);
    let r = 0;
    batch.forEach((e, i) => {
      const sizes = e.policy.sizes;
      if (sizes[0] !== this.nObs || sizes[sizes.length - 1] !== this.nAct) {
        throw new Error(`${FAMILY}: episode policy sizes [${sizes.join(', ')}] do not fit ${this.nObs} observations → ${this.nAct} actions`);
      }
      if (!noisy[i]) return;
      const std = e.policy.noiseStd as readonly number[];
      const mu = evaluatePolicy(e.policy, e.observations, e.steps);
      const steps = picks[i];
      const m = steps ? steps.length : e.steps;
      // REINFORCE sums log-probabilities over an episode's steps: a subset is scaled up to the whole.
      const a = (adv[i] as number) * (e.steps / m);
      for (let s = 0; s < m; s++, r++) {
        const t = steps ? (steps[s] as number) : s;
        for (let j = 0; j < this.nObs; j++) {
          x[r * this.nObs + j] = ((e.observations[t * this.nObs + j] as number) - (this.inputOffset[j] as number)) * (this.inputScale[j] as number);
        }
        for (let k = 0; k < this.nAct; k++) {
          const half = this.half[k] as number;
          const sample = (mu[t * this.nAct + k] as number) + (std[k] as number) * (e.noise[t * this.nAct + k] as number);
          u[r * this.nAct + k] = (sample - (this.mid[k] as number)) / half;
          sigma[r * this.nAct + k] = (std[k] as number) / half;
        }
        w[r] = a / count;
      }
    });
    return { x, u, sigma, w, count };
  }

  /** log π(u|x) per row, up to a constant (σ is fixed by the schedule: its log-term drops out). */
  private logProbTensor(rows: RowTensors): tf.Tensor1D {
    const z = tf.div(tf.sub(rows.u, this.mean(rows.x)), rows.sigma);
    return tf.mul(tf.sum(tf.square(z), 1), -0.5);
  }

  private tensors(rows: Rows): RowTensors {
    return {
      x: tf.tensor2d(rows.x, [rows.count, this.nObs]),
      u: tf.tensor2d(rows.u, [rows.count, this.nAct]),
      sigma: tf.tensor2d(rows.sigma, [rows.count, this.nAct]),
      w: tf.tensor1d(rows.w),
    };
  }

  private logProb(rows: Rows): Float32Array {
    return tf.tidy(() => this.logProbTensor(this.tensors(rows)).dataSync() as Float32Array).slice();
  }

  /** One Adam step on the REINFORCE loss, or the clipped surrogate when `logpOld` is given. */
  private step(rows: Rows, logpOld: Float32Array | undefined): void {
    const keys = Object.keys(this.params);
    const vars = keys.map((k) => this.params[k] as tf.Variable);
    const { clipRatio } = this.config;
    this.adamStep++;
    const lrT = adamRate(this.config, this.adamStep);
    tf.tidy(() => {
      const t = this.tensors(rows);
      const { grads } = tf.variableGrads(() => {
        const logp = this.logProbTensor(t);
        if (!logpOld) return tf.neg(tf.sum(tf.mul(t.w, logp))) as tf.Scalar;
        // PPO-lite: the ratio to the policy that played, clipped so one round cannot move far.
        const ratio = tf.exp(tf.sub(logp, tf.tensor1d(logpOld)));
        const plain = tf.mul(t.w, ratio);
        if (clipRatio === 0) return tf.neg(tf.sum(plain)) as tf.Scalar;
        const clipped = tf.mul(t.w, tf.clipByValue(ratio, 1 - clipRatio, 1 + clipRatio));
        return tf.neg(tf.sum(tf.minimum(plain, clipped))) as tf.Scalar;
      }, vars);
      clippedAdamUpdate(this.config, keys, vars, grads, { m: this.adamM, v: this.adamV }, () => lrT);
    });
  }

  // ------------------------------------------------------------------------------- state

  /** Weights and Adam moments as plain Float32Arrays; the round and step counters as JSON. */
  save(): LearnerState {
    this.assertLive();
    const arrays: Record<string, Float32Array | Float64Array> = { ...snapshotVariables(this.params) };
    snapshotAdam({ m: this.adamM, v: this.adamV }, arrays);
    return {
      family: FAMILY,
      config: { ...this.config },
      arrays,
      extra: { rounds: this.rounds, adamStep: this.adamStep, sizes: [...this.sizes], observationNames: [...this.env.observationSpace.names] },
    };
  }

  /** Restores a state saved by a learner with the same config and environment. */
  load(state: LearnerState): void {
    this.assertLive();
    if (state.family !== FAMILY) throw new Error(`${FAMILY}: cannot load a "${state.family}" state`);
    if (JSON.stringify(policyGradientConfigSchema.parse(state.config)) !== JSON.stringify(this.config)) {
      throw new Error(`${FAMILY}: the saved config differs from this learner's; create the learner from the saved config`);
    }
    const arrays = state.arrays;
    restoreVariables(this.params, arrays);
    restoreAdam({ m: this.adamM, v: this.adamV }, arrays);
    this.rounds = Number(state.extra.rounds ?? 0);
    this.adamStep = Number(state.extra.adamStep ?? 0);
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

/** The `policy-gradient` family (closed-loop worlds only): capacity = the policy's parameter count. */
export const policyGradientFamily: LearnerFamily<PolicyGradientConfig> = {
  id: FAMILY,
  needs: { loop: 'closed-loop', describingFeatures: false, channels: CHANNEL_KINDS },
  doc: 'tfjs MLP policy over observations for closed-loop worlds, played as plain data in lockstep; REINFORCE/PPO-lite from per-episode feedback.',
  configSchema: policyGradientConfigSchema,
  parseConfig(input) {
    const r = policyGradientConfigSchema.safeParse(input ?? {});
    if (!r.success) throw inputErrorFromZod(`learner.${FAMILY}`, r.error, input);
    return r.data;
  },
  async create(env, config, seed) {
    if (!isClosedLoopEnv(env)) throw new InputError('learner', FAMILY, `a one-shot learner for world '${env.world}' (${FAMILY} needs a closed-loop world)`);
    await initTf();
    return new PolicyGradient(env, config, seed);
  },
};
