import { beforeAll, describe, expect, it } from 'vitest';
import {
  ALPHA_MAPPING,
  agreementGate,
  anchorGate,
  gateThresholds,
  nonRegressionOnly,
  quarantine,
  type Decision,
  type Proposal,
  type Safeguard,
  type SafeguardContext,
} from '../../src/anchors/gate.ts';
import { gaoGold } from '../../src/anchors/gao.ts';
import { groundTruthMetric } from '../../src/anchors/ground-truth.ts';
import { AnchorOracle, type AnchorMatrix } from '../../src/anchors/oracle.ts';
import { measurementsUsed, parseMetric, type Metric, type MetricDirection } from '../../src/metrics/index.ts';
import { projectile } from '../../worlds/projectile.ts';
import { oracleOf, PARAMS, projectileEvidence, SEED } from './fixtures.ts';

const metric = (expression: string, direction: MetricDirection, threshold: number): Metric => parseMetric({ expression, direction, threshold }, projectile.measurements);
const propose = (m: Metric, operator = 'test'): Proposal => ({ metric: m, parent: 'restError', operator });

const GT = metric('restError', 'lower', 0.5);
const MIN_DIST = metric('minDistToTarget', 'lower', 0.5);
const SENSIBLE = metric('restError', 'lower', 0.6);
const LOOSE = metric('restError', 'lower', 5); // 10× the zone half-width

let matrix: AnchorMatrix;
beforeAll(() => {
  // 8 members (4 honest lobs, 4 flat fast throws that land on target and roll away) × 12 anchor tasks, body = ball.
  matrix = projectileEvidence(12).matrix;
});

const ctx = (oracle: AnchorOracle, current: Metric = GT, generation = 1): SafeguardContext => ({ oracle, current, generation });

describe('the α mapping', () => {
  it('open at α = 0, else τ(α) = α, slack(α) = (1 − α)/2 and n(α) = 24·α/(1 − α): explicit ends and values', () => {
    expect(gateThresholds(0)).toEqual({ alpha: 0, minAgreement: -1, slack: Infinity, evidence: 0, locked: false });
    expect(gateThresholds(0.5)).toEqual({ alpha: 0.5, minAgreement: 0.5, slack: 0.25, evidence: 24, locked: false });
    expect(gateThresholds(0.25)).toEqual({ alpha: 0.25, minAgreement: 0.25, slack: 0.375, evidence: 8, locked: false });
    expect(gateThresholds(0.75).evidence).toBe(72);
    expect(gateThresholds(0.8).minAgreement).toBeCloseTo(0.8, 12);
    expect(gateThresholds(0.8).slack).toBeCloseTo(0.1, 12);
    expect(gateThresholds(0.8).evidence).toBe(96);
    // Rounded, never below 2 (a statistic needs a pair): 24 · 0.01/0.99 ≈ 0.24.
    expect(gateThresholds(0.01).evidence).toBe(2);
    expect(gateThresholds(1)).toEqual({ alpha: 1, minAgreement: 1, slack: 0, evidence: Infinity, locked: true });
    expect(ALPHA_MAPPING.minAgreement).toBe('τ(α) = α for α > 0; −1 at α = 0 (open gate)');
  });

  it('the whole dial binds: every α > 0 asks for non-negative agreement and a slack below 1 (issue 10: α ≤ ½ was dead)', () => {
    for (const a of [0.01, 0.25, 0.5]) {
      expect(gateThresholds(a).minAgreement).toBeGreaterThan(0);
      expect(gateThresholds(a).slack).toBeLessThan(1);
    }
  });

  it('is monotone: τ rises, slack falls and the evidence per decision never falls with α', () => {
    const grid = Array.from({ length: 101 }, (_, i) => gateThresholds(i / 100));
    for (let i = 1; i < grid.length; i++) {
      expect(grid[i]!.minAgreement).toBeGreaterThan(grid[i - 1]!.minAgreement);
      expect(grid[i]!.slack).toBeLessThan(grid[i - 1]!.slack);
      expect(grid[i]!.evidence).toBeGreaterThanOrEqual(grid[i - 1]!.evidence);
      expect(grid[i]!.locked).toBe(i === 100);
    }
  });

  it('rejects α outside [0, 1]', () => {
    for (const bad of [-0.1, 1.1, NaN]) expect(() => gateThresholds(bad)).toThrow(RangeError);
  });
});

describe('the anchor gate on simulated projectile evidence', () => {
  it('the evidence is what the test claims: minDistToTarget disagrees with ground truth, restError agrees', async () => {
    const { metricAgreement } = await import('../../src/anchors/agreement.ts');
    const all = new AnchorOracle(matrix, { budget: Infinity });
    all.queryAll(matrix.members.flatMap((_, member) => matrix.tasks.map((_, task) => ({ member, task }))));
    const full = all.evidence();
    expect(metricAgreement(GT, full).tauB).toBe(1);
    expect(metricAgreement(MIN_DIST, full).tauB!).toBeLessThan(0.2);
    expect(full.filter((c) => c.pass).length).toBeGreaterThan(20);
  });

  it('α = 0: the gate is open — everything is accepted and no ground truth is bought', () => {
    const gate = agreementGate({ alpha: 0, groundTruth: GT, seed: SEED });
    const oracle = oracleOf(matrix, 48);
    for (const m of [MIN_DIST, LOOSE, metric('timeInZone', 'higher', 0), metric('1', 'lower', 0), GT]) {
      const d = gate.review(propose(m), ctx(oracle));
      expect(d.accepted).toBe(true);
      expect(d.budgetSpent).toBe(0);
      expect(d.reason).toMatch(/open \(α = 0/);
    }
    expect(oracle.spent).toBe(0);
  });

  it('α = 1: locked to the ground-truth metric — only restError ≤ zoneHalfWidth is adopted', () => {
    const gt = groundTruthMetric(projectile, PARAMS)!;
    expect([gt.expression, gt.direction, gt.threshold]).toEqual(['restError', 'lower', 0.5]);
    const gate = agreementGate({ alpha: 1, groundTruth: gt, seed: SEED });
    const oracle = oracleOf(matrix, 48);
    expect(gate.review(propose(GT), ctx(oracle)).accepted).toBe(true);
    for (const m of [SENSIBLE, MIN_DIST, metric('restError * 2', 'lower', 1)]) {
      const d = gate.review(propose(m), ctx(oracle));
      expect(d.accepted).toBe(false);
      expect(d.reason).toContain('locked to ground truth (α = 1)');
    }
    expect(oracle.spent).toBe(0);
  });

  it('α = 0.6: rejects the gameable minDistToTarget, accepts restError with a sensible threshold, rejects a loosened one', () => {
    // A 24-verdict sample (n(0.6) = 36 would leave the 48-verdict budget too little for the rows): this test is about τ and κ.
    const gate = anchorGate({ alpha: 0.6, groundTruth: GT, seed: SEED, sampleSize: 24 });
    const oracle = oracleOf(matrix, 48);
    const gamed = gate.review(propose(MIN_DIST, 'swap-measurement'), ctx(oracle));
    expect(gamed.accepted).toBe(false);
    expect(gamed.agreement.tauB!).toBeLessThan(0.6);
    expect(gamed.regression).toMatchObject({ status: 'measured', currentBest: 'honest-0', ok: false });
    expect(gamed.regression!.proposedBest).toMatch(/^flat-/);
    expect(gamed.reason).toMatch(/^rejected: τ-b -?\d\.\d\d < τ\(0\.6\) = 0\.60.*drop \d\.\d\d > slack 0\.200/);

    const sensible = gate.review(propose(SENSIBLE, 'soften-threshold'), ctx(oracle));
    expect(sensible.accepted).toBe(true);
    expect(sensible.agreement.tauB).toBe(1);
    expect(sensible.agreement.kappa!).toBeGreaterThanOrEqual(0.6);
    expect(sensible.reason).toMatch(/^accepted: τ-b 1\.00 and κ \d\.\d\d ≥ τ\(0\.6\) = 0\.60/);

    const loose = gate.review(propose(LOOSE, 'soften-threshold'), ctx(oracle));
    expect(loose.accepted).toBe(false);
    expect(loose.agreement.tauB).toBe(1); // ranks are unchanged: only κ sees the loosened threshold
    expect(loose.reason).toMatch(/threshold κ \d\.\d\d < τ\(0\.6\)/);

    expect(oracle.spent).toBeLessThanOrEqual(48);
  });

  it('lets a drifted run come back: from minDistToTarget, restError is accepted (the best learner improves)', () => {
    const gate = agreementGate({ alpha: 0.8, groundTruth: GT, seed: SEED, sampleSize: 24 });
    const d = gate.review(propose(GT), ctx(oracleOf(matrix, 48), MIN_DIST));
    expect(d.accepted).toBe(true);
    expect(d.regression!.drop!).toBeLessThan(0);
  });

  it('records every decision as plain data, deterministically, and shares the sample within a generation', () => {
    const run = (): Decision[] => {
      const gate = agreementGate({ alpha: 0.8, groundTruth: GT, seed: SEED, sampleSize: 24 });
      const oracle = oracleOf(matrix, 48);
      return [MIN_DIST, SENSIBLE, LOOSE].map((m) => gate.review(propose(m), ctx(oracle)));
    };
    const a = run();
    expect(run()).toEqual(a);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
    expect(a[0]).toMatchObject({ generation: 1, metric: { expression: 'minDistToTarget', direction: 'lower', threshold: 0.5 }, parent: 'restError', operator: 'test' });
    // The first review bought the 24-cell sample plus the rows; later ones reuse them.
    expect(a[0]!.budgetSpent).toBeGreaterThanOrEqual(24);
    expect(a[1]!.budgetSpent).toBe(0);
    for (const d of a) expect(d.reason.split('. ').length).toBe(1);
  });

  it('rejects what it cannot verify within the budget', () => {
    // n(0.8) = 96 verdicts: the whole 8 × 12 matrix.
    const starved = agreementGate({ alpha: 0.8, groundTruth: GT, seed: SEED }).review(propose(SENSIBLE), ctx(oracleOf(matrix, 4)));
    expect(starved.accepted).toBe(false);
    expect(starved.outcome).toBe('undecided');
    expect(starved.reason).toMatch(/only 4 anchor verdicts could be bought \(budget 4\/4\), the gate needs 96/);
    // Enough for a 24-cell sample, not for the two rows of the non-regression check.
    const gate = agreementGate({ alpha: 0.8, groundTruth: GT, seed: SEED, sampleSize: 24 });
    const noRows = gate.review(propose(MIN_DIST), ctx(oracleOf(matrix, 24)));
    expect(noRows.accepted).toBe(false);
    expect(noRows.regression!.status).toBe('unaffordable');
  });
});

describe('n(α): the evidence a decision rests on grows with α', () => {
  it('on one budget, a weak gate decides on a small sample, a middle one on 24 verdicts, a strong one cannot afford a decision', () => {
    const review = (alpha: number, budget: number) => {
      const oracle = oracleOf(matrix, budget);
      const d = agreementGate({ alpha, groundTruth: GT, seed: SEED }).review(propose(SENSIBLE), ctx(oracle));
      return { d, spent: oracle.spent };
    };
    const weak = review(0.25, 60);
    const middle = review(0.5, 60);
    const strong = review(0.75, 60);
    // Both weaker gates decide (the sensible restError agrees with ground truth on any sample here).
    expect(weak.d.outcome).toBe('accepted');
    expect(middle.d.outcome).toBe('accepted');
    expect(weak.d.agreement.n).toBeLessThan(middle.d.agreement.n);
    expect(middle.d.agreement.n).toBeGreaterThanOrEqual(24);
    expect(weak.d.thresholds).toMatchObject({ evidence: 8 });
    // 60 verdicts cannot buy n(0.75) = 72: no decision, nothing changes.
    expect(strong.d.outcome).toBe('undecided');
    expect(strong.d.reason).toMatch(/only 60 anchor verdicts could be bought \(budget 60\/60\), the gate needs 72/);
    // With the budget for it, the strong gate decides on at least 72 verdicts.
    const rich = review(0.75, 200);
    expect(rich.d.outcome).toBe('accepted');
    expect(rich.d.agreement.n).toBeGreaterThanOrEqual(72);
  });

  it('a sample as large as the matrix is all the evidence there is: α = 0.9 (n = 216) decides on the 96 cells', () => {
    const oracle = oracleOf(matrix, 500);
    const d = agreementGate({ alpha: 0.9, groundTruth: GT, seed: SEED }).review(propose(SENSIBLE), ctx(oracle));
    expect(d.agreement.n).toBe(96);
    expect(d.outcome).toBe('accepted');
  });
});

describe('ground-truth non-regression alone', () => {
  it('rejects a metric whose best learner fails ground truth, and is blind to a loosened threshold', () => {
    const guard = nonRegressionOnly({ alpha: 0.8 });
    const oracle = oracleOf(matrix, 48);
    const gamed = guard.review(propose(MIN_DIST), ctx(oracle));
    expect(gamed.accepted).toBe(false);
    expect(gamed.budgetSpent).toBe(24); // two rows of 12 anchor tasks
    expect(gamed.reason).toMatch(/^rejected: the best learner's anchor GT pass rate goes \d\.\d\d \(honest-0\) → \d\.\d\d \(flat-\d\)/);
    const loose = guard.review(propose(LOOSE), ctx(oracle));
    expect(loose).toMatchObject({ accepted: true, budgetSpent: 0, regression: { status: 'same-best' } });
    expect(nonRegressionOnly({ slack: 1 }).review(propose(MIN_DIST), ctx(oracleOf(matrix, 0)))).toMatchObject({ accepted: true, regression: { status: 'vacuous' } });
  });
});

describe('quarantine (a watch on the gold curve)', () => {
  // Two members, 40 anchor tasks; the current metric ranks m0 best, whose GT pass rate follows
  // 0.2 + gold(d) with gold(d) = d(0.4 − 0.1d): it peaks at d = 2 and is back at 0.2 at d = 4.
  const T = 40;
  const score = parseMetric({ expression: 'score', direction: 'higher', threshold: 0.5 }, ['score']);
  const generationMatrix = (rate: number): AnchorMatrix => {
    const k = Math.round(rate * T);
    const row = (s: number, passes: number) =>
      Array.from({ length: T }, (_, t) => {
        const margin = t < passes ? 1 : -1;
        return { measurements: { score: s }, verdicts: [{ check: 'c', pass: margin >= 0, margin }], gtPass: margin >= 0 };
      });
    return { members: ['m0', 'm1'], tasks: Array.from({ length: T }, (_, t) => `anchor:${t}`), consequences: [row(1, k), row(0, 0)] };
  };
  const ds = Array.from({ length: 17 }, (_, g) => g * 0.25); // 0 … 4
  const watch = (q: ReturnType<typeof quarantine>, rates: readonly number[]): Decision[] =>
    rates.map((rate, generation) => q.review(propose(score), { oracle: new AnchorOracle(generationMatrix(rate), { budget: T }), current: score, generation, distance: ds[generation] ?? generation }));

  it('accepts while gold rises, then rejects once it has fallen and advises rolling back to the peak', () => {
    const decisions = watch(quarantine({ form: 'selection' }), ds.map((d) => 0.2 + gaoGold('selection', 0.4, 0.1, d)));
    const firstReject = decisions.findIndex((x) => !x.accepted);
    expect(firstReject).toBeGreaterThan(0);
    const dReject = ds[firstReject]!;
    // Not before the fall is both large (≥ 0.15) and significant (z ≥ 2.33 on 80 + 80 verdicts):
    // by hand, at d = 3.5 (0.60 at gens 7–8 against 0.41 at gens 13–14, z ≈ 2.4); not at 3.25 (z ≈ 1.9).
    expect(dReject).toBe(3.5);
    expect(decisions.slice(firstReject).every((x) => !x.accepted)).toBe(true);
    const r = decisions[firstReject]!;
    // The peak observation: 24/40 passes at d = 1.75 and at d = 2; the first of equals is kept.
    expect(r.rollback!.peak).toBe(1.75);
    expect(r.rollback!.generation).toBe(7);
    expect(r.rollback!.metric.expression).toBe('score');
    expect(r.fit!.b).toBeGreaterThan(0); // Gao's fit is recorded beside the test
    expect(r.reason).toMatch(/^rejected: gold fell — the best learner's anchor GT went 0\.60 \(gens 7–8\) → 0\.41 \(gens 13–14\), drop 0\.19 \(needs ≥ 0\.15\), z 2\.\d\d \(needs ≥ 2\.33\); Gao selection fit .*roll back to the metric of generation 7/);
    expect(decisions[1]!.reason).toMatch(/^accepted: not enough observations to test a fall \(2, needs 4\)/);
    expect(decisions[5]!.reason).toMatch(/^accepted: no fall yet/);
    expect(r.budgetSpent).toBe(T);
  });

  it('does not fire on a noisy plateau, on a small fall, or on a large fall seen on too few verdicts', () => {
    const plateau = Array.from({ length: 30 }, (_, g) => 0.5 + (g % 3 === 0 ? 0.1 : g % 3 === 1 ? -0.1 : 0));
    expect(watch(quarantine({ form: 'rl' }), plateau).every((x) => x.accepted)).toBe(true);
    const small = [...Array(10).fill(0.9), ...Array(10).fill(0.78)]; // −0.12 < 0.15, though z would pass
    expect(watch(quarantine({ form: 'rl' }), small).every((x) => x.accepted)).toBe(true);
    const big = [...Array(10).fill(0.9), ...Array(10).fill(0.6)];
    expect(watch(quarantine({ form: 'rl' }), big).some((x) => !x.accepted)).toBe(true);
    // The same fall with a stricter significance bar: the z-test, not the drop alone, decides.
    expect(watch(quarantine({ form: 'rl', zCritical: 6 }), big).every((x) => x.accepted)).toBe(true);
  });

  it('observes once per generation, needs a distance, and can defer to an inner safeguard', () => {
    const q = quarantine({ form: 'rl', inner: nonRegressionOnly({ slack: 0 }) });
    const oracle = new AnchorOracle(generationMatrix(0.5), { budget: T });
    const c = { oracle, current: score, generation: 0, distance: 0 };
    const d1 = q.review(propose(score), c);
    const d2 = q.review(propose(score), c);
    expect(q.history).toHaveLength(1);
    expect(q.history[0]).toMatchObject({ n: T, passes: T / 2, rate: 0.5 });
    expect(d1.budgetSpent).toBe(T);
    expect(d2.budgetSpent).toBe(0);
    expect(d1.safeguard).toBe('quarantine(rl, non-regression(slack=0.000))');
    expect(d1.reason).toMatch(/^accepted: both metrics rank m0 best.*; quarantine: not enough observations/);
    expect(() => q.review(propose(score), { oracle, current: score, generation: 1 })).toThrow(/distance/);
    q.reset();
    expect(q.history).toHaveLength(0);
  });
});

describe('pluggable safeguards', () => {
  it('a researcher can write one against the same interface and oracle', () => {
    // Example: refuse any metric that reads a measurement the world marks gameable, spending nothing.
    const gameable = new Set(projectile.measurements.filter((m) => m.gameable).map((m) => m.name));
    const noGameable: Safeguard = {
      name: 'no-gameable-measurements',
      review(p, c) {
        const bad = measurementsUsed(p.metric.ast).filter((n) => gameable.has(n));
        return {
          generation: c.generation,
          safeguard: this.name,
          metric: { expression: p.metric.expression, direction: p.metric.direction, threshold: p.metric.threshold },
          parent: p.parent,
          operator: p.operator,
          agreement: { n: 0, passes: 0, tauB: null, auc: null, kappa: null, undefinedCauses: { tauB: 'too-few-cells', auc: 'too-few-cells', kappa: 'too-few-cells' } },
          regression: null,
          budgetSpent: 0,
          accepted: bad.length === 0,
          outcome: bad.length === 0 ? 'accepted' : 'rejected',
          reason: bad.length === 0 ? 'accepted: reads no gameable measurement.' : `rejected: reads gameable ${bad.join(', ')}.`,
          thresholds: null,
          fit: null,
          rollback: null,
        };
      },
    };
    const oracle = oracleOf(matrix, 0);
    expect(noGameable.review(propose(MIN_DIST), ctx(oracle)).accepted).toBe(false);
    expect(noGameable.review(propose(GT), ctx(oracle)).accepted).toBe(true);
  });
});
