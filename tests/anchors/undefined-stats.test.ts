// Undefined statistics stay undefined: τ-b, AUC and κ are null with a cause whenever their
// inputs carry no information (constant verdicts, ties everywhere, a single verdict, a metric
// that is NaN everywhere), never a silent 0 or 1; and the gate never turns that into evidence.
// The expected undefinedness is computed here from the definitions, independently of the code.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { metricAgreement, type Agreement, type AgreementStatistic, type EvidenceCell } from '../../src/anchors/agreement.ts';
import { agreementGate, nonRegressionOnly } from '../../src/anchors/gate.ts';
import { AnchorOracle, type AnchorMatrix } from '../../src/anchors/oracle.ts';
import { metricValue, parseMetric, type Metric, type MetricDirection } from '../../src/metrics/index.ts';

const STATS: readonly AgreementStatistic[] = ['tauB', 'auc', 'kappa'];
const metricX = (direction: MetricDirection, threshold: number): Metric => parseMetric({ expression: 'x', direction, threshold }, ['x']);

const worst = (v: number): number => (Number.isNaN(v) ? -Infinity : v);
const allSame = <T>(xs: readonly T[]): boolean => xs.every((x) => Object.is(x, xs[0]) || x === xs[0]);

/** Which statistics the definitions leave undefined on these cells (the test's own reading). */
function expectedUndefined(metric: Metric, cells: readonly EvidenceCell[]): Record<AgreementStatistic, boolean> {
  // The metric's value as the language defines it (a non-finite measurement makes it NaN).
  const values = cells.map((c) => metricValue(metric, c.measurements));
  const good = values.map((v) => worst(metric.direction === 'lower' ? -v : v));
  const metricPass = values.map((v) => !Number.isNaN(v) && (metric.direction === 'lower' ? v <= metric.threshold : v >= metric.threshold));
  const few = cells.length < 2;
  return {
    tauB: few || allSame(good) || allSame(cells.map((c) => worst(c.margin))),
    auc: few || allSame(good) || allSame(cells.map((c) => c.pass)),
    kappa: few || allSame(metricPass) || allSame(cells.map((c) => c.pass)),
  };
}

/** A number only where defined, within its range; null exactly where a cause is recorded. */
function checkAgreement(a: Agreement, metric: Metric, cells: readonly EvidenceCell[]): void {
  const want = expectedUndefined(metric, cells);
  for (const k of STATS) {
    const v = a[k];
    expect(v === null, `${k} is ${v}, expected ${want[k] ? 'undefined' : 'a number'}`).toBe(want[k]);
    expect(k in a.undefinedCauses, `${k} cause`).toBe(v === null);
    if (v !== null) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(k === 'auc' ? 0 : -1 - 1e-12);
      expect(v).toBeLessThanOrEqual(1 + 1e-12);
    }
  }
}

const cellOf = (x: number, margin: number): EvidenceCell => ({ measurements: { x }, margin, pass: margin >= 0 });

// Values with heavy ties and the awkward ones: NaN (metric undefined) and infinities.
const valueArb = fc.oneof(fc.constantFrom(0, 1, 2, NaN, -Infinity, Infinity), fc.double({ min: -5, max: 5, noNaN: true }));
const marginArb = fc.oneof(fc.constantFrom(-1, 0, 1, -Infinity), fc.double({ min: -5, max: 5, noNaN: true }));
const metricArb = fc.tuple(fc.constantFrom<MetricDirection>('lower', 'higher'), fc.constantFrom(-1, 0, 0.5, 1, 2));
const cellsArb = (values: fc.Arbitrary<number>, margins: fc.Arbitrary<number>, min = 0, max = 40) =>
  fc.array(fc.tuple(values, margins), { minLength: min, maxLength: max }).map((xs) => xs.map(([x, m]) => cellOf(x, m)));

describe('agreement statistics: undefined stays undefined (property tests)', () => {
  it('on any evidence: a number only where defined, null with a cause where not', () => {
    fc.assert(
      fc.property(metricArb, cellsArb(valueArb, marginArb), ([dir, t], cells) => {
        const m = metricX(dir, t);
        checkAgreement(metricAgreement(m, cells), m, cells);
      }),
      { numRuns: 400 },
    );
  });

  it('constant ground-truth verdicts: AUC and κ are undefined (never 0), cause constant-ground-truth', () => {
    const passing = fc.double({ min: 0, max: 5, noNaN: true });
    const failing = fc.oneof(fc.constant(-Infinity), fc.double({ min: -5, max: -1e-9, noNaN: true }));
    fc.assert(
      fc.property(metricArb, fc.boolean(), fc.integer({ min: 2, max: 40 }), fc.infiniteStream(valueArb), ([dir, t], pass, n, values) => {
        const m = metricX(dir, t);
        const margins = fc.sample(pass ? passing : failing, { numRuns: n, seed: n });
        const xs = [...values.take(n)];
        const cells = xs.map((x, i) => cellOf(x, margins[i] as number));
        const a = metricAgreement(m, cells);
        checkAgreement(a, m, cells);
        expect(a.auc).toBeNull();
        expect(a.kappa).toBeNull();
        expect(['constant-ground-truth', 'constant-metric', 'metric-undefined']).toContain(a.undefinedCauses.kappa);
      }),
      { numRuns: 200 },
    );
  });

  it('constant metric verdicts: κ is undefined even when ground truth varies (the issue’s "κ 0.00")', () => {
    // restError ≤ 0.749 passed by every cell while ground truth has passes and fails: κ was reported as 0.
    const m = metricX('lower', 0.749);
    fc.assert(
      fc.property(cellsArb(fc.double({ min: 0, max: 0.749, noNaN: true }), marginArb, 2), (cells) => {
        const a = metricAgreement(m, cells);
        checkAgreement(a, m, cells);
        expect(a.kappa).toBeNull();
        expect(a.undefinedCauses.kappa).toBe('constant-metric');
      }),
      { numRuns: 200 },
    );
  });

  it('ties everywhere: two-valued metrics and margins', () => {
    fc.assert(
      fc.property(metricArb, cellsArb(fc.constantFrom(0, 1), fc.constantFrom(-1, 1), 0, 30), ([dir, t], cells) => {
        const m = metricX(dir, t);
        checkAgreement(metricAgreement(m, cells), m, cells);
      }),
      { numRuns: 300 },
    );
  });

  it('a single verdict (or none): every statistic undefined, cause too-few-cells', () => {
    fc.assert(
      fc.property(metricArb, cellsArb(valueArb, marginArb, 0, 1), ([dir, t], cells) => {
        const a = metricAgreement(metricX(dir, t), cells);
        for (const k of STATS) {
          expect(a[k]).toBeNull();
          expect(a.undefinedCauses[k]).toBe('too-few-cells');
        }
      }),
    );
  });

  it('NaN metric values: NaN everywhere is undefined (metric-undefined); NaN somewhere counts as the worst value', () => {
    fc.assert(
      fc.property(metricArb, cellsArb(fc.constant(NaN), marginArb, 2), ([dir, t], cells) => {
        const a = metricAgreement(metricX(dir, t), cells);
        for (const k of STATS) {
          expect(a[k]).toBeNull();
          expect(a.undefinedCauses[k]).toBe('metric-undefined');
        }
      }),
    );
    fc.assert(
      fc.property(metricArb, cellsArb(fc.oneof(fc.constant(NaN), fc.double({ min: -5, max: 5, noNaN: true })), marginArb, 2), ([dir, t], cells) => {
        const m = metricX(dir, t);
        checkAgreement(metricAgreement(m, cells), m, cells);
      }),
      { numRuns: 300 },
    );
  });
});

/** A members × tasks matrix of one-measurement consequences. */
function matrixOf(values: readonly (readonly number[])[], margins: readonly (readonly number[])[]): AnchorMatrix {
  return {
    members: values.map((_, i) => `m${i}`),
    tasks: (values[0] ?? []).map((_, j) => `t${j}`),
    consequences: values.map((row, i) => row.map((x, j) => {
      const margin = (margins[i] as number[])[j] as number;
      return { measurements: { x }, verdicts: [{ check: 'gt', pass: margin >= 0, margin }], gtPass: margin >= 0 };
    })),
  };
}

describe('the gate: no evidence is neither for nor against', () => {
  const rows = fc.integer({ min: 2, max: 5 });
  const cols = fc.integer({ min: 2, max: 8 });

  it('ground truth failing everywhere: never accepted, and κ never cited as a number', () => {
    fc.assert(
      fc.property(rows, cols, fc.double({ min: 0.1, max: 0.9, noNaN: true }), fc.integer({ min: 0, max: 1000 }), metricArb, (r, c, alpha, seed, [dir, t]) => {
        const values = fc.sample(fc.array(valueArb, { minLength: c, maxLength: c }), { numRuns: r, seed });
        const margins = fc.sample(fc.array(fc.double({ min: -5, max: -0.01, noNaN: true }), { minLength: c, maxLength: c }), { numRuns: r, seed: seed + 1 });
        const oracle = new AnchorOracle(matrixOf(values, margins), { budget: 1000 });
        const gate = agreementGate({ alpha, groundTruth: null, seed, minEvidence: 2 });
        const m = metricX(dir, t);
        const d = gate.review({ metric: m, parent: 'M0', operator: 'test' }, { oracle, current: metricX('lower', 0), generation: 1 });
        expect(d.accepted).toBe(false);
        expect(d.agreement.kappa).toBeNull();
        expect(d.reason).not.toMatch(/κ -?\d/);
        // Rejected only on evidence that exists: the ranks (τ-b, margins vary) or a measured regression.
        if (d.outcome === 'rejected') expect(d.reason).toMatch(/^rejected: (τ-b -?\d|the best learner)/);
        else expect(d.outcome).toBe('undecided');
      }),
      { numRuns: 150 },
    );
  });

  it('κ undefined on the first sample: the gate buys more before deciding (within the budget)', () => {
    // 4 members × 12 tasks; only member 3 ever passes, so a small first sample may hold no pass.
    const values = [0, 1, 2, 3].map((i) => Array.from({ length: 12 }, (_, j) => (i === 3 ? 0.1 : 1 + j / 10 + i)));
    const margins = values.map((row) => row.map((x) => 0.5 - x));
    const m = metricX('lower', 0.5);
    const grew: number[] = [];
    for (let seed = 0; seed < 20; seed++) {
      const oracle = new AnchorOracle(matrixOf(values, margins), { budget: 48 });
      const d = agreementGate({ alpha: 0.5, groundTruth: null, seed, sampleSize: 4, maxSample: 48, minEvidence: 2 }).review({ metric: m, parent: 'M0', operator: 'test' }, { oracle, current: m, generation: 1 });
      expect(d.agreement.kappa).not.toBeNull(); // the larger sample holds both classes
      expect(d.accepted).toBe(true); // and on it the metric agrees perfectly
      if (oracle.spent > 4) grew.push(seed);
    }
    expect(grew.length).toBeGreaterThan(0); // some first samples of 4 held no pass (P = C(36,4)/C(48,4) ≈ 0.30 per seed)
  });

  it('a budget too small for the non-regression rows leaves the decision undecided, not rejected', () => {
    const values = [[1, 1, 1], [3, 3, 3]]; // 'x lower' ranks m0 best, 'x higher' m1: both rows needed
    const margins = [[1, 0, -1], [-1, 0, 1]];
    const oracle = new AnchorOracle(matrixOf(values, margins), { budget: 2 });
    const d = nonRegressionOnly({ slack: 0.1 }).review({ metric: metricX('higher', 2), parent: 'M0', operator: 'test' }, { oracle, current: metricX('lower', 2), generation: 1 });
    expect(d.regression?.status).toBe('unaffordable');
    expect(d.outcome).toBe('undecided');
    expect(d.accepted).toBe(false);
  });
});
