// Proposal steering (issue 10): the gate's bought verdicts steer what the meta-agent proposes.
// Unit shapes on synthetic data here; the behavioural claim on projectile (ball) — anchored
// evolution escapes the designer's landingError with steering and not without — is measured in
// tests/experiments/steering-escape.test.ts.
import { describe, expect, it } from 'vitest';
import { kendallTauB } from '../../src/anchors/agreement.ts';
import { Stream } from '../../src/core/rng.ts';
import type { MeasurementSpec } from '../../src/core/types.ts';
import { AnchorMemory, DEFAULT_META, MetaAgent, tauB, type GateVerdict, type MeasurementRecord } from '../../src/meta/index.ts';
import { metricValue, parseMetric } from '../../src/metrics/index.ts';

const SPECS: readonly MeasurementSpec[] = [
  { name: 'landingError', doc: '', unit: 'm', better: 'lower' },
  { name: 'restError', doc: '', unit: 'm', better: 'lower' },
  { name: 'minDistToTarget', doc: '', unit: 'm', better: 'lower' },
  { name: 'maxHeight', doc: '', unit: 'm', better: 'none' },
];

/** Balls: they land near the zone and roll on by a random distance; the margin reads where they rest. */
function balls(n: number, seed: number): { recent: MeasurementRecord[]; verdicts: GateVerdict[] } {
  const rng = new Stream([seed, 'balls']);
  const recent = Array.from({ length: n }, () => {
    const landingError = 0.6 * rng.next();
    const restError = landingError + 2 * rng.next();
    return { landingError, restError, minDistToTarget: 0.5 * landingError, maxHeight: 1 + rng.next() };
  });
  return { recent, verdicts: recent.map((m) => ({ measurements: m, margin: 0.5 - (m.restError as number), pass: (m.restError as number) <= 0.5 })) };
}

const agent = (steering: number): MetaAgent => new MetaAgent({ ...DEFAULT_META, measurements: SPECS, seed: 4, steering });
const landing = parseMetric({ expression: 'landingError', direction: 'lower', threshold: 0.5 }, SPECS);

describe('steering by the gate verdicts', () => {
  it('its τ-b is the anchors\' τ-b (ties and NaN included), on random samples', () => {
    for (const seed of [1, 2, 3]) {
      const rng = new Stream([seed, 'tau']);
      const x = Array.from({ length: 60 }, () => (rng.next() < 0.1 ? NaN : Math.round(5 * rng.next())));
      const y = Array.from({ length: 60 }, () => Math.round(4 * rng.next()));
      expect(tauB(x, y)).toBeCloseTo(kendallTauB(x, y), 12);
    }
  });

  it('without verdicts a steered agent proposes exactly what an unsteered one does', () => {
    const { recent } = balls(200, 1);
    const view = { generation: 3, current: landing, currentId: 'M0', recent, reference: [] };
    expect(JSON.stringify(agent(1).proposeMetrics(view))).toBe(JSON.stringify(agent(0).proposeMetrics(view)));
  });

  it('with verdicts that favour restError, restError candidates are generated and submitted more often', () => {
    // Over several generations and seeds of data: count candidates and submissions reading restError.
    let steeredCand = 0;
    let plainCand = 0;
    let steeredSub = 0;
    let plainSub = 0;
    for (const seed of [1, 2, 3, 4]) {
      const { recent, verdicts } = balls(200, seed);
      const steered = agent(1);
      steered.observeVerdicts(verdicts.slice(0, 48));
      const plain = agent(0);
      for (let generation = 3; generation < 8; generation++) {
        const view = { generation, current: landing, currentId: 'M0', recent, reference: [] };
        const s = steered.proposeMetrics(view);
        const p = plain.proposeMetrics(view);
        const reads = (e: string): boolean => /\brestError\b/.test(e);
        steeredCand += s.candidates.filter((c) => reads(c.proposal.metric.expression)).length;
        plainCand += p.candidates.filter((c) => reads(c.proposal.metric.expression)).length;
        steeredSub += s.submit.filter((c) => reads(c.proposal.metric.expression)).length;
        plainSub += p.submit.filter((c) => reads(c.proposal.metric.expression)).length;
        steered.recordOutcome(s, null);
        plain.recordOutcome(p, null);
      }
    }
    // restError flatters balls less than landingError (they roll), so the unsteered agent rarely
    // submits it; steering must at least double the candidates and submit it strictly more.
    expect(steeredCand).toBeGreaterThanOrEqual(2 * Math.max(1, plainCand));
    expect(steeredSub).toBeGreaterThan(plainSub);
  });

  it('remembers at most the latest verdicts and survives a snapshot', () => {
    const a = agent(1);
    const { verdicts } = balls(700, 9);
    a.observeVerdicts(verdicts);
    const snap = a.snapshot();
    expect(snap.verdicts).toHaveLength(512);
    expect(snap.verdicts![511]).toEqual(verdicts[699]);
    const b = agent(1);
    b.restore(snap);
    const view = { generation: 5, current: landing, currentId: 'M0', recent: balls(100, 2).recent, reference: [] };
    expect(JSON.stringify(b.proposeMetrics(view))).toBe(JSON.stringify(a.proposeMetrics(view)));
  });

  it('calibrates a bar to the remembered verdicts: best κ, its direction kept, none without a pass and a fail', () => {
    const { verdicts } = balls(300, 5);
    const memory = new AnchorMemory();
    const rest = parseMetric({ expression: 'restError', direction: 'lower', threshold: 1.5 }, SPECS);
    memory.add(verdicts.filter((v) => !v.pass));
    expect(memory.calibrate(rest, SPECS)).toBeNull();
    memory.add(verdicts);
    const c = memory.calibrate(rest, SPECS)!;
    // Ground truth passes restError ≤ 0.5 exactly: the bar lands between the worst pass and the best fail.
    const worstPass = Math.max(...verdicts.filter((v) => v.pass).map((v) => v.measurements.restError as number));
    const bestFail = Math.min(...verdicts.filter((v) => !v.pass).map((v) => v.measurements.restError as number));
    expect(c.metric.threshold).toBeGreaterThanOrEqual(worstPass);
    expect(c.metric.threshold).toBeLessThan(bestFail);
    expect(c.kappa).toBe(1);
    expect(c.support).toBeCloseTo(memory.support(rest)!, 12);
    // At its own loose bar the same metric agrees far less on pass/fail: support drops to κ.
    expect(memory.gateSupport(rest)!).toBeLessThan(0.5);
    // A metric blind to the roll cannot be calibrated into agreement.
    const land = memory.calibrate(landing, SPECS)!;
    expect(land.kappa).toBeLessThan(0.5);
    // A higher-is-better metric: the bar keeps its direction.
    const neg = memory.calibrate(parseMetric({ expression: '0 - restError', direction: 'higher', threshold: -3 }, SPECS), SPECS)!;
    expect(neg.metric.direction).toBe('higher');
    expect(neg.kappa).toBe(1);
  });

  it('steered with a pass and a fail, one submission is the best-supported candidate at a calibrated bar', () => {
    let offered = 0;
    for (const seed of [1, 2, 3]) {
      const { recent, verdicts } = balls(200, seed);
      const a = agent(1);
      a.observeVerdicts(verdicts.slice(0, 48));
      const p = a.proposeMetrics({ generation: 4, current: landing, currentId: 'M0', recent, reference: [] });
      const top = [...p.candidates].sort((x, y) => (y.support ?? -2) - (x.support ?? -2))[0]!;
      expect(p.submit.length).toBeGreaterThan(0);
      expect(p.submit.length).toBeLessThanOrEqual(DEFAULT_META.submissions);
      if (p.submit.includes(top)) offered++;
      // Every candidate's support is the gate's pair min(τ-b, κ): never above its τ-b.
      for (const c of p.candidates) expect(c.support!).toBeLessThanOrEqual(tauB(recentGoodness(c.proposal.metric, verdicts.slice(0, 48)), verdicts.slice(0, 48).map((v) => v.margin))! + 1e-12);
    }
    expect(offered).toBe(3);
  });
});

function recentGoodness(metric: ReturnType<typeof parseMetric>, cells: readonly GateVerdict[]): number[] {
  const sign = metric.direction === 'lower' ? -1 : 1;
  return cells.map((c) => sign * metricValue(metric, c.measurements));
}
