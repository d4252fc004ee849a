import { describe, expect, it } from 'vitest';
import type { Consequence } from '../../src/core/types.ts';
import {
  measurementsUsed,
  measurementTable,
  MetricError,
  metricFromMeasurement,
  metricPasses,
  metricSpecSchema,
  metricToSpec,
  metricValue,
  parseMetric,
  type Metric,
} from '../../src/metrics/index.ts';
import { projectile } from '../../worlds/projectile.ts';

const world = projectile.measurements;

function refusal(f: () => unknown): MetricError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(MetricError);
    return e as MetricError;
  }
  throw new Error('expected a MetricError');
}

describe('parseMetric', () => {
  it('parses a spec, normalising the expression text', () => {
    const m = parseMetric({ expression: 'clamp( restError/2 ,0,1)+(bounces>0)', direction: 'lower', threshold: 0.25 }, world);
    expect(m.expression).toBe('clamp(restError / 2, 0, 1) + (bounces > 0)');
    expect(m.direction).toBe('lower');
    expect(m.threshold).toBe(0.25);
    expect(m.ast.type).toBe('binary');
    expect(Object.isFrozen(m)).toBe(true);
  });

  it('round-trips through its serialisable form and JSON', () => {
    const m = parseMetric({ expression: '-timeInZone + 0.1 * launchEnergy', direction: 'lower', threshold: -1 }, world);
    const spec = metricToSpec(m);
    expect(metricSpecSchema.parse(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
    const again = parseMetric(JSON.parse(JSON.stringify(spec)), world);
    expect(again.expression).toBe(m.expression);
    expect(metricToSpec(again)).toEqual(spec);
  });

  it('refuses bad specs with MetricError (no position: not about the text)', () => {
    const bad: unknown[] = [
      null,
      'restError',
      { expression: 'restError', direction: 'sideways', threshold: 1 },
      { expression: 'restError', direction: 'lower', threshold: Infinity },
      { expression: 'restError', direction: 'lower', threshold: NaN },
      { expression: 'restError', direction: 'lower' },
      { expression: 'restError', direction: 'lower', threshold: 1, extra: true },
      { expression: 42, direction: 'lower', threshold: 1 },
    ];
    for (const input of bad) {
      const e = refusal(() => parseMetric(input, world));
      expect(e.code, JSON.stringify(input)).toBe('invalid-metric');
      expect(e.position).toBeNull();
    }
  });

  it('refuses bad expressions with the parser’s positioned error', () => {
    const e = refusal(() => parseMetric({ expression: '1 + landingEror', direction: 'lower', threshold: 1 }, world));
    expect(e.message).toBe("unknown measurement 'landingEror' at 1:5 — did you mean 'landingError'?");
  });

  it('accepts a prebuilt table, a list of specs or a list of names', () => {
    const spec = { expression: 'restError', direction: 'lower', threshold: 0.5 };
    expect(parseMetric(spec, measurementTable(world)).expression).toBe('restError');
    expect(parseMetric(spec, ['restError']).expression).toBe('restError');
    expect(refusal(() => parseMetric(spec, ['maxHeight'])).code).toBe('unknown-measurement');
  });
});

describe('values and passing', () => {
  const consequence: Consequence = {
    episode: 0,
    steps: 120,
    terminated: true,
    truncated: false,
    measurements: { landingError: 0.4, restError: 1.5, minDistToTarget: 0.1, timeInZone: 0.2, maxHeight: 3, flightTime: 1.1, launchEnergy: 40, bounces: 2, restX: 11.5, finalSpeed: 0 },
    verdicts: [{ check: 'restsInZone', pass: false, margin: -1 }],
    gtPass: false,
  };

  it('metricValue evaluates on a consequence’s measurements', () => {
    const m = parseMetric({ expression: 'restError + 0.5 * bounces', direction: 'lower', threshold: 1 }, world);
    expect(metricValue(m, consequence.measurements)).toBe(2.5);
    expect(metricValue(m, {})).toBeNaN();
  });

  it('metricPasses: ≤ threshold for lower, ≥ for higher, inclusive; NaN never passes', () => {
    const lower: Metric = parseMetric({ expression: 'restError', direction: 'lower', threshold: 0.5 }, world);
    const higher: Metric = parseMetric({ expression: 'timeInZone', direction: 'higher', threshold: 0.5 }, world);
    expect(metricPasses(lower, 0.4)).toBe(true);
    expect(metricPasses(lower, 0.5)).toBe(true);
    expect(metricPasses(lower, 0.6)).toBe(false);
    expect(metricPasses(higher, 0.6)).toBe(true);
    expect(metricPasses(higher, 0.5)).toBe(true);
    expect(metricPasses(higher, 0.4)).toBe(false);
    expect(metricPasses(lower, NaN)).toBe(false);
    expect(metricPasses(higher, NaN)).toBe(false);
    expect(metricPasses(lower, metricValue(lower, consequence.measurements))).toBe(false);
  });
});

describe('helpers', () => {
  it('measurementsUsed: sorted, without repeats', () => {
    const m = parseMetric({ expression: 'restError + min(restError, landingError) * if(bounces > 0, 1, bounces) + 2', direction: 'lower', threshold: 0 }, world);
    expect(measurementsUsed(m.ast)).toEqual(['bounces', 'landingError', 'restError']);
    expect(measurementsUsed(parseMetric({ expression: '1 + 2', direction: 'lower', threshold: 0 }, world).ast)).toEqual([]);
  });

  it('metricFromMeasurement builds a one-measurement metric, checked against the table when given', () => {
    const m = metricFromMeasurement('landingError', 'lower', 0.5, world);
    expect(metricToSpec(m)).toEqual({ expression: 'landingError', direction: 'lower', threshold: 0.5 });
    expect(metricValue(m, { landingError: 0.25 })).toBe(0.25);
    expect(metricFromMeasurement('anything_goes', 'higher', 1).expression).toBe('anything_goes');
    expect(refusal(() => metricFromMeasurement('landingEror', 'lower', 0.5, world)).suggestion).toBe('landingError');
    expect(refusal(() => metricFromMeasurement('a b', 'lower', 0.5)).code).toBe('invalid-measurement-name');
    expect(refusal(() => metricFromMeasurement('abs', 'lower', 0.5)).code).toBe('invalid-measurement-name');
  });

  it('every projectile measurement is usable as a metric', () => {
    for (const spec of world) {
      const direction = spec.better === 'higher' ? 'higher' : 'lower';
      expect(metricFromMeasurement(spec.name, direction, 0, world).expression).toBe(spec.name);
    }
  });
});
