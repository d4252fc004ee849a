/**
 * physics-prior — a learner with a causal prior. It carries a ballistic model of a throw
 * (launch from height h at angle θ and speed v, gravity g, linear air drag, a slide after
 * landing) and aims by solving that model for the target: at a fixed launch angle, bisection on
 * the speed until the predicted rest point equals the target.
 *
 * What it does not know it fits from consequences, by maximising the feedback it gets: the
 * model's unknowns (a scale on the feature gravity, the launch height, the slide coefficient,
 * the drag) are searched with the cross-entropy method. Each exploring action is planned with
 * its own draw of the unknowns; after a round, the draws whose episodes got the best feedback
 * (the elites) pull the search distribution towards them. Feedback is any scalar, higher is
 * better; graded feedback ranks draws finely, binary feedback only splits hits from misses.
 *
 * The point of the family: what it learns is a few physical constants, not a map from features
 * to actions, so a task with another gravity is just another input to the same equations. Its
 * priors are listed (`priors`) and recorded in every run, because they are information given
 * to the learner by its designer — exactly what the sandbox measures.
 */
import { z } from 'zod';
import { CHANNEL_KINDS } from '../feedback/channels.ts';
import { deterministicMath } from '../core/detmath.ts';
import { inputErrorFromZod } from '../core/errors.ts';
import type { Stream } from '../core/rng.ts';
import type { Experience, Learner, LearnerEnv, LearnerFamily, LearnerState } from './types.ts';

const { sin, cos, exp } = deterministicMath;
const FAMILY = 'physics-prior';

/** The model's unknowns, in the order of the search vector. */
export const PHYSICS_UNKNOWNS = ['gravityScale', 'launchHeight', 'slide', 'drag'] as const;
/** One of the model's unknowns. */
export type PhysicsUnknown = (typeof PHYSICS_UNKNOWNS)[number];

/** Hyperparameters of `physics-prior`; every field is documented and unknown keys are rejected. */
export const physicsPriorConfigSchema = z.strictObject({
  angleDeg: z.number().min(5).max(85).default(45).describe('Launch angle used for every throw (the model is solved for the speed).'),
  exploreAngleSpread: z
    .number()
    .min(0)
    .max(40)
    .default(15)
    .describe('Exploring throws draw their angle uniformly within ±this of angleDeg: varied angles tell drag from gravity.'),
  fit: z
    .array(z.enum(PHYSICS_UNKNOWNS))
    .default([...PHYSICS_UNKNOWNS])
    .describe('Unknowns fitted from feedback; the others stay at their prior guess.'),
  gravityScaleGuess: z.number().positive().max(10).default(1).describe('Prior guess of effective gravity ÷ feature gravity.'),
  launchHeightGuess: z.number().min(0).max(10).default(1).describe('Prior guess of the launch height above the landing level, m.'),
  slideGuess: z.number().min(0).max(5).default(0).describe('Prior guess of the slide coefficient: slide = coef·vx²/g after landing.'),
  dragGuess: z.number().min(0).max(5).default(0).describe('Prior guess of the linear drag rate, 1/s.'),
  gravityScaleSpread: z.number().positive().max(2).default(0.15).describe('Initial search std of log(gravityScale).'),
  launchHeightSpread: z.number().positive().max(5).default(0.5).describe('Initial search std of the launch height, m.'),
  slideSpread: z.number().positive().max(5).default(0.15).describe('Initial search std of the slide coefficient.'),
  dragSpread: z.number().positive().max(5).default(0.3).describe('Initial search std of the drag rate, 1/s.'),
  eliteFraction: z.number().gt(0).max(1).default(0.25).describe('Share of a round\'s draws, best feedback first, that pull the search distribution.'),
  smoothing: z.number().gt(0).max(1).default(0.5).describe('Step of the search mean and std towards the elites\' (1 = jump).'),
  minSpreadFraction: z.number().min(0).max(1).default(0.02).describe('Floor of each search std, as a fraction of its initial spread.'),
});

/** Validated `physics-prior` hyperparameters. */
export type PhysicsPriorConfig = z.infer<typeof physicsPriorConfigSchema>;

/** Values of the model's unknowns (physical units). */
export type PhysicsParams = Record<PhysicsUnknown, number>;

// ---------------------------------------------------------------------------------- the model

/**
 * φ(t) = (1 − e^{−kt})/k and ψ(t) = (t − φ)/k, the drag integrals of position. A series for
 * small kt, where the closed forms cancel catastrophically (at k → 0, φ → t and ψ → t²/2).
 */
function dragIntegrals(k: number, t: number): { phi: number; psi: number; decay: number } {
  const x = k * t;
  const decay = exp(-x);
  if (x < 1e-2) {
    const phi = t * (1 - x / 2 + (x * x) / 6 - (x * x * x) / 24 + (x * x * x * x) / 120 - (x * x * x * x * x) / 720);
    const psi = t * t * (1 / 2 - x / 6 + (x * x) / 24 - (x * x * x) / 120 + (x * x * x * x) / 720 - (x * x * x * x * x) / 5040);
    return { phi, psi, decay };
  }
  const phi = (1 - decay) / k;
  return { phi, psi: (t - phi) / k, decay };
}

/**
 * Predicted rest position (m) of a throw under the model: ballistic flight with linear drag
 * `drag` from height `launchHeight` under gravity `g`, then a slide of `slide·vx²/g` where vx is
 * the horizontal speed at landing.
 */
export function predictRestX(angleDeg: number, speed: number, g: number, p: PhysicsParams): number {
  const a = (angleDeg * Math.PI) / 180;
  const vx = speed * cos(a);
  const vy = speed * sin(a);
  const h = Math.max(0, p.launchHeight);
  const k = Math.max(0, p.drag);
  // Drag-free landing time, exact; with drag, Newton from there on y(t) = h + vy·φ − g·ψ = 0
  // (y is concave and the drag-free time overshoots, so the iterates move monotonically).
  let t = (vy + Math.sqrt(vy * vy + 2 * g * h)) / g;
  if (k > 0) {
    for (let i = 0; i < 50; i++) {
      const d = dragIntegrals(k, t);
      const y = h + vy * d.phi - g * d.psi;
      const dy = vy * d.decay - g * d.phi;
      if (!(dy < 0)) break; // Guard: never happens after the apex.
      const next = t - y / dy;
      if (Math.abs(next - t) <= 1e-12 * t) {
        t = next;
        break;
      }
      t = next;
    }
  }
  const d = dragIntegrals(k, t);
  const vxLand = vx * d.decay;
  return vx * d.phi + (Math.max(0, p.slide) * vxLand * vxLand) / g;
}

/** The speed in [lo, hi] whose predicted rest point is the target (bisection; clamps if out of reach). */
export function solveSpeed(angleDeg: number, targetX: number, g: number, p: PhysicsParams, lo: number, hi: number): number {
  // The predicted rest point grows with speed at any fixed angle below vertical.
  if (predictRestX(angleDeg, lo, g, p) >= targetX) return lo;
  if (predictRestX(angleDeg, hi, g, p) <= targetX) return hi;
  let a = lo;
  let b = hi;
  for (let i = 0; i < 60 && b - a > 1e-9; i++) {
    const m = 0.5 * (a + b);
    if (predictRestX(angleDeg, m, g, p) < targetX) a = m;
    else b = m;
  }
  return 0.5 * (a + b);
}

// ---------------------------------------------------------------------------------- the learner

/** A ballistic-model learner whose unknowns are fitted by CEM on feedback. */
export class PhysicsPrior implements Learner {
  readonly family = FAMILY;
  /** The number of fitted unknowns. */
  readonly capacity: number;
  readonly priors: readonly string[];

  /** Feature index of each target (one throw per target: `targetX`, or `target1` … `targetK`). */
  private readonly targetIndices: number[];
  private readonly gravityIndex: number;
  private readonly speedLo: number;
  private readonly speedHi: number;
  private readonly angle: number;
  private readonly angleLo: number;
  private readonly angleHi: number;
  /** Indices (into PHYSICS_UNKNOWNS) of the fitted unknowns: the search vector's coordinates. */
  private readonly fitted: number[];
  /** Search distribution over the fitted unknowns, in search coordinates (log for gravityScale). */
  private readonly mean: Float64Array;
  private readonly std: Float64Array;
  private readonly minStd: Float64Array;
  private rounds = 0;
  /** Draws behind the latest exploring actions, keyed by features and action (consumed by learn). */
  private pending = new Map<string, Float64Array>();

  constructor(
    env: LearnerEnv,
    readonly config: PhysicsPriorConfig,
    _seed: number,
  ) {
    // One throw (features targetX, actions [angle, speed]) or k throws (target1…targetK,
    // [angle1, speed1, …, angleK, speedK]); the family's `needs` declares both shapes.
    const names = env.actionSpace.names;
    const single = env.featureNames.includes('targetX');
    const k = single ? 1 : names.length / 2;
    this.targetIndices = single ? [env.featureNames.indexOf('targetX')] : Array.from({ length: k }, (_, i) => env.featureNames.indexOf(`target${i + 1}`));
    this.gravityIndex = env.featureNames.indexOf('gravity');
    const pairsOk = single
      ? names.length === 2 && names[0] === 'angle' && names[1] === 'speed'
      : Number.isInteger(k) && k >= 1 && names.every((n, i) => n === `${i % 2 === 0 ? 'angle' : 'speed'}${Math.floor(i / 2) + 1}`);
    if (this.targetIndices.some((i) => i < 0) || this.gravityIndex < 0 || !pairsOk) {
      throw new Error(
        `${FAMILY}: needs features targetX (or target1…targetK) and gravity and actions [angle, speed] per target; world "${env.world}" has features [${env.featureNames.join(', ')}] and actions [${names.join(', ')}]`,
      );
    }
    this.speedLo = env.actionSpace.low[1] as number;
    this.speedHi = env.actionSpace.high[1] as number;
    this.angleLo = env.actionSpace.low[0] as number;
    this.angleHi = env.actionSpace.high[0] as number;
    this.angle = Math.min(this.angleHi, Math.max(this.angleLo, config.angleDeg));
    this.fitted = PHYSICS_UNKNOWNS.map((_, i) => i).filter((i) => config.fit.includes(PHYSICS_UNKNOWNS[i] as PhysicsUnknown));
    this.capacity = this.fitted.length;
    const guess = this.guessVector();
    const spread = [config.gravityScaleSpread, config.launchHeightSpread, config.slideSpread, config.dragSpread];
    this.mean = Float64Array.from(this.fitted, (i) => guess[i] as number);
    this.std = Float64Array.from(this.fitted, (i) => spread[i] as number);
    this.minStd = Float64Array.from(this.std, (s) => s * config.minSpreadFraction);
    this.priors = [
      'projectile motion under uniform gravity: launch equations from a fixed height',
      'gravity is given as the task feature "gravity" (only a scale on it is fitted)',
      'the target is the task feature "targetX": aim so the predicted rest point equals it',
      'the action is [launch angle in degrees, launch speed in m/s]',
      `launch angle ${this.angle}° (exploring ±${config.exploreAngleSpread}°), solve the model for the speed`,
      'after landing the body slides coef·vx²/g (coef fitted)',
      'air drag is linear in velocity (rate fitted)',
      `launch height unknown, prior guess ${config.launchHeightGuess} m`,
      `fitted unknowns: ${this.fitted.map((i) => PHYSICS_UNKNOWNS[i]).join(', ') || 'none'}`,
    ];
  }

  /** Prior guesses in search coordinates, for all four unknowns. */
  private guessVector(): number[] {
    const c = this.config;
    return [Math.log(c.gravityScaleGuess), c.launchHeightGuess, c.slideGuess, c.dragGuess];
  }

  /** Physical parameters from a search vector (fitted coordinates only; the rest at their guess). */
  private paramsFrom(u: Float64Array): PhysicsParams {
    const full = this.guessVector();
    this.fitted.forEach((i, j) => {
      full[i] = u[j] as number;
    });
    return {
      gravityScale: exp(full[0] as number),
      launchHeight: Math.max(0, full[1] as number),
      slide: Math.max(0, full[2] as number),
      drag: Math.max(0, full[3] as number),
    };
  }

  /** The model's current best estimate of its unknowns (the search mean), for reports. */
  estimate(): PhysicsParams {
    return this.paramsFrom(this.mean);
  }

  /** The action (one [angle, speed] pair per target) that lands the model's rest points on the task's targets. */
  private plan(features: readonly number[], u: Float64Array, angles: readonly number[]): number[] {
    const p = this.paramsFrom(u);
    const g = (features[this.gravityIndex] as number) * p.gravityScale;
    return this.targetIndices.flatMap((ti, j) => {
      const angle = angles[j] as number;
      return [angle, solveSpeed(angle, features[ti] as number, g, p, this.speedLo, this.speedHi)];
    });
  }

  /** Greedy: plan with the search mean; explore: plan each task with its own draw of the unknowns. */
  act(features: readonly (readonly number[])[], rng: Stream, mode: 'explore' | 'greedy'): number[][] {
    return features.map((f) => {
      if (mode === 'greedy') return this.plan(f, this.mean, this.targetIndices.map(() => this.angle));
      const u = Float64Array.from(this.mean, (m, j) => m + (this.std[j] as number) * rng.normal());
      const spread = this.config.exploreAngleSpread;
      // One angle draw per throw, after the unknowns: a single throw draws exactly as before.
      const angles = this.targetIndices.map(() => Math.min(this.angleHi, Math.max(this.angleLo, this.angle + spread * (2 * rng.next() - 1))));
      const action = this.plan(f, u, angles);
      // Bounded: a caller that never calls learn cannot grow this without limit.
      if (this.pending.size >= 1 << 16) this.pending.clear();
      this.pending.set(pendingKey(f, action), u);
      return action;
    });
  }

  /** One CEM update from the round's feedback on its own exploring draws (others are ignored). */
  learn(batch: readonly Experience[], _rng: Stream): void {
    const draws: { u: Float64Array; f: number }[] = [];
    for (const e of batch) {
      const u = this.pending.get(pendingKey(e.features, e.action));
      if (u) draws.push({ u, f: e.feedback });
    }
    this.pending = new Map();
    this.rounds++;
    if (draws.length < 2 || this.fitted.length === 0) return;
    const elites = selectElites(draws.map((d) => d.f), this.config.eliteFraction);
    if (elites.length === 0) return; // Every draw got the same feedback: no information.
    const a = this.config.smoothing;
    for (let j = 0; j < this.fitted.length; j++) {
      let m = 0;
      for (const i of elites) m += (draws[i] as { u: Float64Array }).u[j] as number;
      m /= elites.length;
      let v = 0;
      for (const i of elites) v += (((draws[i] as { u: Float64Array }).u[j] as number) - m) ** 2;
      const s = Math.sqrt(v / elites.length);
      this.mean[j] = (1 - a) * (this.mean[j] as number) + a * m;
      this.std[j] = Math.max(this.minStd[j] as number, (1 - a) * (this.std[j] as number) + a * s);
    }
  }

  /** The search distribution (plain arrays) and the round count. */
  save(): LearnerState {
    return {
      family: FAMILY,
      config: { ...this.config, fit: [...this.config.fit] },
      arrays: { mean: Float64Array.from(this.mean), std: Float64Array.from(this.std) },
      extra: { rounds: this.rounds, fitted: this.fitted.map((i) => PHYSICS_UNKNOWNS[i]) },
    };
  }

  /** Restores a state saved by a learner with the same config. */
  load(state: LearnerState): void {
    if (state.family !== FAMILY) throw new Error(`${FAMILY}: cannot load a "${state.family}" state`);
    if (JSON.stringify(physicsPriorConfigSchema.parse(state.config)) !== JSON.stringify(this.config)) {
      throw new Error(`${FAMILY}: the saved config differs from this learner's; create the learner from the saved config`);
    }
    const { mean, std } = state.arrays;
    if (!mean || !std || mean.length !== this.mean.length || std.length !== this.std.length) throw new Error(`${FAMILY}: search state missing or of the wrong size`);
    this.mean.set(mean);
    this.std.set(std);
    this.rounds = Number(state.extra.rounds ?? 0);
    this.pending = new Map();
  }

  /** Nothing to free (no tensors). */
  dispose(): void {
    this.pending = new Map();
  }
}

function pendingKey(features: readonly number[], action: readonly number[]): string {
  return `${features.join(',')}|${action.join(',')}`;
}

/**
 * Indices of the elite draws: the best `fraction` by feedback, ties at the cut included. When
 * the cut falls on the worst value (binary feedback with few hits), only draws strictly better
 * than the worst count; when all feedback is equal there are none.
 */
export function selectElites(feedback: readonly number[], fraction: number): number[] {
  const n = feedback.length;
  const order = [...feedback.keys()].sort((i, j) => (feedback[j] as number) - (feedback[i] as number) || i - j);
  const k = Math.max(1, Math.ceil(fraction * n));
  const cut = feedback[order[k - 1] as number] as number;
  const worst = feedback[order[n - 1] as number] as number;
  if (cut > worst) return order.filter((i) => (feedback[i] as number) >= cut);
  return order.filter((i) => (feedback[i] as number) > worst);
}

/** The `physics-prior` family: capacity = the number of fitted unknowns. */
export const physicsPriorFamily: LearnerFamily<PhysicsPriorConfig> = {
  id: FAMILY,
  // A throw: a target and gravity to aim with, [angle, speed] to answer with (one pair per target).
  needs: {
    loop: 'one-shot',
    describingFeatures: true,
    features: [['targetX', 'gravity'], ['target1', 'gravity']],
    actions: [['angle', 'speed'], ['angle1', 'speed1']],
    channels: CHANNEL_KINDS,
  },
  doc: 'Ballistic model solved for the target; its unknowns (gravity scale, height, slide, drag) fitted by CEM on feedback. A causal prior.',
  configSchema: physicsPriorConfigSchema,
  parseConfig(input) {
    const r = physicsPriorConfigSchema.safeParse(input ?? {});
    if (!r.success) throw inputErrorFromZod(`learner.${FAMILY}`, r.error, input);
    return r.data;
  },
  create: (env, config, seed) => new PhysicsPrior(env, config, seed),
};
