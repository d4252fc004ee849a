/**
 * agreement.ts at its edges, on hand-made samples: which cause an undefined statistic gets when
 * several apply (the documented order), the sentences a user reads (`statisticText`), length
 * checks, NaN as the worst value in each statistic, and the counts behind an Agreement.
 * Written from the mutation report of src/anchors/agreement.ts (docs/testing.md).
 */
import { describe, expect, it } from 'vitest';
import {
  agreementOf,
  aucStatistic,
  cohenKappa,
  drift,
  goodness,
  kappaStatistic,
  kendallTauB,
  metricAgreement,
  rocAuc,
  statisticText,
  tauBStatistic,
  UNDEFINED_CAUSES,
  type Agreement,
} from '../../src/anchors/agreement.ts';
import { parseMetric } from '../../src/metrics/index.ts';

const w = (v: number): number => (Number.isNaN(v) ? -Infinity : v);
/** AUC by its definition: the share of (positive, negative) pairs the positive wins, ties ½. */
function pairAuc(scores: number[], labels: boolean[]): number {
  let won = 0;
  let pairs = 0;
  scores.forEach((p, i) => {
    if (!labels[i]) return;
    scores.forEach((q, j) => {
      if (labels[j]) return;
      pairs++;
      won += w(p) > w(q) ? 1 : w(p) === w(q) ? 0.5 : 0;
    });
  });
  return won / pairs;
}
/** τ-b by its definition: (concordant − discordant) / √((pairs − x-ties)(pairs − y-ties)). */
function pairTauB(x: number[], y: number[]): number {
  let c = 0;
  let d = 0;
  let tx = 0;
  let ty = 0;
  let pairs = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      pairs++;
      const sx = Math.sign(w(x[i]!) - w(x[j]!) || 0);
      const sy = Math.sign(w(y[i]!) - w(y[j]!) || 0);
      if (sx === 0) tx++;
      if (sy === 0) ty++;
      if (sx * sy > 0) c++;
      if (sx * sy < 0) d++;
    }
  }
  return (c - d) / Math.sqrt((pairs - tx) * (pairs - ty));
}

describe('causes of an undefined statistic, in the documented order', () => {
  it('τ-b: too few cells, then metric undefined, then constant metric, then constant ground truth', () => {
    expect(tauBStatistic([NaN], [1])).toEqual({ value: null, cause: 'too-few-cells' });
    expect(tauBStatistic([], [])).toEqual({ value: null, cause: 'too-few-cells' });
    expect(tauBStatistic([NaN, NaN], [1, 1])).toEqual({ value: null, cause: 'metric-undefined' });
    expect(tauBStatistic([2, 2, 2], [1, 1, 1])).toEqual({ value: null, cause: 'constant-metric' });
    expect(tauBStatistic([1, 2, 3], [5, 5, 5])).toEqual({ value: null, cause: 'constant-ground-truth' });
    // NaN counts as −∞: a NaN beside −∞ is the same value (constant); beside a number it is the worst
    expect(tauBStatistic([NaN, -Infinity], [1, 2])).toEqual({ value: null, cause: 'constant-metric' });
    expect(tauBStatistic([NaN, 0], [1, 2])).toEqual({ value: 1, cause: null });
    expect(tauBStatistic([1, 2], [NaN, 0])).toEqual({ value: 1, cause: null });
    expect(tauBStatistic([0, 1], [0, 1])).toEqual({ value: 1, cause: null });
  });

  it('AUC: too few, metric undefined, constant score, then one class', () => {
    expect(aucStatistic([1], [true])).toEqual({ value: null, cause: 'too-few-cells' });
    expect(aucStatistic([NaN, NaN], [true, false])).toEqual({ value: null, cause: 'metric-undefined' });
    expect(aucStatistic([3, 3], [true, false])).toEqual({ value: null, cause: 'constant-metric' });
    expect(aucStatistic([NaN, -Infinity], [true, false])).toEqual({ value: null, cause: 'constant-metric' });
    expect(aucStatistic([1, 2], [true, true])).toEqual({ value: null, cause: 'constant-ground-truth' });
    expect(aucStatistic([1, 2], [false, false])).toEqual({ value: null, cause: 'constant-ground-truth' });
    // NaN scores rank below every number
    expect(rocAuc([NaN, 0], [false, true])).toBe(1);
    expect(rocAuc([NaN, 0], [true, false])).toBe(0);
  });

  it('AUC: Mann–Whitney with average ranks equals the pair count, for runs of ties anywhere in the order', () => {
    for (const [scores, labels] of [
      [[2, 1, 2, 5, 2, 4], [true, false, true, true, false, false]], // a tie run in the middle
      [[3, 1, 3, 3], [false, true, true, false]], // at the top
      [[0, 0, 9, 0], [true, false, true, false]], // at the bottom
      [[NaN, 1, -Infinity, 1, 2], [false, true, true, false, true]], // NaN tied with −∞
    ] as [number[], boolean[]][]) {
      expect(rocAuc(scores, labels), JSON.stringify(scores)).toBeCloseTo(pairAuc(scores, labels), 12);
    }
  });

  it('κ: too few, then a constant metric labeling, then a constant ground-truth labeling', () => {
    expect(kappaStatistic([true], [false])).toEqual({ value: null, cause: 'too-few-cells' });
    expect(kappaStatistic([true, true], [true, true])).toEqual({ value: null, cause: 'constant-metric' });
    expect(kappaStatistic([false, false], [true, false])).toEqual({ value: null, cause: 'constant-metric' });
    expect(kappaStatistic([true, false], [false, false])).toEqual({ value: null, cause: 'constant-ground-truth' });
    expect(kappaStatistic([true, false], [true, true])).toEqual({ value: null, cause: 'constant-ground-truth' });
    // 3 of 4 agree, pa = 2, pb = 1: pe = (2·1 + 2·3)/16 = ½, κ = (¾ − ½)/(1 − ½) = ½
    expect(cohenKappa([true, true, false, false], [true, false, false, false])).toBe(0.5);
  });

  it('a length mismatch is a programming error, named with both lengths', () => {
    expect(() => kendallTauB([1, 2], [1])).toThrow(new RangeError('kendallTauB: lengths differ (2 vs 1)'));
    expect(() => rocAuc([1, 2], [true])).toThrow(new RangeError('rocAuc: lengths differ (2 vs 1)'));
    expect(() => cohenKappa([true], [true, false])).toThrow(new RangeError('cohenKappa: lengths differ (1 vs 2)'));
  });
});

describe('τ-b counts', () => {
  it('ties in x only, in y only and in both, against the O(n²) definition', () => {
    for (const [x, y] of [
      [[1, 1, 2, 2, 3], [1, 2, 2, 2, 1]],
      [[1, 2, 3, 3, 3], [1, 2, 3, 3, 3]], // a run tied in both at the end of the sorted order
      [[3, 3, 3, 1, 2], [1, 1, 1, 2, 3]],
      [[1, 1, 1, 2, 2, 2], [1, 1, 2, 2, 3, 3]],
    ]) {
      expect(kendallTauB(x!, y!), JSON.stringify([x, y])).toBeCloseTo(pairTauB(x!, y!), 12);
    }
  });

  it('counts discordant pairs across merge blocks of every width (n = 9, reversed with a swap)', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const y = [9, 8, 7, 6, 5, 4, 3, 1, 2];
    // 36 pairs, one concordant (the swapped 1, 2): τ = (1 − 35) / 36
    expect(kendallTauB(x, y)).toBeCloseTo(-34 / 36, 12);
    expect(kendallTauB(y, x)).toBeCloseTo(-34 / 36, 12);
  });
});

describe('agreement objects and the sentences built from them', () => {
  const M = ['e'];
  const cells = [0.1, 0.3, 0.6, 1.2].map((e) => ({ measurements: { e }, margin: 0.5 - e, pass: e <= 0.5 }));

  it('counts cells and ground-truth passes, and names a cause exactly for each null statistic', () => {
    const a = metricAgreement(parseMetric({ expression: 'e', direction: 'lower', threshold: 0.5 }, M), cells);
    expect([a.n, a.passes]).toEqual([4, 2]);
    const allFail = cells.map((c) => ({ ...c, pass: false, margin: -1 }));
    expect(metricAgreement(parseMetric({ expression: 'e', direction: 'lower', threshold: 0.5 }, M), allFail)).toEqual({
      n: 4,
      passes: 0,
      tauB: null,
      auc: null,
      kappa: null,
      undefinedCauses: { tauB: 'constant-ground-truth', auc: 'constant-ground-truth', kappa: 'constant-ground-truth' },
    });
  });

  it('a metric undefined on every cell is `metric-undefined`, not `constant-metric`; on no cells, too few', () => {
    const nan = parseMetric({ expression: 'log(-1)', direction: 'lower', threshold: 0 }, M);
    expect(metricAgreement(nan, cells).undefinedCauses).toEqual({ tauB: 'metric-undefined', auc: 'metric-undefined', kappa: 'metric-undefined' });
    // undefined on some cells only: those are the worst values, the statistics stay defined
    const some = parseMetric({ expression: 'if(e < 1, e, log(-1))', direction: 'lower', threshold: 0.5 }, M);
    expect(metricAgreement(some, cells)).toMatchObject({ tauB: 1, auc: 1, kappa: 1, undefinedCauses: {} });
    expect(metricAgreement(nan, []).undefinedCauses).toEqual({ tauB: 'too-few-cells', auc: 'too-few-cells', kappa: 'too-few-cells' });
    // agreementOf maps only constant-metric to metric-undefined when told
    expect(agreementOf([-Infinity, -Infinity], [1, -1], [true, false], [false, false], true).undefinedCauses).toEqual({ tauB: 'metric-undefined', auc: 'metric-undefined', kappa: 'metric-undefined' });
    expect(agreementOf([1, 1], [1, 1], [true, true], [true, false], true).undefinedCauses).toEqual({ tauB: 'metric-undefined', auc: 'metric-undefined', kappa: 'constant-ground-truth' });
    expect(agreementOf([1, 1], [1, 1], [true, true], [true, false], false).undefinedCauses).toEqual({ tauB: 'constant-metric', auc: 'constant-metric', kappa: 'constant-ground-truth' });
    // not told (the default): a constant metric stays `constant-metric`
    expect(agreementOf([1, 1], [1, -1], [true, false], [true, true]).undefinedCauses).toEqual({ tauB: 'constant-metric', auc: 'constant-metric', kappa: 'constant-metric' });
    // undefined on some cells and failing on the rest: κ's labeling is constant, not undefined
    const failsOrUndefined = parseMetric({ expression: 'if(e < 1, 5, log(-1))', direction: 'lower', threshold: 0.5 }, M);
    expect(metricAgreement(failsOrUndefined, cells).undefinedCauses).toEqual({ kappa: 'constant-metric' });
  });

  it('statisticText: two decimals, or `undefined (<cause sentence>)`', () => {
    const a: Agreement = { n: 3, passes: 1, tauB: 0.625, auc: null, kappa: null, undefinedCauses: { auc: 'constant-ground-truth' } };
    expect(statisticText(a, 'tauB')).toBe('0.63');
    expect(statisticText({ ...a, tauB: 0 }, 'tauB')).toBe('0.00');
    expect(statisticText(a, 'auc')).toBe('undefined (ground truth is constant on the evidence)');
    expect(statisticText(a, 'kappa')).toBe('undefined (no cause recorded)');
    expect(UNDEFINED_CAUSES).toEqual({
      'too-few-cells': 'fewer than two anchor verdicts',
      'metric-undefined': 'the metric is undefined (NaN) on every cell',
      'constant-metric': 'the metric is constant on the evidence',
      'constant-ground-truth': 'ground truth is constant on the evidence',
    });
    expect(Object.isFrozen(UNDEFINED_CAUSES)).toBe(true);
  });

  it('goodness flips lower-is-better only; drift is 1 − τ-b, null when τ-b is', () => {
    expect([goodness('lower', 3), goodness('higher', 3), goodness('lower', NaN)]).toEqual([-3, 3, -Infinity]);
    const a: Agreement = { n: 3, passes: 1, tauB: -0.5, auc: null, kappa: null, undefinedCauses: {} };
    expect(drift(a)).toBe(1.5);
    expect(drift({ ...a, tauB: null })).toBeNull();
  });
});
