import { describe, expect, it } from 'vitest';
import { evaluatePolicy, linearPolicy, policyParamCount, policySpecSchema, randomLinearPolicy, tanh, type PolicySpec } from '../../src/core/policy.ts';
import { Stream } from '../../src/core/rng.ts';

const box = { names: ['a', 'b'], low: [-2, 0], high: [2, 10], units: ['', ''] };
const obsSpace = { names: ['p', 'q', 'r'], low: [-1, -10, 0], high: [1, 10, 4], units: ['', '', ''] };

function mlp(seed: number, sizes: number[]): PolicySpec {
  const rng = new Stream([seed, 'mlp']);
  const weights = new Float64Array(policyParamCount(sizes));
  for (let i = 0; i < weights.length; i++) weights[i] = rng.normal();
  return { kind: 'mlp', sizes, weights, low: box.low, high: box.high };
}

describe('deterministic tanh', () => {
  it('agrees with Math.tanh to a few ulps and keeps its symmetries', () => {
    const rng = new Stream([1, 'tanh']);
    for (let i = 0; i < 20_000; i++) {
      const x = (rng.next() - 0.5) * 10 ** rng.uniform(-12, 2);
      const want = Math.tanh(x);
      expect(Math.abs(tanh(x) - want)).toBeLessThanOrEqual(4 * Number.EPSILON * Math.abs(want) + Number.MIN_VALUE);
      expect(tanh(-x)).toBe(-tanh(x));
    }
    expect(tanh(0)).toBe(0);
    expect(tanh(25)).toBe(1);
    expect(tanh(-Infinity)).toBe(-1);
    expect(tanh(NaN)).toBeNaN();
  });
});

describe('evaluatePolicy', () => {
  it('computes a linear policy as mid + half · tanh(W·x + b)', () => {
    const p = linearPolicy([[1, 2, 3], [-1, 0, 0.5]], [0.1, -0.2], box);
    const obs = Float64Array.from([0.5, -0.25, 1]);
    const out = evaluatePolicy(p, obs, 1);
    expect(out[0]).toBeCloseTo(2 * Math.tanh(0.1 + 0.5 - 0.5 + 3), 14);
    expect(out[1]).toBeCloseTo(5 + 5 * Math.tanh(-0.2 - 0.5 + 0.5), 14);
  });

  it('gives every row the same bits whatever the batch around it', () => {
    const p = { ...mlp(3, [3, 16, 16, 2]), inputOffset: [0, 1, 2], inputScale: [1, 0.1, 0.5] };
    const n = 37;
    const rng = new Stream([2, 'obs']);
    const obs = Float64Array.from({ length: n * 3 }, () => rng.uniform(-5, 5));
    const batch = evaluatePolicy(p, obs, n);
    for (let r = 0; r < n; r++) {
      const alone = evaluatePolicy(p, obs.slice(r * 3, r * 3 + 3), 1);
      expect([Object.is(alone[0], batch[2 * r]), Object.is(alone[1], batch[2 * r + 1])]).toEqual([true, true]);
    }
    // Always inside the box, never NaN.
    for (let r = 0; r < n; r++) {
      expect(batch[2 * r]).toBeGreaterThanOrEqual(-2);
      expect(batch[2 * r]).toBeLessThanOrEqual(2);
      expect(batch[2 * r + 1]).toBeGreaterThanOrEqual(0);
      expect(batch[2 * r + 1]).toBeLessThanOrEqual(10);
    }
  });

  it('applies the input normalisation before the first layer', () => {
    const p = linearPolicy([[1, 1, 1]], [0], { ...box, names: ['a'], low: [-1], high: [1] });
    const withNorm = { ...p, inputOffset: [1, 2, 3], inputScale: [2, 2, 2] };
    const a = evaluatePolicy(withNorm, Float64Array.from([1.5, 2.5, 3.5]), 1)[0];
    const b = evaluatePolicy(p, Float64Array.from([1, 1, 1]), 1)[0];
    expect(a).toBe(b);
  });
});

describe('PolicySpec schema (the worker boundary)', () => {
  const good = linearPolicy([[1, 2, 3], [4, 5, 6]], [0, 0], box);
  it('accepts Float64Array and plain-array weights', () => {
    expect(policySpecSchema.safeParse(good).success).toBe(true);
    expect(policySpecSchema.safeParse({ ...good, weights: Array.from(good.weights) }).success).toBe(true);
    expect(policySpecSchema.safeParse(mlp(1, [3, 4, 2])).success).toBe(true);
  });
  it('rejects wrong weight counts, non-finite weights, bad shapes and boxes', () => {
    const bad = (p: unknown): string => {
      const r = policySpecSchema.safeParse(p);
      return r.success ? 'accepted' : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    };
    expect(bad({ ...good, weights: new Float64Array(3) })).toMatch(/weights: 8 weights/);
    expect(bad({ ...good, weights: Float64Array.from([1, 2, NaN, 4, 5, 6, 7, 8]) })).toMatch(/weight 2 is NaN/);
    expect(bad({ ...good, sizes: [3, 4, 2], weights: new Float64Array(policyParamCount([3, 4, 2])) })).toMatch(/linear policy has exactly two sizes/);
    expect(bad({ ...good, low: [0] })).toMatch(/one per action/);
    expect(bad({ ...good, low: [3, 0] })).toMatch(/high\[0\] ≥ low\[0\]/);
    expect(bad({ ...good, noiseStd: [-1, 0] })).not.toBe('accepted');
    expect(bad({ ...good, extra: 1 })).not.toBe('accepted');
  });
});

describe('randomLinearPolicy', () => {
  it('draws from the stream it is given, scaled by the observation ranges', () => {
    const a = randomLinearPolicy(obsSpace, box, new Stream([5, 'action', 3]));
    const b = randomLinearPolicy(obsSpace, box, new Stream([5, 'action', 3]));
    const c = randomLinearPolicy(obsSpace, box, new Stream([5, 'action', 4]));
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    expect(Array.from(a.weights)).not.toEqual(Array.from(c.weights));
    expect(a.sizes).toEqual([3, 2]);
    // Observation q has half-range 10: its weights are at most 1/10.
    expect(Math.abs(a.weights[1] as number)).toBeLessThanOrEqual(0.1);
    expect(policySpecSchema.safeParse(a).success).toBe(true);
  });
});
