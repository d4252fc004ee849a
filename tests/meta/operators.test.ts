// Metric mutation operators: every candidate is a valid, normalised metric of the world's
// measurement table; thresholds move in pass-rate units; structural edits keep or recalibrate
// the bar as documented; everything is a function of the stream.
import { describe, expect, it } from 'vitest';
import { Stream } from '../../src/core/rng.ts';
import type { MeasurementSpec } from '../../src/core/types.ts';
import { checkAst, parseMetric, print, type Metric, type MetricDirection } from '../../src/metrics/index.ts';
import {
  MAX_METRIC_NODES,
  METRIC_OPERATORS,
  SOFTEN_CAP,
  mutateMetric,
  nodesWithPaths,
  normalise,
  passRateOn,
  replaceAt,
  thresholdForPassRate,
  type MeasurementRecord,
  type MutationContext,
} from '../../src/meta/operators.ts';

/** Plain-data world facts, as the runner hands them to the meta-agent (projectile-like). */
const SPECS: readonly MeasurementSpec[] = [
  { name: 'landingError', doc: '', unit: 'm', better: 'lower' },
  { name: 'restError', doc: '', unit: 'm', better: 'lower' },
  { name: 'minDistToTarget', doc: '', unit: 'm', better: 'lower' },
  { name: 'timeInZone', doc: '', unit: 's', better: 'higher' },
  { name: 'maxHeight', doc: '', unit: 'm', better: 'none' },
  { name: 'flag', doc: '', unit: 'flag', better: 'higher' },
];

const metric = (expression: string, direction: MetricDirection = 'lower', threshold = 0.5): Metric => parseMetric({ expression, direction, threshold }, SPECS);

/** Synthetic recent episodes: restError spread over [0, 2], landing 0.7 short, a flag set 40 % of the time. */
function episodes(n = 200, seed = 1): MeasurementRecord[] {
  const rng = new Stream([seed, 'episodes']);
  return Array.from({ length: n }, () => {
    const restError = 2 * rng.next();
    return { restError, landingError: Math.abs(restError - 0.7), minDistToTarget: restError * rng.next(), timeInZone: rng.next(), maxHeight: 1 + 3 * rng.next(), flag: rng.next() < 0.4 ? 1 : 0 };
  });
}

const ctx = (seed: number, recent = episodes()): MutationContext => ({ measurements: SPECS, recent, rng: new Stream([seed, 'op']) });

describe('helpers', () => {
  it('thresholdForPassRate picks a sample value that lets at least that share pass', () => {
    const v = [5, 1, 3, 2, 4];
    expect(thresholdForPassRate(v, 'lower', 0.4)).toBe(2);
    expect(thresholdForPassRate(v, 'higher', 0.4)).toBe(4);
    expect(thresholdForPassRate([NaN], 'lower', 0.5)).toBeNull();
  });

  it('nodesWithPaths and replaceAt edit one node and leave the rest', () => {
    const m = metric('restError + 0.5 * landingError');
    const sites = nodesWithPaths(m.ast);
    expect(sites.map((s) => s.node.type)).toEqual(['binary', 'measurement', 'binary', 'number', 'measurement']);
    const edited = replaceAt(m.ast, [1, 0], { type: 'number', value: 2 });
    expect(print(edited)).toBe('restError + 2 * landingError');
    expect(print(m.ast)).toBe('restError + 0.5 * landingError'); // the original is untouched (and frozen)
  });

  it('normalise folds offsets and positive or negative scales into the threshold', () => {
    const fold = (e: string, d: MetricDirection, t: number) => {
      const n = normalise(metric(e, d, t).ast, d, t);
      return [print(n.ast), n.direction, n.threshold];
    };
    expect(fold('restError - 0.25', 'lower', 0)).toEqual(['restError', 'lower', 0.25]);
    expect(fold('2 * restError + 1', 'lower', 3)).toEqual(['restError', 'lower', 1]);
    expect(fold('-2 * timeInZone', 'lower', -1)).toEqual(['timeInZone', 'higher', 0.5]);
    expect(fold('max(restError)', 'lower', 0.5)).toEqual(['restError', 'lower', 0.5]);
    expect(fold('restError + landingError', 'lower', 1)).toEqual(['restError + landingError', 'lower', 1]);
  });
});

describe('the operators', () => {
  it('soften lets more recent episodes pass, sharpen fewer, by 5–10 % of them', () => {
    const m = metric('restError', 'lower', 0.5);
    const recent = episodes();
    const p = passRateOn(m, recent);
    for (let s = 0; s < 20; s++) {
      const soft = mutateMetric('soften-threshold', m, ctx(s, recent)) as Metric;
      const sharp = mutateMetric('sharpen-threshold', m, ctx(s, recent)) as Metric;
      expect(soft.threshold).toBeGreaterThan(m.threshold);
      expect(sharp.threshold).toBeLessThan(m.threshold);
      expect(passRateOn(soft, recent) - p).toBeGreaterThanOrEqual(0.04);
      expect(passRateOn(soft, recent) - p).toBeLessThanOrEqual(0.12);
      expect(p - passRateOn(sharp, recent)).toBeGreaterThanOrEqual(0.04);
    }
    // Higher-is-better metrics loosen downwards.
    const h = metric('timeInZone', 'higher', 0.5);
    expect((mutateMetric('soften-threshold', h, ctx(1)) as Metric).threshold).toBeLessThan(0.5);
  });

  it(`soften stops once ${SOFTEN_CAP * 100} % of the recent episodes pass (a bar nobody fails tells nothing apart)`, () => {
    expect(mutateMetric('soften-threshold', metric('restError', 'lower', 1.95), ctx(1))).toBeNull();
    expect(mutateMetric('sharpen-threshold', metric('restError', 'lower', -1), ctx(1))).toBeNull();
  });

  it('swap-measurement: a lone measurement takes the new one’s direction; same unit keeps the bar, another unit is recalibrated', () => {
    const m = metric('restError', 'lower', 0.5);
    const recent = episodes();
    const seen = new Set<string>();
    const metres: number[] = [];
    for (let s = 0; s < 60; s++) {
      const c = mutateMetric('swap-measurement', m, ctx(s, recent)) as Metric;
      seen.add(c.expression);
      expect(c.expression).not.toBe('maxHeight'); // no declared direction: never a metric on its own
      const spec = SPECS.find((x) => x.name === c.expression) as MeasurementSpec;
      expect(c.direction).toBe(spec.better);
      if (spec.unit === 'm') metres.push(c.threshold);
    }
    // Swaps to another length keep the bar in metres (both metre-valued swaps occur among the 60).
    expect(metres.length).toBeGreaterThan(0);
    expect(new Set(metres)).toEqual(new Set([0.5]));
    expect([...seen].sort()).toEqual(['flag', 'landingError', 'minDistToTarget', 'timeInZone']);
    // The flag, recalibrated to restError's pass rate (~25 %), gets the bar a flag can have: 1.
    const flag = [...Array(60).keys()].map((s) => mutateMetric('swap-measurement', m, ctx(s, recent)) as Metric).find((c) => c.expression === 'flag');
    expect(flag).toMatchObject({ direction: 'higher', threshold: 1 });
  });

  it('swap-measurement can replace a whole compound metric by one measurement', () => {
    const m = metric('max(restError - 0.25, maxHeight - 0.4)', 'lower', 0);
    const out = [...Array(80).keys()].map((s) => (mutateMetric('swap-measurement', m, ctx(s)) as Metric).expression);
    expect(out.some((e) => !e.includes('max('))).toBe(true);
    expect(out.some((e) => e.includes('max('))).toBe(true);
  });

  it('add-term adds a scale-matched summand signed by the spec and keeps the pass rate', () => {
    const m = metric('restError', 'lower', 0.5);
    const recent = episodes();
    const withTime: string[] = [];
    for (let s = 0; s < 20; s++) {
      const c = mutateMetric('add-term', m, ctx(s, recent)) as Metric;
      expect(c.expression).toMatch(/^restError [+-] /);
      if (c.expression.includes('timeInZone')) withTime.push(c.expression);
      expect(Math.abs(passRateOn(c, recent) - passRateOn(m, recent))).toBeLessThanOrEqual(0.02);
    }
    // timeInZone is higher-is-better, so its term is subtracted; the 20 draws include it.
    expect(withTime.length).toBeGreaterThan(0);
    for (const e of withTime) expect(e).toMatch(/- [\d.e-]+ \* timeInZone|- timeInZone/);
  });

  it('add-term and swap-measurement bring in only a measurement the metric does not read yet, even when weights favour one it reads', () => {
    const recent = episodes();
    const m = metric('restError + 0.5 * minDistToTarget', 'lower', 0.8);
    // Steering weights that favour restError overwhelmingly (what the gate's verdicts do on a ball).
    const weights = { restError: 1e6, landingError: 1, minDistToTarget: 1e6, timeInZone: 1, maxHeight: 1, flag: 1 };
    for (let s = 0; s < 40; s++) {
      const c = mutateMetric('add-term', m, { ...ctx(s, recent), weights }) as Metric;
      expect(c.expression.match(/restError/g)).toHaveLength(1);
      expect(c.expression.match(/minDistToTarget/g)).toHaveLength(1);
    }
    // Nor does swap-measurement bring a second reference to a measurement already read.
    for (let s = 0; s < 40; s++) {
      const c = mutateMetric('swap-measurement', m, { ...ctx(s, recent), weights });
      if (c === null || !c.expression.includes('+')) continue;
      for (const name of ['restError', 'minDistToTarget', 'landingError', 'timeInZone', 'maxHeight', 'flag']) expect((c.expression.match(new RegExp(`\\b${name}\\b`, 'g')) ?? []).length).toBeLessThanOrEqual(1);
    }
    // A metric that reads every measurement has no term to add.
    const all = metric('restError + landingError + minDistToTarget - timeInZone + maxHeight - flag', 'lower', 3);
    expect(mutateMetric('add-term', all, ctx(1, recent))).toBeNull();
  });

  it('drop-term keeps the bar when it drops a min/max argument and recalibrates a dropped summand', () => {
    const recent = episodes();
    const conj = metric('max(restError, landingError)', 'lower', 0.5);
    const dropped = mutateMetric('drop-term', conj, ctx(3, recent)) as Metric;
    expect(['restError', 'landingError']).toContain(dropped.expression);
    expect(dropped.threshold).toBe(0.5);
    expect(passRateOn(dropped, recent)).toBeGreaterThanOrEqual(passRateOn(conj, recent)); // a constraint less
    expect(mutateMetric('drop-term', metric('restError'), ctx(1))).toBeNull();
  });

  it('change-weight rescales one literal', () => {
    const m = metric('restError + 0.5 * landingError', 'lower', 1);
    const c = mutateMetric('change-weight', m, ctx(2)) as Metric;
    expect(c.expression).toMatch(/^restError \+ [\d.]+ \* landingError$/);
    expect(c.expression).not.toBe(m.expression);
    expect(mutateMetric('change-weight', metric('restError'), ctx(2))).toBeNull();
  });

  it('mutation chains always give valid, bounded, readable metrics with finite thresholds, and replay from the seed', () => {
    const chain = (seed: number): string[] => {
      let m = metric('restError', 'lower', 0.5);
      const out: string[] = [];
      const rng = new Stream([seed, 'chain']);
      for (let i = 0; i < 60; i++) {
        const op = rng.pick(METRIC_OPERATORS);
        const next = mutateMetric(op, m, { measurements: SPECS, recent: episodes(64, seed * 100 + i), rng });
        if (!next) continue;
        expect(checkAst(next.ast).nodes).toBeLessThanOrEqual(MAX_METRIC_NODES);
        expect(Number.isFinite(next.threshold)).toBe(true);
        expect(parseMetric({ expression: next.expression, direction: next.direction, threshold: next.threshold }, SPECS).expression).toBe(next.expression);
        m = next;
        out.push(`${m.expression} ${m.direction} ${m.threshold}`);
      }
      return out;
    };
    for (let seed = 1; seed <= 25; seed++) {
      const a = chain(seed);
      expect(a.length).toBeGreaterThan(20);
      expect(chain(seed)).toEqual(a);
    }
  });
});
