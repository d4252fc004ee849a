// The gate's behaviour where the mutation report of src/anchors/gate.ts found no test looking
// (docs/testing.md): the designer-metric lock evolve uses at α = 1, the sentences of accepted and
// undecided reviews, how the agreement sample grows while a statistic is undefined, and the α
// mapping's text. Small hand-made anchor matrices; every number is worked out by hand.
import { describe, expect, it } from 'vitest';
import { ALPHA_MAPPING, agreementGate, memberScores, nonRegressionOnly, quarantine, type QuarantinePoint } from '../../src/anchors/gate.ts';
import { AnchorOracle, type AnchorMatrix } from '../../src/anchors/oracle.ts';
import type { Metric } from '../../src/metrics/index.ts';
import { ctx, matrixOf, metric } from './gate-fixtures.ts';


const X = metric('x', 'lower', 2);
const Y = metric('y', 'lower', 2);
// m0 passes 4/4, m1 3/4; `x lower` ranks m0 best, `y lower` m1.
const TWO = matrixOf([
  [[1, 9, true], [1, 9, true], [1, 9, true], [1, 9, true]],
  [[5, 0, true], [5, 0, true], [5, 0, true], [5, 0, false]],
]);

describe('α = 1 locked to a designer metric (evolve passes `locked`)', () => {
  it('adopts the locked metric only, names it as the designer metric, buys nothing', () => {
    const o = new AnchorOracle(TWO, { budget: 100 });
    const gate = agreementGate({ alpha: 1, groundTruth: X, locked: Y, seed: 1 });
    const yes = gate.review({ metric: Y, parent: null, operator: 'root' }, ctx(o, Y));
    expect(yes).toMatchObject({ accepted: true, outcome: 'accepted', budgetSpent: 0 });
    expect(yes.reason).toBe('accepted: locked to the designer metric (α = 1) and this is the locked metric y (lower, pass ≤ 2).');
    // Ground truth itself is refused: the lock is to the designer metric, not to ground truth.
    const gt = gate.review({ metric: X, parent: 'M0', operator: 'swap' }, ctx(o, Y));
    expect(gt).toMatchObject({ accepted: false, outcome: 'rejected' });
    expect(gt.reason).toBe('rejected: locked to the designer metric (α = 1); only y (lower, pass ≤ 2) may be adopted.');
    expect(o.spent).toBe(0);
  });

  it('a world without a designer metric adopts nothing at α = 1, and says it has none', () => {
    const o = new AnchorOracle(TWO, { budget: 100 });
    const d = agreementGate({ alpha: 1, groundTruth: X, locked: null, seed: 1 }).review({ metric: X, parent: 'M0', operator: 'swap' }, ctx(o, X));
    expect(d.accepted).toBe(false);
    expect(d.reason).toBe('rejected: locked to the designer metric (α = 1); this world has no designer metric expression, so no metric may be adopted.');
  });

  it('records the agreement on the verdicts already bought, without buying', () => {
    const o = new AnchorOracle(TWO, { budget: 100 });
    o.query(0, 0);
    o.query(1, 3);
    const d = agreementGate({ alpha: 1, groundTruth: X, seed: 1 }).review({ metric: X, parent: null, operator: 'root' }, ctx(o, X));
    expect(d.agreement.n).toBe(2);
    expect(d.budgetSpent).toBe(0);
    expect(d.thresholds).toEqual({ alpha: 1, minAgreement: 1, slack: 0, evidence: null, locked: true });
  });
});

describe('scoring members with undefined values', () => {
  it('an undefined value counts as the lowest finite goodness, not the last one seen', () => {
    // `log(x − 2)` (lower): m0 reads x = 1 (undefined) and 12 (goodness −log 10); m1 reads 102
    // (−log 100, the lowest) and 4 (−log 2, the last finite). m0 = (−log 100 − log 10)/2.
    const o = new AnchorOracle(matrixOf([[[1, 0, true], [12, 0, true]], [[102, 0, true], [4, 0, true]]]), { budget: 0 });
    const [m0, m1] = memberScores(o, metric('log(x - 2)', 'lower', 0));
    expect(m0).toBeCloseTo(-(Math.log(100) + Math.log(10)) / 2, 12);
    expect(m1).toBeCloseTo(-(Math.log(100) + Math.log(2)) / 2, 12);
  });
});

describe('the sentences of a review', () => {
  it('too few verdicts: undecided (not rejected), with the budget named', () => {
    const o = new AnchorOracle(TWO, { budget: 3 });
    const d = agreementGate({ alpha: 0.5, groundTruth: X, seed: 1, sampleSize: 8, minEvidence: 4 }).review({ metric: X, parent: 'M0', operator: 't' }, ctx(o, X));
    expect(d).toMatchObject({ accepted: false, outcome: 'undecided', budgetSpent: 3 });
    expect(d.reason).toBe('undecided: only 3 anchor verdicts could be bought (budget 3/3), the gate needs 4; nothing changes.');
  });

  it('accepted: both statistics against τ(α), AUC, the verdicts, and the non-regression phrase', () => {
    // m0 passes everywhere with x = 1; m1 passes where x = 2 and fails where x = 6: `x ≤ 3` passes
    // exactly where ground truth does (κ = 1), and ranks m0 best as `x ≤ 2` does (same best).
    const good = matrixOf([
      [[1, 0, true], [1, 0, true], [1, 0, true], [1, 0, true]],
      [[2, 0, true], [2, 0, true], [2, 0, true], [6, 0, false]],
    ]);
    const o = new AnchorOracle(good, { budget: 100 });
    const d = agreementGate({ alpha: 0.5, groundTruth: X, seed: 1, sampleSize: 8 }).review({ metric: metric('x', 'lower', 3), parent: 'M0', operator: 't' }, ctx(o, X));
    expect(d).toMatchObject({ accepted: true, outcome: 'accepted', budgetSpent: 8 });
    expect(d.reason).toBe('accepted: τ-b 0.61 and κ 1.00 ≥ τ(0.5) = 0.50 (AUC 1.00, 8 anchor verdicts), and both metrics rank m0 best, so its GT pass rate cannot fall.');
  });

  it('undecided: names the undefined statistic and its cause, and changes nothing', () => {
    // Ground truth passes everywhere with margin +1: κ and AUC are undefined (one ground-truth
    // class) and so is τ-b (constant margins).
    const all = matrixOf([
      [[1, 0, true], [2, 0, true]],
      [[3, 0, true], [4, 0, true]],
    ]);
    const o = new AnchorOracle(all, { budget: 100 });
    const d = agreementGate({ alpha: 0.5, groundTruth: X, seed: 1, sampleSize: 4, minEvidence: 2 }).review({ metric: X, parent: 'M0', operator: 't' }, ctx(o, X));
    expect(d).toMatchObject({ accepted: false, outcome: 'undecided' });
    expect(d.agreement.tauB).toBeNull();
    expect(d.agreement.kappa).toBeNull();
    expect(d.reason).toMatch(/^undecided: no evidence either way — τ-b undefined \(.+\); threshold κ undefined \(.+\) — so nothing changes \(τ-b undefined, κ undefined, AUC undefined on 4 anchor verdicts\)\.$/);
  });

  it('rejected on the checks that fail, with the one that has no evidence appended', () => {
    // m0 passes everywhere, m1 nowhere; `y ≤ 100` passes every cell (κ undefined: constant metric)
    // and ranks m1 (y = 0) best: τ-b −1 and a measured drop 1.00 > slack(0.8) = 0.1.
    const m = matrixOf([
      [[1, 9, true], [1, 9, true], [1, 9, true], [1, 9, true]],
      [[5, 0, false], [5, 0, false], [5, 0, false], [5, 0, false]],
    ]);
    const o = new AnchorOracle(m, { budget: 100 });
    const d = agreementGate({ alpha: 0.8, groundTruth: X, seed: 1, sampleSize: 2, maxSample: 2, minEvidence: 2 }).review({ metric: metric('y', 'lower', 100), parent: 'M0', operator: 't' }, ctx(o, X));
    expect(d.outcome).toBe('rejected');
    expect(d.reason).toBe(
      "rejected: τ-b -1.00 < τ(0.8) = 0.80; the best learner's anchor GT pass rate goes 1.00 (m0) → 0.00 (m1), drop 1.00 > slack 0.100; no evidence: threshold κ undefined (the metric is constant on the evidence) (τ-b -1.00, κ undefined, AUC 0.00 on 8 anchor verdicts).",
    );
  });
});

describe('a non-regression check the budget cannot pay for is no evidence', () => {
  // m0 mostly passes (x small), m1 mostly fails (x large); `y lower` ranks m1 best, `x lower` m0.
  // A budget of 4 pays for the sample of 4 but not for the two rows the check needs.
  const M = matrixOf([
    [[1, 5, true], [1, 5, true], [2, 5, false], [1, 5, true]],
    [[5, 0, false], [6, 0, false], [5, 0, true], [6, 0, false]],
  ]);
  const review = (proposed: Metric, current: Metric) =>
    agreementGate({ alpha: 0.25, groundTruth: null, seed: 0, sampleSize: 4, maxSample: 4, minEvidence: 2 }).review({ metric: proposed, parent: 'M0', operator: 't' }, ctx(new AnchorOracle(M, { budget: 4 }), current));

  it('agreement passes, the check cannot be paid for: undecided, not rejected', () => {
    const d = review(metric('x', 'lower', 1.5), metric('y', 'lower', 2));
    expect(d.regression?.status).toBe('unaffordable');
    expect(d.outcome).toBe('undecided');
    expect(d.reason).toBe(
      'undecided: no evidence either way — non-regression could not be verified: the budget cannot pay for the rows of m1 and m0 — so nothing changes (τ-b 1.00, κ 1.00, AUC 1.00 on 4 anchor verdicts).',
    );
  });

  it('rejected on τ-b, with both missing pieces of evidence listed', () => {
    const d = review(metric('x', 'higher', 0), metric('x', 'lower', 2));
    expect(d.outcome).toBe('rejected');
    expect(d.reason).toBe(
      'rejected: τ-b -1.00 < τ(0.25) = 0.25; no evidence: threshold κ undefined (the metric is constant on the evidence); non-regression could not be verified: the budget cannot pay for the rows of m0 and m1 (τ-b -1.00, κ undefined, AUC 0.00 on 4 anchor verdicts).',
    );
  });
});

describe('the agreement sample grows while a statistic is undefined', () => {
  // 4 members × 6 tasks; only member 3 passes ground truth. Whether the first sample holds a pass
  // depends on the seed; the sample then grows by sampleSize up to maxSample, within the budget.
  const rows = [0, 1, 2, 3].map((i) => Array.from({ length: 6 }, (_, j) => [i === 3 ? 0 : 1 + i + j / 10, 0, i === 3] as const));
  const M = matrixOf(rows);
  const m = metric('x', 'lower', 0.5);

  it('in steps of sampleSize, up to maxSample: never more, and only while needed', () => {
    const spent = new Set<number>();
    for (let seed = 0; seed < 40; seed++) {
      const o = new AnchorOracle(M, { budget: 100 });
      const d = agreementGate({ alpha: 0.5, groundTruth: null, seed, sampleSize: 3, maxSample: 12, minEvidence: 2 }).review({ metric: m, parent: 'M0', operator: 't' }, ctx(o, m));
      spent.add(o.spent);
      expect([3, 6, 9, 12]).toContain(o.spent);
      // It stopped growing as soon as both statistics were defined, or at maxSample.
      if (o.spent < 12) expect(d.agreement.kappa).not.toBeNull();
    }
    // Seeds whose first 3 cells hold no pass (P = C(18,3)/C(24,3) ≈ 0.40) grew, one step at a
    // time (P(no pass in 6) ≈ 0.15 per seed: some stop at 6 on 40 seeds); others did not.
    expect(spent.has(3)).toBe(true);
    expect(spent.has(6)).toBe(true);
  });

  it('buys the last verdict the budget allows (a budget of sampleSize + 1 is spent in full when needed)', () => {
    const full: number[] = [];
    for (let seed = 0; seed < 20; seed++) {
      const o = new AnchorOracle(M, { budget: 4 });
      agreementGate({ alpha: 0.5, groundTruth: null, seed, sampleSize: 3, maxSample: 24, minEvidence: 2 }).review({ metric: m, parent: 'M0', operator: 't' }, ctx(o, m));
      if (o.spent === 4) full.push(seed);
    }
    expect(full.length).toBeGreaterThan(0); // the seeds whose first 3 cells held no pass
  });

  it('stops at the budget', () => {
    for (let seed = 0; seed < 20; seed++) {
      const o = new AnchorOracle(M, { budget: 5 });
      agreementGate({ alpha: 0.5, groundTruth: null, seed, sampleSize: 3, maxSample: 24, minEvidence: 2 }).review({ metric: m, parent: 'M0', operator: 't' }, ctx(o, m));
      expect(o.spent).toBeLessThanOrEqual(5);
    }
  });

  it('maxSample defaults to twice sampleSize', () => {
    // Ground truth constant: κ never becomes defined, so the sample grows to its limit.
    const none = matrixOf([0, 1, 2, 3].map((i) => Array.from({ length: 6 }, (_, j) => [i + j, 0, false] as const)));
    const o = new AnchorOracle(none, { budget: 100 });
    agreementGate({ alpha: 0.5, groundTruth: null, seed: 1, sampleSize: 5, minEvidence: 2 }).review({ metric: m, parent: 'M0', operator: 't' }, ctx(o, m));
    expect(o.spent).toBe(10);
  });
});

describe('the α mapping as text (shown in the app)', () => {
  it('states the four formulas', () => {
    expect(ALPHA_MAPPING).toEqual({
      minAgreement: 'τ(α) = α for α > 0; −1 at α = 0 (open gate)',
      slack: 'slack(α) = (1 − α) / 2 for α > 0; ∞ at α = 0',
      evidence: 'n(α) = 24 · α / (1 − α) anchor verdicts per decision for 0 < α < 1 (8, 24, 72 at ¼, ½, ¾); none at α = 0',
      locked: 'locked to the designer metric iff α = 1',
    });
    expect(Object.isFrozen(ALPHA_MAPPING)).toBe(true);
  });
});

describe('which cells the agreement sample buys', () => {
  // 4 members × 6 tasks = 24 cells; a sample of 4.
  const M = matrixOf([0, 1, 2, 3].map((i) => Array.from({ length: 6 }, (_, j) => [i + j, 0, (i + j) % 2 === 0] as const)));
  const m = metric('x', 'lower', 3);
  const bought = (seed: number, generation: number): string => {
    const o = new AnchorOracle(M, { budget: 100 });
    agreementGate({ alpha: 0.5, groundTruth: null, seed, sampleSize: 4, maxSample: 4, minEvidence: 2 }).review({ metric: m, parent: 'M0', operator: 't' }, ctx(o, m, generation));
    return o
      .evidence()
      .map((c) => `${c.measurements.x}/${c.margin}`)
      .sort()
      .join(' ');
  };

  it('a seeded random subset: the same for a (seed, generation), another for another seed or generation', () => {
    expect(bought(1, 1)).toBe(bought(1, 1));
    const seeds = new Set(Array.from({ length: 10 }, (_, s) => bought(s, 1)));
    const gens = new Set(Array.from({ length: 10 }, (_, g) => bought(1, g)));
    expect(seeds.size).toBeGreaterThan(5);
    expect(gens.size).toBeGreaterThan(5);
  });

  it('every cell is about equally likely to be in it (not the first cells of the matrix)', () => {
    // 600 samples of 4 of 24 cells: each cell expected 100 times (sd ≈ 9.1); 60–140 is over 4 sd.
    const counts = new Map<string, number>();
    for (let seed = 0; seed < 600; seed++) {
      const o = new AnchorOracle(M, { budget: 100 });
      agreementGate({ alpha: 0.5, groundTruth: null, seed, sampleSize: 4, maxSample: 4, minEvidence: 2 }).review({ metric: m, parent: 'M0', operator: 't' }, ctx(o, m));
      for (const v of o.revealed()) counts.set(`${v.member}:${v.task}`, (counts.get(`${v.member}:${v.task}`) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    for (const [cell, c] of counts) {
      expect(c, cell).toBeGreaterThan(60);
      expect(c, cell).toBeLessThan(140);
    }
  });
});

describe('agreement exactly at τ(α) passes', () => {
  it('τ-b = κ = 0.5 at α = 0.5 is accepted', () => {
    // x = 1…8 over 2 members × 4 tasks with GT margins 3.5, 2.5, 1.5, −0.5 | −3.5, −2.5, −1.5, 0.5: 7 of
    // 28 pairs discordant, no ties: τ-b = (21 − 7)/28 = 0.5. `x ≤ 4` agrees with ground truth on 6
    // of 8 cells with both sides passing half: κ = (0.75 − 0.5)/(1 − 0.5) = 0.5.
    const margins = [3.5, 2.5, 1.5, -0.5, -3.5, -2.5, -1.5, 0.5];
    const M: AnchorMatrix = {
      members: ['m0', 'm1'],
      tasks: ['t0', 't1', 't2', 't3'],
      consequences: [0, 1].map((mm) => [0, 1, 2, 3].map((t) => {
        const margin = margins[mm * 4 + t] as number;
        return { measurements: { x: mm * 4 + t + 1, y: 0 }, verdicts: [{ check: 'ok', pass: margin >= 0, margin }], gtPass: margin >= 0 };
      })),
    };
    const x4 = metric('x', 'lower', 4);
    const d = agreementGate({ alpha: 0.5, groundTruth: x4, seed: 1, sampleSize: 8 }).review({ metric: x4, parent: 'M0', operator: 't' }, ctx(new AnchorOracle(M, { budget: 100 }), x4));
    expect([d.agreement.tauB, d.agreement.kappa]).toEqual([0.5, 0.5]);
    expect(d.outcome).toBe('accepted');
  });
});

describe('non-regression at α = 0 (slack ∞)', () => {
  it('cannot bind, and says so with ∞', () => {
    const o = new AnchorOracle(TWO, { budget: 100 });
    const d = nonRegressionOnly({ alpha: 0 }).review({ metric: Y, parent: 'M0', operator: 't' }, ctx(o, X));
    expect(d.regression).toMatchObject({ status: 'vacuous', slack: null });
    expect(d.reason).toBe('accepted: non-regression cannot bind (slack ∞ ≥ 1).');
    expect(o.spent).toBe(0);
  });
});

describe('quarantine details', () => {
  const flat = (passes: number): QuarantinePoint[] =>
    [0, 1, 2, 3].map((g) => ({ generation: g, d: g, rate: passes / 20, n: 20, passes, gold: 0, metric: { expression: 'x', direction: 'lower', threshold: 2 } }));

  it('no variance is no evidence of a fall, even with zero thresholds', () => {
    const q = quarantine({ form: 'rl', minDrop: 0, zCritical: 0 });
    q.restore(flat(20));
    expect(q.fall()).toMatchObject({ drop: 0, z: null, fell: false });
    q.restore(flat(0));
    expect(q.fall()).toMatchObject({ drop: 0, z: null, fell: false });
  });

  it('a matrix with no anchor tasks observes a rate of 0 on 0 verdicts (not NaN)', () => {
    const empty: AnchorMatrix = { members: ['m0', 'm1'], tasks: [], consequences: [[], []] };
    const p = quarantine({ form: 'rl' }).observe({ oracle: new AnchorOracle(empty, { budget: 10 }), current: X, generation: 0, distance: 0 });
    expect(p).toMatchObject({ rate: 0, n: 0, passes: 0, gold: 0 });
  });

  it('its decisions record the agreement on the verdicts revealed (its own row included)', () => {
    const o = new AnchorOracle(TWO, { budget: 100 });
    const d = quarantine({ form: 'rl' }).review({ metric: Y, parent: 'M0', operator: 't' }, { ...ctx(o, X), distance: 0 });
    expect(d.accepted).toBe(true);
    expect(d.agreement).toMatchObject({ n: 4, passes: 4 }); // m0's row: x lower ranks m0 best
  });
});
