import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { Stream } from '../../src/core/rng.ts';
import {
  binaryLabel,
  CHANNEL_KINDS,
  channelConfigSchema,
  createChannel,
  gradedReward,
  hotcoldLabel,
  parseChannelConfig,
  scheduleWeight,
} from '../../src/feedback/channels.ts';
import { compileMetric, MetricError, metricFromMeasurement, metricPasses, parseMetric, type MetricSense } from '../../src/metrics/index.ts';

const lower: MetricSense = { direction: 'lower', threshold: 0.5 };
const higher: MetricSense = { direction: 'higher', threshold: 2 };
const ctx = (taskKey = 't', extra: { progress?: number; rng?: Stream } = {}) => ({ taskKey, ...extra });

describe('metric seam (channels take their metric from src/metrics)', () => {
  it('compiles a metric into a value function with direction and threshold', () => {
    const m = compileMetric(metricFromMeasurement('restError', 'lower', 0.5));
    expect(m.value({ restError: 0.25, other: 9 })).toBe(0.25);
    expect(m.expression).toBe('restError');
    expect(m.direction).toBe('lower');
    expect(m.threshold).toBe(0.5);
    // A missing measurement is undefined (NaN), and a channel refuses a non-finite value.
    expect(m.value({ other: 1 })).toBeNaN();
    expect(() => createChannel('graded').feedback(m.value({ other: 1 }), m, ctx())).toThrow(/finite/);
    expect(() => parseMetric({ expression: 'x', direction: 'sideways', threshold: 0 }, ['x'])).toThrow(MetricError);
  });

  it('passes at the threshold itself, like a zero check margin; NaN never passes', () => {
    expect(metricPasses(lower, 0.5)).toBe(true);
    expect(metricPasses(lower, 0.51)).toBe(false);
    expect(metricPasses(higher, 2)).toBe(true);
    expect(metricPasses(higher, 1.9)).toBe(false);
    expect(metricPasses(lower, NaN)).toBe(false);
  });
});

describe('pure label functions', () => {
  it('binary: 1 iff the metric passes', () => {
    expect(binaryLabel(0.3, 'lower', 0.5)).toBe(1);
    expect(binaryLabel(0.7, 'lower', 0.5)).toBe(0);
    expect(binaryLabel(3, 'higher', 2)).toBe(1);
    expect(binaryLabel(1, 'higher', 2)).toBe(0);
  });

  it('graded: a reward, higher is better (a lower-is-better value is negated; 0 stays +0)', () => {
    expect(gradedReward(0.3, 'lower')).toBe(-0.3);
    expect(gradedReward(0.3, 'higher')).toBe(0.3);
    expect(Object.is(gradedReward(0, 'lower'), 0)).toBe(true);
  });

  it('hot/cold: first attempt 0, then the sign of the improvement beyond the tolerance', () => {
    expect(hotcoldLabel(-1, undefined, 0)).toBe(0);
    expect(hotcoldLabel(-1, -2, 0)).toBe(1);
    expect(hotcoldLabel(-2, -1, 0)).toBe(-1);
    expect(hotcoldLabel(-1, -1.05, 0.1)).toBe(0);
    expect(hotcoldLabel(-1, -1.2, 0.1)).toBe(1);
  });

  it('schedules are exact at both ends and follow their shape in between', () => {
    for (const s of ['linear', 'cosine', 'step'] as const) {
      expect(scheduleWeight(s, 0)).toBe(0);
      expect(scheduleWeight(s, 1)).toBe(1);
    }
    expect(scheduleWeight('linear', 0.25)).toBe(0.25);
    expect(scheduleWeight('cosine', 0.5)).toBeCloseTo(0.5, 12);
    expect(scheduleWeight('cosine', 0.25)).toBeCloseTo((1 - Math.cos(Math.PI / 4)) / 2, 12);
    // Cosine starts slower than linear and ends faster.
    expect(scheduleWeight('cosine', 0.1)).toBeLessThan(0.1);
    expect(scheduleWeight('cosine', 0.9)).toBeGreaterThan(0.9);
    expect(scheduleWeight('step', 0.49)).toBe(0);
    expect(scheduleWeight('step', 0.5)).toBe(1);
    expect(scheduleWeight('step', 0.2, 0.1)).toBe(1);
    expect(() => scheduleWeight('linear', 1.5)).toThrow(/progress/);
    expect(() => scheduleWeight('linear', NaN)).toThrow(/progress/);
  });
});

describe('channels', () => {
  it('binary and graded channels map a metric value to a reward', () => {
    expect(createChannel('binary').feedback(0.4, lower, ctx())).toBe(1);
    expect(createChannel({ kind: 'binary' }).feedback(0.6, lower, ctx())).toBe(0);
    expect(createChannel('graded').feedback(0.6, lower, ctx())).toBe(-0.6);
    expect(createChannel('graded').feedback(5, higher, ctx())).toBe(5);
    expect(() => createChannel('graded').feedback(NaN, lower, ctx())).toThrow(/finite/);
  });

  it('hot/cold compares with the previous attempt on the same task only', () => {
    const ch = createChannel('hotcold');
    expect(ch.feedback(3, lower, ctx('a'))).toBe(0); // first on a
    expect(ch.feedback(2, lower, ctx('a'))).toBe(1); // warmer
    expect(ch.feedback(10, lower, ctx('b'))).toBe(0); // first on b, a untouched
    expect(ch.feedback(2.5, lower, ctx('a'))).toBe(-1); // colder than 2
    expect(ch.feedback(2.5, lower, ctx('a'))).toBe(0); // same
    expect(ch.feedback(9, lower, ctx('b'))).toBe(1);
    const snap = ch.snapshot();
    ch.reset();
    expect(ch.feedback(1, lower, ctx('a'))).toBe(0);
    ch.restore(snap);
    expect(ch.feedback(1, lower, ctx('a'))).toBe(1);
    // Higher-is-better metrics: warmer means a larger value.
    const h = createChannel({ kind: 'hotcold', tolerance: 0.5 });
    h.feedback(1, higher, ctx());
    expect(h.feedback(3, higher, ctx())).toBe(1);
    expect(h.feedback(3.4, higher, ctx())).toBe(0); // within the tolerance
  });

  it('scheduled (mix) is exactly graded at progress 0, exactly binary at 1, the blend between', () => {
    for (const schedule of ['linear', 'cosine', 'step'] as const) {
      const ch = createChannel({ kind: 'scheduled', schedule });
      for (const v of [0.1, 0.5, 0.9, 3]) {
        expect(ch.feedback(v, lower, ctx('t', { progress: 0 }))).toBe(gradedReward(v, 'lower'));
        expect(ch.feedback(v, lower, ctx('t', { progress: 1 }))).toBe(binaryLabel(v, 'lower', 0.5));
      }
    }
    const lin = createChannel({ kind: 'scheduled', schedule: 'linear' });
    expect(lin.feedback(0.4, lower, ctx('t', { progress: 0.5 }))).toBeCloseTo(0.5 * -0.4 + 0.5 * 1, 15);
    expect(lin.feedback(0.8, lower, ctx('t', { progress: 0.5 }))).toBeCloseTo(0.5 * -0.8 + 0.5 * 0, 15);
    const step = createChannel({ kind: 'scheduled', schedule: 'step', stepAt: 0.3 });
    expect(step.feedback(0.8, lower, ctx('t', { progress: 0.29 }))).toBe(-0.8);
    expect(step.feedback(0.8, lower, ctx('t', { progress: 0.3 }))).toBe(0);
    expect(() => lin.feedback(0.4, lower, ctx())).toThrow(/progress/);
  });

  it('scheduled (mix) stays strictly increasing in the reward while w < 1', () => {
    const ch = createChannel({ kind: 'scheduled', schedule: 'linear' });
    for (const progress of [0, 0.3, 0.7, 0.99]) {
      const values = Array.from({ length: 41 }, (_, i) => 2 - i * 0.05); // worse → better (lower metric)
      const out = values.map((v) => ch.feedback(v, lower, ctx('t', { progress })));
      for (let i = 1; i < out.length; i++) expect(out[i]!).toBeGreaterThan(out[i - 1]!);
    }
  });

  it('scheduled (switch) emits binary with probability w, seeded', () => {
    const ch = createChannel({ kind: 'scheduled', schedule: 'linear', blend: 'switch' });
    const emit = (progress: number, seed: number): number[] => {
      const rng = new Stream([seed, 'switch']);
      return Array.from({ length: 2000 }, () => ch.feedback(0.8, lower, ctx('t', { progress, rng })));
    };
    expect(emit(0, 1).every((f) => f === -0.8)).toBe(true);
    expect(emit(1, 1).every((f) => f === 0)).toBe(true);
    const mid = emit(0.5, 1);
    const binaryShare = mid.filter((f) => f === 0).length / mid.length;
    // 2000 Bernoulli(0.5) draws: sd ≈ 0.011, so ±0.05 is > 4 sd.
    expect(Math.abs(binaryShare - 0.5)).toBeLessThan(0.05);
    expect(emit(0.5, 1)).toEqual(mid);
    expect(emit(0.5, 2)).not.toEqual(mid);
  });

  it('label noise is seeded: same stream same labels; flip rate ≈ p; jitter sd ≈ σ', () => {
    const labels = (seed: number, p: number): number[] => {
      const ch = createChannel({ kind: 'binary', flip: p });
      const rng = new Stream([seed, 'noise']);
      return Array.from({ length: 4000 }, () => ch.feedback(0.1, lower, ctx('t', { rng })));
    };
    const a = labels(7, 0.2);
    expect(labels(7, 0.2)).toEqual(a);
    expect(labels(8, 0.2)).not.toEqual(a);
    const flipped = a.filter((f) => f === 0).length / a.length;
    expect(Math.abs(flipped - 0.2)).toBeLessThan(0.03); // sd ≈ 0.0063
    expect(labels(7, 1).every((f) => f === 0)).toBe(true);

    const jittered = (seed: number): number[] => {
      const ch = createChannel({ kind: 'graded', jitter: 0.3 });
      const rng = new Stream([seed, 'noise']);
      return Array.from({ length: 4000 }, () => ch.feedback(1, lower, ctx('t', { rng })));
    };
    const j = jittered(3);
    expect(jittered(3)).toEqual(j);
    const mean = j.reduce((s, x) => s + x, 0) / j.length;
    const sd = Math.sqrt(j.reduce((s, x) => s + (x - mean) ** 2, 0) / j.length);
    expect(mean).toBeCloseTo(-1, 1);
    expect(sd).toBeGreaterThan(0.27);
    expect(sd).toBeLessThan(0.33);
  });

  it('hot/cold flips swap warmer and colder but never "same"', () => {
    const ch = createChannel({ kind: 'hotcold', flip: 1 });
    const rng = new Stream([1, 'hc']);
    expect(ch.feedback(2, lower, ctx('t', { rng }))).toBe(0);
    expect(ch.feedback(1, lower, ctx('t', { rng }))).toBe(-1);
    expect(ch.feedback(1, lower, ctx('t', { rng }))).toBe(0);
    expect(ch.feedback(3, lower, ctx('t', { rng }))).toBe(1);
  });

  it('every configured noise draws once per event, so schedules see aligned noise', () => {
    const run = (schedule: 'linear' | 'step'): number => {
      const ch = createChannel({ kind: 'scheduled', schedule, flip: 0.3, jitter: 0.1 });
      const rng = new Stream([5, 'aligned']);
      for (let i = 0; i < 50; i++) ch.feedback(0.2 + i * 0.01, lower, ctx('t', { progress: i / 49, rng }));
      return rng.next();
    };
    expect(run('linear')).toBe(run('step'));
  });

  it('a noisy channel without a stream is an error, not silent determinism', () => {
    expect(() => createChannel({ kind: 'binary', flip: 0.1 }).feedback(0.1, lower, ctx())).toThrow(/rng/);
    expect(createChannel({ kind: 'binary', flip: 0 }).drawsNoise).toBe(false);
  });

  it('config: unknown channels name the allowed ids; bad fields are rejected', () => {
    let err: unknown;
    try {
      createChannel({ kind: 'telepathy' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ZodError);
    const issue = (err as ZodError).issues[0]!;
    expect(issue.path).toEqual(['kind']);
    for (const id of CHANNEL_KINDS) expect(issue.message).toContain(id);
    expect(() => createChannel('telepathy')).toThrow(/binary, hotcold, graded, scheduled/);
    expect(() => parseChannelConfig({ kind: 'binary', flip: 1.5 })).toThrow(ZodError);
    expect(() => parseChannelConfig({ kind: 'graded', flip: 0.1 })).toThrow(/Unrecognized key/);
    expect(() => parseChannelConfig({ kind: 'scheduled', schedule: 'exponential' })).toThrow(ZodError);
    expect(channelConfigSchema.parse({ kind: 'scheduled' })).toEqual({ kind: 'scheduled', schedule: 'linear', stepAt: 0.5, blend: 'mix', flip: 0, jitter: 0 });
  });
});
