// Feedback channels at their edges: exact boundaries of every strict comparison, each noise source
// with a scripted stream (so "flipped or not" and "which sign of jitter" are read exactly), the
// messages and field descriptions users read. Written from the mutation report of
// src/feedback/channels.ts (docs/testing.md). The module is imported inside the tests, so a change
// that breaks it at load time fails a test here rather than failing to load the file.
import { beforeAll, describe, expect, it } from 'vitest';
import type { ZodError } from 'zod';
import type { Stream } from '../../src/core/rng.ts';
import type { MetricSense } from '../../src/metrics/index.ts';

type Channels = typeof import('../../src/feedback/channels.ts');
let ch: Channels;
let loadError: unknown;
beforeAll(async () => {
  // Caught here and asserted in a test: a failed hook would skip the tests, and skipped tests are
  // not failures to a mutation run (a schema broken at load time would be reported as survived).
  try {
    ch = await import('../../src/feedback/channels.ts');
  } catch (err) {
    loadError = err;
  }
});

it('the channel module loads (its schemas are built at import)', () => {
  expect(loadError).toBeUndefined();
});

const lower: MetricSense = { direction: 'lower', threshold: 0.5 };
/** A stream that replays fixed uniform draws and fixed normal draws, in order. */
function scripted(uniform: number[], normal: number[] = []): Stream {
  let u = 0;
  let g = 0;
  return {
    next: () => {
      if (u >= uniform.length) throw new Error('scripted stream: no uniform draw left');
      return uniform[u++] as number;
    },
    normal: () => {
      if (g >= normal.length) throw new Error('scripted stream: no normal draw left');
      return normal[g++] as number;
    },
  } as unknown as Stream;
}
const zodMessage = (f: () => unknown): ZodError => {
  try {
    f();
  } catch (e) {
    return e as ZodError;
  }
  throw new Error('expected a ZodError');
};

describe('configuration', () => {
  it('every kind parses, with its defaults, and the channel reports its kind', () => {
    expect(ch.parseChannelConfig('binary')).toEqual({ kind: 'binary', flip: 0 });
    expect(ch.parseChannelConfig('graded')).toEqual({ kind: 'graded', jitter: 0 });
    expect(ch.parseChannelConfig('hotcold')).toEqual({ kind: 'hotcold', flip: 0, tolerance: 1e-9 });
    expect(ch.parseChannelConfig('scheduled')).toEqual({ kind: 'scheduled', schedule: 'linear', stepAt: 0.5, blend: 'mix', flip: 0, jitter: 0 });
    expect(ch.parseChannelConfig({ kind: 'scheduled', blend: 'mix' })).toMatchObject({ blend: 'mix' });
    expect(ch.parseChannelConfig({ kind: 'scheduled', blend: 'switch' })).toMatchObject({ blend: 'switch' });
    for (const kind of ch.CHANNEL_KINDS) expect(ch.createChannel(kind).kind).toBe(kind);
  });

  it('an unknown kind names the allowed ids; a bad field of a known kind keeps its own message', () => {
    const unknown = zodMessage(() => ch.parseChannelConfig({ kind: 'telepathy' }));
    expect(unknown.issues[0]?.path).toEqual(['kind']);
    expect(unknown.issues[0]?.message).toBe('a feedback channel id: one of binary, hotcold, graded, scheduled');
    const badFlip = zodMessage(() => ch.parseChannelConfig({ kind: 'binary', flip: 2 }));
    expect(badFlip.issues[0]?.path).toEqual(['flip']);
    expect(badFlip.issues[0]?.message).not.toMatch(/feedback channel id/);
    expect(badFlip.issues[0]?.message).toMatch(/1/);
  });

  it('every field carries the description users read in listings', () => {
    const options = ch.channelConfigSchema.options;
    const described = (kind: string, field: string): string => {
      const o = options.find((x) => x.shape.kind.value === kind)!;
      return (o.shape as Record<string, { description?: string }>)[field]?.description ?? '';
    };
    expect(described('binary', 'flip')).toBe('Probability that a binary or hot/cold label is flipped (seeded).');
    expect(described('hotcold', 'flip')).toBe('Probability that a binary or hot/cold label is flipped (seeded).');
    expect(described('hotcold', 'tolerance')).toBe('Rewards closer than this (absolute, metric units) count as "same".');
    expect(described('graded', 'jitter')).toBe('Standard deviation of Gaussian noise added to graded feedback, in metric units (seeded).');
    expect(described('scheduled', 'schedule')).toBe('How the weight of the binary label grows with training progress.');
    expect(described('scheduled', 'stepAt')).toBe('Progress at which the `step` schedule switches to binary.');
    expect(described('scheduled', 'blend')).toBe('mix: (1−w)·graded + w·binary; switch: binary with probability w.');
  });
});

describe('pure labels at their boundaries', () => {
  it('hot/cold: a change of exactly the tolerance is "same"; just beyond it is warmer or colder', () => {
    expect(ch.hotcoldLabel(1.5, 1, 0.5)).toBe(0);
    expect(ch.hotcoldLabel(1, 1.5, 0.5)).toBe(0);
    expect(ch.hotcoldLabel(1.5000001, 1, 0.5)).toBe(1);
    expect(ch.hotcoldLabel(1, 1.5000001, 0.5)).toBe(-1);
    expect(ch.hotcoldLabel(7, undefined, 0)).toBe(0);
  });

  it('schedule weights refuse progress outside [0, 1] and are exact at both ends', () => {
    for (const p of [-0.1, -1e-12, 1.0000001, NaN]) expect(() => ch.scheduleWeight('linear', p)).toThrow(/progress must be in \[0, 1\]/);
    for (const s of ch.SCHEDULES) {
      expect(ch.scheduleWeight(s, 0, 0.5)).toBe(0);
      expect(ch.scheduleWeight(s, 1, 0.5)).toBe(1);
    }
    expect(ch.scheduleWeight('step', 0.5, 0.5)).toBe(1);
    expect(ch.scheduleWeight('step', 0.4999, 0.5)).toBe(0);
    expect(ch.scheduleWeight('cosine', 0.5)).toBeCloseTo(0.5, 15);
  });
});

describe('noise, read exactly from a scripted stream', () => {
  it('binary: flips when the draw is below p, not when it equals p', () => {
    const c = ch.createChannel({ kind: 'binary', flip: 0.25 });
    expect(c.feedback(0.1, lower, { taskKey: 't', rng: scripted([0.25]) })).toBe(1);
    expect(c.feedback(0.1, lower, { taskKey: 't', rng: scripted([0.2499]) })).toBe(0);
    expect(c.feedback(0.9, lower, { taskKey: 't', rng: scripted([0.1]) })).toBe(1);
  });

  it('graded: jitter adds σ times the normal draw', () => {
    const c = ch.createChannel({ kind: 'graded', jitter: 0.5 });
    expect(c.feedback(2, lower, { taskKey: 't', rng: scripted([], [2]) })).toBe(-2 + 1);
    expect(c.feedback(2, { direction: 'higher', threshold: 0 }, { taskKey: 't', rng: scripted([], [-1]) })).toBe(2 - 0.5);
  });

  it('hot/cold: draws once per event; flips warmer/colder below p only, never "same"', () => {
    const c = ch.createChannel({ kind: 'hotcold', flip: 0.3 });
    expect(c.feedback(1, lower, { taskKey: 'a', rng: scripted([0.1]) })).toBe(0); // first attempt: nothing to compare
    expect(c.feedback(0.5, lower, { taskKey: 'a', rng: scripted([0.9]) })).toBe(1); // warmer, draw ≥ p: kept
    expect(c.feedback(0.25, lower, { taskKey: 'a', rng: scripted([0.3]) })).toBe(1); // draw = p: kept
    expect(c.feedback(0.5, lower, { taskKey: 'a', rng: scripted([0.29]) })).toBe(1); // colder, flipped
    expect(c.feedback(0.5, lower, { taskKey: 'a', rng: scripted([0.01]) })).toBe(0); // same: stays 0
    expect(c.snapshot()).toEqual({ a: -0.5 });
  });

  it('scheduled needs its progress and names it', () => {
    const c = ch.createChannel('scheduled');
    expect(() => c.feedback(1, lower, { taskKey: 't' })).toThrow("feedback channel 'scheduled' needs the training progress in the context");
  });

  it('scheduled (mix): the label flip and the graded jitter are applied in that order, one draw each', () => {
    // At w = 1 the output is the (possibly flipped) label; at w = 0 the (jittered) graded reward.
    const c = ch.createChannel({ kind: 'scheduled', flip: 0.5, jitter: 0.5 });
    expect(c.feedback(0.1, lower, { taskKey: 't', progress: 1, rng: scripted([0.4], [1]) })).toBe(0); // 1 flipped to 0
    expect(c.feedback(0.1, lower, { taskKey: 't', progress: 1, rng: scripted([0.5], [1]) })).toBe(1); // draw = p: kept
    expect(c.feedback(0.9, lower, { taskKey: 't', progress: 1, rng: scripted([0.1], [1]) })).toBe(1); // 0 flipped to 1
    expect(c.feedback(0.9, lower, { taskKey: 't', progress: 1, rng: scripted([0.9], [1]) })).toBe(0);
    expect(c.feedback(2, lower, { taskKey: 't', progress: 0, rng: scripted([0.9], [2]) })).toBe(-2 + 1);
    expect(c.feedback(2, lower, { taskKey: 't', progress: 0.5, rng: scripted([0.9], [2]) })).toBe(0.5 * (-2 + 1) + 0.5 * 0);
  });

  it('scheduled (switch): binary when the draw is below w, graded when it equals w', () => {
    const c = ch.createChannel({ kind: 'scheduled', blend: 'switch' });
    expect(c.drawsNoise).toBe(true);
    expect(c.feedback(0.1, lower, { taskKey: 't', progress: 0.25, rng: scripted([0.25]) })).toBe(-0.1);
    expect(c.feedback(0.1, lower, { taskKey: 't', progress: 0.25, rng: scripted([0.2]) })).toBe(1);
    expect(ch.createChannel({ kind: 'scheduled', blend: 'mix' }).drawsNoise).toBe(false);
    expect(ch.createChannel('binary').drawsNoise).toBe(false);
  });
});
