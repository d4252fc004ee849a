/**
 * Closed-loop policies as plain data. A `PolicySpec` crosses the worker boundary (wall 3): layer
 * sizes, flat Float64 weights and the action box, nothing callable. The physics worker evaluates
 * it for all episodes stepped in lockstep with one batched forward pass (`evaluatePolicy`).
 *
 * Determinism: the forward pass is plain + − × in a fixed order per row (so a row's result never
 * depends on how many rows share the call) and a tanh built here from the deterministic exp/log
 * of src/core/detmath.ts. V8's own Math.tanh is not among the functions detmath replaces, and
 * may differ by an ulp between Node and Chromium like the others do.
 *
 * Weight layout, layer after layer: the weight matrix (out × in, row-major) then the bias (out).
 * Hidden layers use tanh; the output z is squashed into the action box as mid + half · tanh(z).
 */
import { z } from 'zod';
import { deterministicMath } from './detmath.ts';
import type { Stream } from './rng.ts';
import type { ActionSpace, ObservationSpace } from './types.ts';

/** A policy as plain data (see the module doc for the weight layout). */
export interface PolicySpec {
  /** `linear`: sizes = [observations, actions]; `mlp`: [observations, hidden…, actions]. */
  readonly kind: 'linear' | 'mlp';
  readonly sizes: readonly number[];
  /** All weights and biases, layer by layer (Float64Array or a plain array). */
  readonly weights: Float64Array | readonly number[];
  /** The action box the output is squashed into (usually the world's action space). */
  readonly low: readonly number[];
  readonly high: readonly number[];
  /**
   * Gaussian exploration noise per action, in action units: the runtime adds std · ε (ε drawn
   * from the episode's own exploration stream) to the squashed output, then clips to the box.
   */
  readonly noiseStd?: readonly number[];
  /** Input normalisation: the network sees (observation − inputOffset) · inputScale. */
  readonly inputOffset?: readonly number[];
  readonly inputScale?: readonly number[];
}

/** Number of weights and biases of a network with these layer sizes. */
export function policyParamCount(sizes: readonly number[]): number {
  let n = 0;
  for (let l = 0; l + 1 < sizes.length; l++) n += ((sizes[l] as number) + 1) * (sizes[l + 1] as number);
  return n;
}

const finite = z.number().refine(Number.isFinite, 'a finite number');

/** Validates a PolicySpec arriving from outside (a learner, another worker, a file). */
export const policySpecSchema = z
  .strictObject({
    kind: z.enum(['linear', 'mlp']),
    sizes: z.array(z.number().int().min(1).max(4096)).min(2).max(10),
    weights: z.union([z.instanceof(Float64Array), z.array(z.number())]),
    low: z.array(finite),
    high: z.array(finite),
    noiseStd: z.array(finite.min(0)).optional(),
    inputOffset: z.array(finite).optional(),
    inputScale: z.array(finite).optional(),
  })
  .superRefine((p, ctx) => {
    const nIn = p.sizes[0] as number;
    const nOut = p.sizes[p.sizes.length - 1] as number;
    const issue = (path: string, message: string): void => ctx.addIssue({ code: 'custom', path: [path], message });
    if (p.kind === 'linear' && p.sizes.length !== 2) issue('sizes', 'a linear policy has exactly two sizes: [observations, actions]');
    const count = policyParamCount(p.sizes);
    if (p.weights.length !== count) issue('weights', `${count} weights for sizes [${p.sizes.join(', ')}] (got ${p.weights.length})`);
    for (let i = 0; i < p.weights.length; i++) {
      if (!Number.isFinite(p.weights[i])) {
        issue('weights', `finite weights (weight ${i} is ${p.weights[i]})`);
        break;
      }
    }
    if (p.low.length !== nOut || p.high.length !== nOut) issue('low', `low and high with ${nOut} entries (one per action)`);
    p.low.forEach((lo, i) => {
      if (!(lo <= (p.high[i] ?? -Infinity))) issue('high', `high[${i}] ≥ low[${i}]`);
    });
    if (p.noiseStd && p.noiseStd.length !== nOut) issue('noiseStd', `${nOut} entries (one per action)`);
    if (p.inputOffset && p.inputOffset.length !== nIn) issue('inputOffset', `${nIn} entries (one per observation)`);
    if (p.inputScale && p.inputScale.length !== nIn) issue('inputScale', `${nIn} entries (one per observation)`);
  });

const { exp, log } = deterministicMath;

/** e^x − 1 without cancellation near 0 (Kahan's trick), from the deterministic exp and log. */
function expm1(x: number): number {
  const u = exp(x);
  if (u === 1) return x;
  const um1 = u - 1;
  if (um1 === -1) return -1;
  return (um1 * x) / log(u);
}

/** Deterministic tanh: the same bits in every JS engine (see the module doc). */
export function tanh(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = x < 0 ? -x : x;
  // tanh(20) = 1 − 8.5e-18, which rounds to 1.
  let t = 1;
  if (a <= 20) {
    const m = expm1(-2 * a);
    t = -m / (2 + m);
  }
  return x < 0 ? -t : t;
}

let scratchA = new Float64Array(64);
let scratchB = new Float64Array(64);

/**
 * The batched forward pass: `observations` holds n rows of sizes[0] values; returns n rows of
 * actions (squashed into [low, high], no noise). Row by row, so a row's bits never depend on n.
 */
export function evaluatePolicy(spec: PolicySpec, observations: Float64Array, n: number, out?: Float64Array): Float64Array {
  const sizes = spec.sizes;
  const nIn = sizes[0] as number;
  const nOut = sizes[sizes.length - 1] as number;
  const w = spec.weights;
  const result = out ?? new Float64Array(n * nOut);
  let width = 0;
  for (const s of sizes) width = Math.max(width, s);
  // Layer activations ping-pong between two scratch rows, reused across calls (it runs every step).
  if (scratchA.length < width) {
    scratchA = new Float64Array(width);
    scratchB = new Float64Array(width);
  }
  let a = scratchA;
  let b = scratchB;
  const off = spec.inputOffset;
  const scale = spec.inputScale;
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < nIn; i++) {
      let x = observations[r * nIn + i] as number;
      if (off) x -= off[i] as number;
      if (scale) x *= scale[i] as number;
      a[i] = x;
    }
    let p = 0;
    for (let l = 0; l + 1 < sizes.length; l++) {
      const ni = sizes[l] as number;
      const no = sizes[l + 1] as number;
      const biasAt = p + ni * no;
      const last = l + 2 === sizes.length;
      for (let o = 0; o < no; o++) {
        let s = w[biasAt + o] as number;
        const row = p + o * ni;
        for (let i = 0; i < ni; i++) s += (w[row + i] as number) * (a[i] as number);
        b[o] = last ? s : tanh(s);
      }
      p = biasAt + no;
      const t = a;
      a = b;
      b = t;
    }
    for (let k = 0; k < nOut; k++) {
      const lo = spec.low[k] as number;
      const hi = spec.high[k] as number;
      result[r * nOut + k] = 0.5 * (lo + hi) + 0.5 * (hi - lo) * tanh(a[k] as number);
    }
  }
  return result;
}

/**
 * The random policy of `random` mode in a closed-loop world: linear, every input weight uniform
 * in [−1, 1] divided by its observation's half-range (so each term is of order one over the
 * typical range), every bias uniform in [−1, 1], drawn in layout order from `rng` (the runtime
 * passes the stream [seed, 'action', episode]). No exploration noise.
 */
export function randomLinearPolicy(obs: ObservationSpace, actions: ActionSpace, rng: Stream): PolicySpec {
  const nIn = obs.names.length;
  const nOut = actions.names.length;
  const weights = new Float64Array(policyParamCount([nIn, nOut]));
  for (let o = 0; o < nOut; o++) {
    for (let i = 0; i < nIn; i++) {
      const half = 0.5 * ((obs.high[i] as number) - (obs.low[i] as number));
      weights[o * nIn + i] = rng.uniform(-1, 1) / (half > 0 ? half : 1);
    }
  }
  for (let o = 0; o < nOut; o++) weights[nIn * nOut + o] = rng.uniform(-1, 1);
  return { kind: 'linear', sizes: [nIn, nOut], weights, low: [...actions.low], high: [...actions.high] };
}

/**
 * A linear policy from gains: the pre-squash output is Σ gains[k][i] · obs[i] + bias[k].
 * Near the box centre the squashed action is about mid + half · that, so a gain in action units
 * per observation unit is gains / half.
 */
export function linearPolicy(gains: readonly (readonly number[])[], bias: readonly number[], actions: ActionSpace, extra: Pick<PolicySpec, 'noiseStd'> = {}): PolicySpec {
  const nOut = gains.length;
  const nIn = gains[0]?.length ?? 0;
  const weights = new Float64Array(policyParamCount([nIn, nOut]));
  gains.forEach((row, o) => row.forEach((g, i) => (weights[o * nIn + i] = g)));
  bias.forEach((b, o) => (weights[nIn * nOut + o] = b));
  return { kind: 'linear', sizes: [nIn, nOut], weights, low: [...actions.low], high: [...actions.high], ...extra };
}
