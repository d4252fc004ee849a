import { describe, expect, it } from 'vitest';
import { agreementOf, cohenKappa, drift, goodness, kendallTauB, metricAgreement, rocAuc } from '../../src/anchors/agreement.ts';
import { Stream } from '../../src/core/rng.ts';
import { parseMetric } from '../../src/metrics/index.ts';

/** O(n²) τ-b straight from the definition, NaN as −∞: the reference for the O(n log n) version. */
function naiveTauB(x: number[], y: number[]): number {
  const w = (v: number): number => (Number.isNaN(v) ? -Infinity : v);
  let c = 0;
  let d = 0;
  let tx = 0;
  let ty = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const sx = Math.sign(w(x[i]!) - w(x[j]!) || 0);
      const sy = Math.sign(w(y[i]!) - w(y[j]!) || 0);
      const ex = w(x[i]!) === w(x[j]!);
      const ey = w(y[i]!) === w(y[j]!);
      if (ex && ey) continue;
      if (ex) tx++;
      else if (ey) ty++;
      else if (sx === sy) c++;
      else d++;
    }
  }
  return (c - d) / Math.sqrt((c + d + tx) * (c + d + ty));
}

describe('Kendall τ-b', () => {
  it('is 1 for perfect agreement and −1 for reversed order, whatever the scale', () => {
    const x = [1, 2, 3, 4, 5, 6];
    expect(kendallTauB(x, x.map((v) => 10 * v + 3))).toBe(1);
    expect(kendallTauB(x, x.map((v) => Math.exp(-v)))).toBe(-1);
  });

  it('handles ties like the textbook definition (scipy: τ-b([1,2,2,3],[1,3,2,3]) = 0.8)', () => {
    // C = 4 concordant, D = 0, one pair tied in x only, one in y only: 4 / sqrt(5·5) = 0.8.
    expect(kendallTauB([1, 2, 2, 3], [1, 3, 2, 3])).toBeCloseTo(0.8, 12);
    // A binary metric that separates passes from fails perfectly: τ-b < 1 (margins within a class differ)
    // but it is the largest a two-valued metric can reach: sqrt(pairs across classes / all untied-in-y pairs).
    const margins = [-3, -2, -1, 1, 2, 3];
    const binary = [0, 0, 0, 1, 1, 1];
    expect(kendallTauB(binary, margins)).toBeCloseTo(9 / Math.sqrt(9 * 15), 12);
  });

  it('is undefined (NaN) for a constant side or fewer than two points', () => {
    expect(kendallTauB([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(kendallTauB([1, 2, 3], [5, 5, 5])).toBeNaN();
    expect(kendallTauB([1], [1])).toBeNaN();
    expect(() => kendallTauB([1, 2], [1])).toThrow(RangeError);
  });

  it('counts NaN as the worst value (−∞)', () => {
    expect(kendallTauB([NaN, 1, 2], [0, 1, 2])).toBe(1);
    expect(kendallTauB([NaN, 1, 2], [3, 1, 2])).toBeCloseTo(naiveTauB([NaN, 1, 2], [3, 1, 2]), 12);
  });

  it('matches the O(n²) definition on random data with heavy ties and infinities', () => {
    const rng = new Stream([1, 'tau-ref']);
    for (let trial = 0; trial < 40; trial++) {
      const n = 2 + rng.int(0, 120);
      const levels = 1 + rng.int(0, 6);
      const pick = (): number => {
        const r = rng.next();
        return r < 0.05 ? NaN : r < 0.1 ? -Infinity : rng.int(0, levels);
      };
      const x = Array.from({ length: n }, pick);
      const y = Array.from({ length: n }, () => (rng.next() < 0.5 ? rng.int(0, levels) : rng.normal()));
      const fast = kendallTauB(x, y);
      const slow = naiveTauB(x, y);
      if (Number.isNaN(slow)) expect(fast).toBeNaN();
      else expect(fast).toBeCloseTo(slow, 10);
    }
  });

  it('is ≈ 0 for independent samples: |τ| < 4 standard deviations', () => {
    // Under independence (no ties) Var τ = 2(2n + 5) / (9n(n − 1)): sd ≈ 0.015 at n = 2000, so a
    // 4-sd band (±0.06) is missed with probability < 1e-4; the draw is seeded, so it never flakes.
    const n = 2000;
    const rng = new Stream([2, 'independent']);
    const x = Array.from({ length: n }, () => rng.normal());
    const y = Array.from({ length: n }, () => rng.normal());
    const sd = Math.sqrt((2 * (2 * n + 5)) / (9 * n * (n - 1)));
    expect(Math.abs(kendallTauB(x, y))).toBeLessThan(4 * sd);
  });
});

describe('ROC AUC and κ', () => {
  it('AUC: 1 separated, 0 reversed, ½ for tied pairs, NaN with one class or a constant score', () => {
    expect(rocAuc([1, 2, 3, 4], [false, false, true, true])).toBe(1);
    expect(rocAuc([4, 3, 2, 1], [false, false, true, true])).toBe(0);
    expect(rocAuc([1, 1, 1, 1], [false, true, false, true])).toBeNaN(); // a constant score ranks nothing
    expect(rocAuc([1, 1, 2, 2], [false, true, false, true])).toBe(0.5);
    expect(rocAuc([1, 2, 2, 3], [false, true, false, true])).toBeCloseTo(0.875, 12); // 3.5 of 4 pairs
    expect(rocAuc([NaN, 0], [false, true])).toBe(1); // NaN is the worst score
    expect(rocAuc([1, 2], [true, true])).toBeNaN();
  });

  it('κ: 1 for identical labels, 0 at chance, < 0 against, NaN when either labeling is constant', () => {
    expect(cohenKappa([true, false, true], [true, false, true])).toBe(1);
    expect(cohenKappa([false, false], [false, false])).toBeNaN();
    expect(cohenKappa([true, true], [false, false])).toBeNaN();
    expect(cohenKappa([true, true, true], [true, false, true])).toBeNaN();
    expect(cohenKappa([true, false, true, false], [true, true, false, false])).toBe(0);
    expect(cohenKappa([true, false], [false, true])).toBe(-1);
    expect(cohenKappa([], [])).toBeNaN();
  });
});

describe('metric agreement', () => {
  const measurements = ['restError', 'minDistToTarget'];
  const cells = [0.1, 0.3, 0.6, 1.2, 2.5].map((e, i) => ({
    measurements: { restError: e, minDistToTarget: [0.1, 0.1, 0.1, 0.1, 0.1][i]! + i * 1e-3 },
    margin: 0.5 - e,
    pass: 0.5 - e >= 0,
  }));

  it('sign-adjusts by direction: lower-is-better error agrees perfectly with the margin', () => {
    const m = parseMetric({ expression: 'restError', direction: 'lower', threshold: 0.5 }, measurements);
    expect(goodness('lower', 2)).toBe(-2);
    expect(goodness('higher', NaN)).toBe(-Infinity);
    const a = metricAgreement(m, cells);
    expect(a).toEqual({ n: 5, passes: 2, tauB: 1, auc: 1, kappa: 1, undefinedCauses: {} });
    expect(drift(a)).toBe(0);
    const reversed = parseMetric({ expression: 'restError', direction: 'higher', threshold: 0.5 }, measurements);
    expect(metricAgreement(reversed, cells).tauB).toBe(-1);
  });

  it('sees a loosened threshold through κ only (ranks unchanged)', () => {
    const loose = parseMetric({ expression: 'restError', direction: 'lower', threshold: 2 }, measurements);
    const a = metricAgreement(loose, cells);
    expect(a.tauB).toBe(1);
    expect(a.kappa).toBeLessThan(0.5);
  });

  it('reports null for undefined statistics (a constant metric measures nothing)', () => {
    const constant = parseMetric({ expression: '1', direction: 'lower', threshold: 0 }, measurements);
    expect(metricAgreement(constant, cells).tauB).toBeNull();
    expect(metricAgreement(constant, cells).undefinedCauses).toEqual({ tauB: 'constant-metric', auc: 'constant-metric', kappa: 'constant-metric' });
    const few = { tauB: 'too-few-cells', auc: 'too-few-cells', kappa: 'too-few-cells' };
    expect(agreementOf([], [], [], [])).toEqual({ n: 0, passes: 0, tauB: null, auc: null, kappa: null, undefinedCauses: few });
  });
});
