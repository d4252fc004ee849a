// The gate at its edges, on small hand-made anchor matrices (inputs no run produced, so every
// number below is worked out by hand): budget spent exactly, slack met exactly, evidence exactly
// at the minimum, ties between members, undefined metric values, and the sentences users read.
// Written from the mutation report of src/anchors/gate.ts (docs/testing.md).
import { describe, expect, it } from 'vitest';
import { agreementGate, bestMember, checkNonRegression, describeMetric, gateThresholds, memberScores, nonRegressionOnly, quarantine, sameMetric, type QuarantineOptions, type QuarantinePoint } from '../../src/anchors/gate.ts';
import { AnchorOracle } from '../../src/anchors/oracle.ts';
import type { Metric } from '../../src/metrics/index.ts';
import { ctx, matrixOf, metric } from './gate-fixtures.ts';


// Two members × 4 tasks. Under `x lower` m0 is best (x = 1 everywhere), under `y lower` m1 is.
// m0 passes 4/4 anchor tasks, m1 passes 3/4: the drop from m0 to m1 is exactly 0.25.
const TWO = matrixOf([
  [[1, 9, true], [1, 9, true], [1, 9, true], [1, 9, true]],
  [[5, 0, true], [5, 0, true], [5, 0, true], [5, 0, false]],
]);
const X = metric('x', 'lower', 2);
const Y = metric('y', 'lower', 2);

describe('thresholds and phrases', () => {
  it('α outside [0, 1] (or NaN) is refused; both ends and an interior point are exact', () => {
    for (const a of [-0.01, 1.01, NaN]) expect(() => gateThresholds(a)).toThrow(`gate strength α must be in [0, 1], got ${a}`);
    expect(gateThresholds(1)).toEqual({ alpha: 1, minAgreement: 1, slack: 0, evidence: Infinity, locked: true });
    expect(gateThresholds(0.8).minAgreement).toBeCloseTo(0.8, 12);
    expect(gateThresholds(0.8).slack).toBeCloseTo(0.1, 12);
    expect(gateThresholds(0.8).locked).toBe(false);
  });

  it('sameMetric compares expression, direction and threshold (−0 is not 0)', () => {
    expect(sameMetric(X, metric('x', 'lower', 2))).toBe(true);
    expect(sameMetric(X, metric('y', 'lower', 2))).toBe(false);
    expect(sameMetric(X, metric('x', 'higher', 2))).toBe(false);
    expect(sameMetric(X, metric('x', 'lower', 2.5))).toBe(false);
    expect(sameMetric(metric('x', 'lower', 0), metric('x', 'lower', -0))).toBe(false);
  });

  it('describeMetric reads as one phrase, with the pass sign of the direction', () => {
    expect(describeMetric(X)).toBe('x (lower, pass ≤ 2)');
    expect(describeMetric(metric('x + y', 'higher', 0.5))).toBe('x + y (higher, pass ≥ 0.5)');
  });
});

describe('which member a metric ranks best', () => {
  it('mean goodness per member; an undefined value counts as the worst finite goodness of the matrix', () => {
    const o = new AnchorOracle(matrixOf([[[1, 0, true], [3, 0, true]], [[2, 0, true], [-1, 0, true]]]), { budget: 0 });
    // goodness of `x lower` is −x: m0 (−1 − 3)/2 = −2, m1 (−2 + 1)/2 = −0.5.
    expect(memberScores(o, X)).toEqual([-2, -0.5]);
    expect(bestMember(o, X)).toBe(1);
    // log(x − 2) is defined only at m0/t1 (log 1 = 0), so the worst finite goodness is 0 and fills the rest.
    const logged = metric('log(x - 2)', 'lower', 0);
    expect(memberScores(o, logged)).toEqual([0, 0]);
    // Nothing defined anywhere: every member scores −∞ and the first one is "best".
    const never = metric('log(0 - x - 100)', 'lower', 0);
    expect(memberScores(o, never)).toEqual([-Infinity, -Infinity]);
    expect(bestMember(o, never)).toBe(0);
  });

  it('ties go to the earlier member; a later member must be strictly better', () => {
    const tied = new AnchorOracle(matrixOf([[[1, 0, true]], [[1, 0, false]], [[0.5, 0, false]]]), { budget: 0 });
    expect(bestMember(tied, X)).toBe(2);
    const same = new AnchorOracle(matrixOf([[[1, 0, true]], [[1, 0, false]]]), { budget: 0 });
    expect(bestMember(same, X)).toBe(0);
  });
});

describe('ground-truth non-regression', () => {
  it('same best member: nothing bought, drop 0', () => {
    const o = new AnchorOracle(TWO, { budget: 100 });
    expect(checkNonRegression(o, X, metric('2 * x', 'lower', 4), 0.1)).toMatchObject({ status: 'same-best', drop: 0, ok: true, currentBest: 'm0', proposedBest: 'm0', slack: 0.1 });
    expect(o.spent).toBe(0);
  });

  it('slack ≥ 1 cannot bind: nothing bought (exactly 1 included); just below 1 it measures', () => {
    const o = new AnchorOracle(TWO, { budget: 100 });
    expect(checkNonRegression(o, X, Y, 1)).toMatchObject({ status: 'vacuous', ok: true, drop: null, slack: 1 });
    expect(checkNonRegression(o, X, Y, Infinity)).toMatchObject({ status: 'vacuous', slack: null });
    expect(o.spent).toBe(0);
    expect(checkNonRegression(o, X, Y, 0.999)).toMatchObject({ status: 'measured', currentRate: 1, proposedRate: 0.75, drop: 0.25, ok: true });
    expect(o.spent).toBe(8);
  });

  it('a budget of exactly the two rows is enough; one verdict less is not (nothing is bought then)', () => {
    const exact = new AnchorOracle(TWO, { budget: 8 });
    expect(checkNonRegression(exact, X, Y, 0.5).status).toBe('measured');
    expect(exact.remaining).toBe(0);
    const short = new AnchorOracle(TWO, { budget: 7 });
    expect(checkNonRegression(short, X, Y, 0.5)).toMatchObject({ status: 'unaffordable', ok: false, currentRate: null, proposedRate: null, drop: null });
    expect(short.spent).toBe(0);
    // Verdicts already bought are free: with three of them known, a budget of 5 pays for the rest.
    const part = new AnchorOracle(TWO, { budget: 8 });
    part.query(0, 0);
    part.query(1, 3);
    part.query(0, 3);
    expect(checkNonRegression(part, X, Y, 0.5).status).toBe('measured');
    expect(part.remaining).toBe(0);
  });

  it('a drop of exactly the slack passes; any more fails', () => {
    const o = new AnchorOracle(TWO, { budget: 100 });
    expect(checkNonRegression(o, X, Y, 0.25)).toMatchObject({ drop: 0.25, ok: true });
    expect(checkNonRegression(o, X, Y, 0.2499)).toMatchObject({ drop: 0.25, ok: false });
    // A rise is never a regression.
    expect(checkNonRegression(o, Y, X, 0)).toMatchObject({ currentRate: 0.75, proposedRate: 1, drop: -0.25, ok: true });
  });
});

describe('the anchor gate', () => {
  const gate = (alpha: number, extra: { sampleSize?: number; maxSample?: number; minEvidence?: number; groundTruth?: Metric | null } = {}) =>
    agreementGate({ alpha, groundTruth: extra.groundTruth === undefined ? X : extra.groundTruth, seed: 1, ...extra });

  it('refuses a sample size that is not a non-negative integer', () => {
    expect(() => gate(0.5, { sampleSize: -1 })).toThrow('sampleSize must be a non-negative integer, got -1');
    expect(() => gate(0.5, { sampleSize: 1.5 })).toThrow('sampleSize must be a non-negative integer, got 1.5');
    expect(() => gate(0.5, { sampleSize: 0 })).not.toThrow();
  });

  it('samples the explored rows too: greedy cells that all fail leave κ undefined, explored cells that pass make it defined', () => {
    // Greedy throws: x = 3 everywhere, all fail. Explored throws: x alternates 1 (pass) and 3 (fail).
    const greedy = matrixOf([Array.from({ length: 6 }, () => [3, 0, false] as const), Array.from({ length: 6 }, () => [3, 1, false] as const)]);
    const exploredRow = (k: number) => Array.from({ length: 6 }, (_, t) => ({ measurements: { x: (t + k) % 2 ? 1 : 3, y: 0 }, verdicts: [{ check: 'ok', pass: (t + k) % 2 === 1, margin: (t + k) % 2 ? 1 : -1 }], gtPass: (t + k) % 2 === 1 }));
    const proposal = { metric: metric('x', 'lower', 2), parent: 'M0', operator: 'swap' };
    const blind = gate(0.5, { sampleSize: 12, minEvidence: 4 }).review(proposal, ctx(new AnchorOracle(greedy, { budget: 24 }), Y));
    expect(blind.outcome).toBe('undecided');
    expect(blind.agreement.passes).toBe(0);
    const o = new AnchorOracle({ ...greedy, explored: [exploredRow(0), exploredRow(1)] }, { budget: 24 });
    const seeing = gate(0.5, { sampleSize: 12, minEvidence: 4 }).review(proposal, ctx(o, Y));
    expect(o.revealed().some((v) => v.member >= 2)).toBe(true);
    expect(seeing.agreement.passes).toBeGreaterThan(0);
    expect(seeing.agreement.kappa).toBe(1);
    expect(seeing.outcome).toBe('accepted');
  });

  it('α = 0 accepts without buying; its name and reason say so', () => {
    const o = new AnchorOracle(TWO, { budget: 100 });
    const g = gate(0);
    expect(g.name).toBe('anchor-gate(α=0)');
    const d = g.review({ metric: Y, parent: 'M0', operator: 'swap' }, ctx(o, X, 3));
    expect(d).toMatchObject({ accepted: true, budgetSpent: 0, generation: 3, parent: 'M0', operator: 'swap', safeguard: 'anchor-gate(α=0)' });
    expect(d.reason).toBe('accepted: the gate is open (α = 0: τ = −1, slack = ∞), no ground truth consulted.');
    expect(d.thresholds).toEqual({ alpha: 0, minAgreement: -1, slack: null, evidence: 0, locked: false });
  });

  it('α = 1 adopts the ground-truth metric only, and says which', () => {
    const o = new AnchorOracle(TWO, { budget: 100 });
    expect(gate(1).review({ metric: X, parent: null, operator: 'root' }, ctx(o, X)).reason).toBe('accepted: locked to ground truth (α = 1) and this is the ground-truth metric x (lower, pass ≤ 2).');
    expect(gate(1).review({ metric: Y, parent: null, operator: 'swap' }, ctx(o, X)).reason).toBe('rejected: locked to ground truth (α = 1); only x (lower, pass ≤ 2) may be adopted.');
    const none = gate(1, { groundTruth: null }).review({ metric: Y, parent: null, operator: 'swap' }, ctx(o, X));
    expect(none).toMatchObject({ accepted: false, reason: 'rejected: locked to ground truth (α = 1); this world has no ground-truth metric expression, so no metric may be adopted.' });
    expect(o.spent).toBe(0);
  });

  it('decides with exactly minEvidence verdicts and refuses with one fewer, naming the budget', () => {
    // 8 cells; the sample buys min(sampleSize, 8) (maxSample = sampleSize: no growth while τ-b is undefined). A proposal ranking like ground truth (same best member).
    const good = metric('x', 'lower', 1);
    const enough = gate(0.5, { sampleSize: 4, maxSample: 4, minEvidence: 4 }).review({ metric: good, parent: 'M0', operator: 't' }, ctx(new AnchorOracle(TWO, { budget: 100 }), X));
    expect(enough.agreement.n).toBe(4);
    expect(enough.reason).not.toMatch(/could be bought/);
    const few = gate(0.5, { sampleSize: 3, maxSample: 3, minEvidence: 4 }).review({ metric: good, parent: 'M0', operator: 't' }, ctx(new AnchorOracle(TWO, { budget: 100 }), X));
    expect(few).toMatchObject({ accepted: false, budgetSpent: 3 });
    expect(few.reason).toBe('undecided: only 3 anchor verdicts could be bought (budget 3/100), the gate needs 4; nothing changes.');
    // The sample stops quietly at the budget.
    const broke = gate(0.5, { sampleSize: 8, maxSample: 8, minEvidence: 4 }).review({ metric: good, parent: 'M0', operator: 't' }, ctx(new AnchorOracle(TWO, { budget: 2 }), X));
    expect(broke.reason).toBe('undecided: only 2 anchor verdicts could be bought (budget 2/2), the gate needs 4; nothing changes.');
  });

  it('a proposal that ranks against ground truth is rejected with its numbers', () => {
    // `x higher` ranks m1 (3/4 pass) over m0 (4/4): τ-b < 0 on the whole matrix, and the drop 0.25 > slack(0.8).
    const o = new AnchorOracle(TWO, { budget: 100 });
    const d = gate(0.8, { sampleSize: 8 }).review({ metric: metric('x', 'higher', 3), parent: 'M0', operator: 't' }, ctx(o, X));
    expect(d.accepted).toBe(false);
    expect(d.reason).toBe(
      "rejected: τ-b -0.38 < τ(0.8) = 0.80; threshold κ -0.25 < τ(0.8) = 0.80; the best learner's anchor GT pass rate goes 1.00 (m0) → 0.75 (m1), drop 0.25 > slack 0.100 (τ-b -0.38, κ -0.25, AUC 0.21 on 8 anchor verdicts).",
    );
    expect(d.agreement).toMatchObject({ n: 8, passes: 7 });
    expect(d.regression).toMatchObject({ status: 'measured', drop: 0.25, ok: false });
    expect(d.regression?.slack).toBeCloseTo(0.1, 12);
  });
});

describe('non-regression alone', () => {
  it('takes an explicit slack or slack(α), refuses a negative one, and names it with three decimals', () => {
    expect(nonRegressionOnly({ alpha: 0.8 }).name).toBe('non-regression(slack=0.100)');
    expect(nonRegressionOnly({ slack: 0 }).name).toBe('non-regression(slack=0.000)');
    expect(nonRegressionOnly({ alpha: 0 }).name).toBe('non-regression(slack=∞)');
    expect(() => nonRegressionOnly({ slack: -0.01 })).toThrow('slack must be ≥ 0, got -0.01');
    expect(() => nonRegressionOnly({ slack: NaN })).toThrow('slack must be ≥ 0, got NaN');
  });

  it('accepts a drop of exactly its slack and says so; rejects more', () => {
    const ok = nonRegressionOnly({ slack: 0.25 }).review({ metric: Y, parent: 'M0', operator: 't' }, ctx(new AnchorOracle(TWO, { budget: 100 }), X));
    expect(ok).toMatchObject({ accepted: true, budgetSpent: 8 });
    expect(ok.reason).toBe("accepted: the best learner's anchor GT pass rate goes 1.00 (m0) → 0.75 (m1), drop 0.25 ≤ slack 0.250.");
    const no = nonRegressionOnly({ slack: 0.2 }).review({ metric: Y, parent: 'M0', operator: 't' }, ctx(new AnchorOracle(TWO, { budget: 7 }), X));
    expect(no).toMatchObject({ accepted: false, budgetSpent: 0 });
    expect(no.reason).toBe('undecided: non-regression could not be verified: the budget cannot pay for the rows of m0 and m1; nothing changes.');
    const same = nonRegressionOnly({ slack: 0 }).review({ metric: X, parent: 'M0', operator: 't' }, ctx(new AnchorOracle(TWO, { budget: 0 }), X));
    expect(same.reason).toBe('accepted: both metrics rank m0 best, so its GT pass rate cannot fall.');
    const vac = nonRegressionOnly({ slack: 2 }).review({ metric: Y, parent: 'M0', operator: 't' }, ctx(new AnchorOracle(TWO, { budget: 0 }), X));
    expect(vac.reason).toBe('accepted: non-regression cannot bind (slack 2.000 ≥ 1).');
  });
});

describe('quarantine bookkeeping', () => {
  it('needs a finite distance ≥ 0, observes once per generation, pays one row, and forgets on reset', () => {
    const q = quarantine({ form: 'rl' });
    const o = new AnchorOracle(TWO, { budget: 100 });
    for (const d of [undefined, -1, Infinity, NaN]) expect(() => q.observe({ oracle: o, current: X, generation: 1, distance: d })).toThrow(/quarantine needs context.distance, a finite d ≥ 0/);
    const p = q.observe({ oracle: o, current: X, generation: 1, distance: 0 });
    expect(p).toMatchObject({ generation: 1, d: 0, rate: 1, gold: 0, metric: { expression: 'x' } });
    expect(o.spent).toBe(4);
    expect(q.observe({ oracle: o, current: X, generation: 1, distance: 5 })).toBe(p);
    expect(q.observe({ oracle: o, current: Y, generation: 2, distance: 0.5 })).toMatchObject({ rate: 0.75, gold: -0.25 });
    expect(q.history).toHaveLength(2);
    expect(q.fit()).toBeNull();
    q.reset();
    expect(q.history).toHaveLength(0);
    // A row the budget cannot pay: no observation, and the review says so.
    const poor = new AnchorOracle(TWO, { budget: 3 });
    expect(q.observe({ oracle: poor, current: X, generation: 3, distance: 1 })).toBeNull();
    const d = q.review({ metric: Y, parent: 'M0', operator: 't' }, { oracle: poor, current: X, generation: 3, distance: 1 });
    expect(d.accepted).toBe(true);
    expect(d.reason).toBe('accepted: no gold observed this generation (budget); not enough observations to test a fall (0, needs 4); no Gao fit yet.');
  });
});

describe('quarantine: the fall test on a hand-made curve', () => {
  // Observations of 20 verdicts each, restored as a history: rates are passes / 20.
  const point = (generation: number, passes: number, d = generation, expression = 'x'): QuarantinePoint => ({
    generation,
    d,
    rate: passes / 20,
    n: 20,
    passes,
    gold: 0,
    metric: { expression, direction: 'lower', threshold: 2 },
  });
  const curve = (passes: readonly number[]) => passes.map((p, g) => point(g, p));
  const watch = (passes: readonly number[], options: Partial<QuarantineOptions> = {}) => {
    const q = quarantine({ form: 'rl', ...options });
    q.restore(curve(passes));
    return q;
  };

  it('refuses a window that is not a positive integer, and names itself by form and inner safeguard', () => {
    for (const w of [0, 1.5, -1]) expect(() => quarantine({ form: 'rl', window: w })).toThrow(`window must be a positive integer, got ${w}`);
    expect(quarantine({ form: 'selection' }).name).toBe('quarantine(selection)');
    expect(quarantine({ form: 'rl', inner: nonRegressionOnly({ slack: 0.5 }) }).name).toBe('quarantine(rl, non-regression(slack=0.500))');
  });

  it('needs two windows of observations: none before, a test from exactly 2 × window on', () => {
    expect(watch([18, 18, 6]).fall()).toBeNull();
    expect(watch([18, 18, 6, 6]).fall()).not.toBeNull();
    expect(watch([18, 6], { window: 1 }).fall()).toMatchObject({ peak: [0], latest: [1] });
    expect(watch([18, 18, 18, 6, 6], { window: 3 }).fall()).toBeNull();
  });

  it('pools the best earlier window (the first of equals, never one overlapping the latest) against the latest', () => {
    // windows before the latest two: [0,1] 0.5, [1,2] 0.5, [2,3] 0.75 — the last of them is the peak
    expect(watch([10, 10, 10, 20, 4, 4]).fall()).toMatchObject({ peak: [2, 3], latest: [4, 5], peakRate: 0.75, latestRate: 0.2 });
    // equal windows: the earliest stays the peak
    expect(watch([18, 18, 18, 18, 6, 6]).fall()).toMatchObject({ peak: [0, 1] });
    // a later, better window that overlaps the latest does not count
    expect(watch([10, 10, 10, 20, 20, 4]).fall()).toMatchObject({ peak: [2, 3], latest: [4, 5], peakRate: 0.75, latestRate: 0.6 });
  });

  it('the z of the fall is the pooled two-proportion z; no variance means no z and no fall', () => {
    // peak 18/20 + 18/20 = 0.9, latest 6/20 + 6/20 = 0.3; pooled 0.6: se = √(0.6·0.4·(1/40 + 1/40)) ≈ 0.1095, z ≈ 5.48
    const t = watch([18, 18, 6, 6]).fall()!;
    expect(t.drop).toBeCloseTo(0.6, 12);
    expect(t.z).toBeCloseTo(0.6 / Math.sqrt(0.6 * 0.4 * (2 / 40)), 9);
    expect(t.fell).toBe(true);
    const flat = watch([20, 20, 20, 20]).fall()!;
    expect(flat).toMatchObject({ drop: 0, z: null, fell: false });
  });

  it('fires at a drop of exactly minDrop and a z of exactly zCritical, not below either', () => {
    // peak 15/20 + 15/20 = 0.75, latest 10/20 + 10/20 = 0.5: drop 0.25; pooled 0.625, se = √(0.625·0.375/20) ≈ 0.1531, z ≈ 1.633
    const z = 0.25 / Math.sqrt((0.625 * 0.375) / 20);
    expect(watch([15, 15, 10, 10], { minDrop: 0.25, zCritical: 1 }).fall()).toMatchObject({ drop: 0.25, fell: true });
    expect(watch([15, 15, 10, 10], { minDrop: 0.2501, zCritical: 1 }).fall()?.fell).toBe(false);
    expect(watch([15, 15, 10, 10], { minDrop: 0.1, zCritical: z - 1e-9 }).fall()?.fell).toBe(true);
    expect(watch([15, 15, 10, 10], { minDrop: 0.1, zCritical: z + 1e-9 }).fall()?.fell).toBe(false);
    // exactly at the bars the test reports: a fall (both bars are ≥, not >)
    const measured = watch([15, 15, 10, 10]).fall()!;
    expect(watch([15, 15, 10, 10], { minDrop: measured.drop, zCritical: measured.z! }).fall()?.fell).toBe(true);
    // the defaults: 0.15 and 2.33
    expect(watch([15, 15, 10, 10]).fall()?.fell).toBe(false); // drop 0.25 but z ≈ 1.63 < 2.33
    expect(watch([19, 19, 16, 16]).fall()?.fell).toBe(false); // drop 0.15 but z ≈ 2.03 < 2.33
    expect(watch([18, 18, 12, 12]).fall()?.fell).toBe(true); // drop 0.3, z ≈ 3.10
    expect(watch([20, 20, 20, 20, 17, 17, 17, 17], { window: 4 }).fall()?.fell).toBe(true); // drop 0.15 exactly, z ≈ 3.6
    expect(watch([20, 20, 20, 20, 18, 18, 18, 18], { window: 4 }).fall()?.fell).toBe(false); // z ≈ 2.9 but drop 0.1 < 0.15
  });

  it('after a fall it rejects and advises rolling back to the best observation of the peak window', () => {
    const q = quarantine({ form: 'rl' });
    q.restore([point(0, 16, 0.5, 'a'), point(1, 19, 1.5, 'b'), point(2, 19, 2.5, 'c'), point(3, 5, 3, 'd')]);
    const o = new AnchorOracle(TWO, { budget: 100 });
    const d = q.review({ metric: Y, parent: 'M0', operator: 't' }, { oracle: o, current: X, generation: 4, distance: 4 });
    // the new observation (generation 4: m0's row, 4/4 = rate 1 on 4 verdicts) joins the latest window
    expect(q.history.at(-1)).toMatchObject({ generation: 4, rate: 1, n: 4, passes: 4, d: 4, gold: 1 - 0.8 });
    expect(d.accepted).toBe(false);
    expect(d.outcome).toBe('rejected');
    expect(d.rollback).toEqual({ generation: 1, metric: { expression: 'b', direction: 'lower', threshold: 2 }, d: 1.5, peak: 1.5 });
    expect(d.budgetSpent).toBe(4);
    expect(d.reason).toMatch(
      /^rejected: gold fell — the best learner's anchor GT went 0\.95 \(gens 1–2\) → 0\.38 \(gens 3–4\), drop 0\.57 \(needs ≥ 0\.15\), z \d\.\d\d \(needs ≥ 2\.33\); Gao rl fit a -?\d\.\d{3}, b -?\d\.\d{3}, R² -?\d\.\d\d on 5 points; roll back to the metric of generation 1, b \(lower, pass ≤ 2\)\.$/,
    );
    expect(d.fit).not.toBeNull();
  });

  it('rolls back to the best observation inside the peak window, not its first', () => {
    const q = quarantine({ form: 'rl' });
    q.restore([point(0, 10, 0.5, 'a'), point(1, 17, 1, 'b'), point(2, 20, 2, 'c'), point(3, 5, 3, 'd')]);
    const d = q.review({ metric: Y, parent: 'M0', operator: 't' }, { oracle: new AnchorOracle(TWO, { budget: 100 }), current: X, generation: 4, distance: 4 });
    expect(d.rollback).toMatchObject({ generation: 2, d: 2, peak: 2, metric: { expression: 'c' } });
  });

  it('a single-observation window is named `gen g`; with no variance the z reads `undefined (no variance)`', () => {
    const q = quarantine({ form: 'rl', window: 1, minDrop: 0.5 });
    q.restore([point(0, 20), point(1, 20)]);
    const d = q.review({ metric: Y, parent: 'M0', operator: 't' }, { oracle: new AnchorOracle(TWO, { budget: 100 }), current: X, generation: 1, distance: 1 });
    expect(d.reason).toBe(
      "accepted: no fall yet (the best learner's anchor GT went 1.00 (gen 0) → 1.00 (gen 1), drop 0.00 (needs ≥ 0.5), z undefined (no variance) (needs ≥ 2.33)); no Gao fit yet.",
    );
  });

  it('with an inner safeguard: its decision and reason, the quarantine\'s state appended, its own name and the whole spend', () => {
    const q = quarantine({ form: 'rl', inner: nonRegressionOnly({ slack: 0.2 }) });
    const d = q.review({ metric: Y, parent: 'M0', operator: 't' }, { oracle: new AnchorOracle(TWO, { budget: 100 }), current: X, generation: 0, distance: 0 });
    expect(d.safeguard).toBe('quarantine(rl, non-regression(slack=0.200))');
    expect(d.accepted).toBe(false);
    expect(d.budgetSpent).toBe(8); // m0's row for the observation, then m1's for the inner check
    expect(d.reason).toBe(
      "rejected: the best learner's anchor GT pass rate goes 1.00 (m0) → 0.75 (m1), drop 0.25 > slack 0.200; quarantine: not enough observations to test a fall (1, needs 4); no Gao fit yet.",
    );
  });

  it('history is a copy; restore copies its input', () => {
    const q = quarantine({ form: 'rl' });
    const pts = curve([10, 12]);
    q.restore(pts);
    (pts[0] as { rate: number }).rate = 0;
    expect(q.history[0]?.rate).toBe(0.5);
    (q.history as QuarantinePoint[]).pop();
    expect(q.history).toHaveLength(2);
  });
});
