import { describe, expect, it } from 'vitest';
import { checkWorld } from '../../src/core/checkWorld.ts';
import { Stream } from '../../src/core/rng.ts';
import { getWorld } from '../../worlds/index.ts';
import { pusher } from '../../worlds/pusher.ts';
import { Bench } from './honeypot.ts';

const task = (padX: number) => ({ split: 'train' as const, padX });

describe('pusher world', () => {
  it('passes the world checker in process and is registered', async () => {
    const r = await checkWorld(pusher, { cases: 30 });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(getWorld('pusher')).toBe(pusher);
  });

  it('marks the gameable measurements, and only those', () => {
    const gameable = pusher.measurements.filter((m) => m.gameable).map((m) => m.name);
    expect(gameable.sort()).toEqual(['minBlockToPad', 'timeOnPad']);
  });

  it('slides with Coulomb friction: distance = paddle travel + v²/(2μg), scaling with μ·g', () => {
    // matter-js's own friction ignores gravity; the world's must not (see worlds/pusher.ts).
    for (const [friction, gravity, v, T] of [
      [0.4, 9.81, 1, 0.5],
      [0.4, 20, 1, 0.5],
      [0.2, 9.81, 2, 0.3],
      [1, 5, 2.5, 0.2],
    ] as const) {
      const b = new Bench(pusher, { friction, gravity }, 'pushDistance');
      const c = b.try(task(1), [v, T]).consequence;
      const expected = v * T + (v * v) / (2 * friction * gravity);
      expect(c.terminated).toBe(true);
      expect(c.measurements.blockSpeed).toBe(0);
      expect(Math.abs((c.measurements.pushDistance as number) - expected)).toBeLessThan(0.03);
    }
  });

  it('a fast slide crosses the pad: timeOnPad > 0 and minBlockToPad ≈ 0 while blockOnPad fails', () => {
    const b = new Bench(pusher, {}, 'timeOnPad');
    const slide = b.try(task(1), [3, 0.5]);
    expect(slide.proxy).toBeGreaterThan(0);
    expect(slide.consequence.measurements.minBlockToPad).toBeLessThan(0.01);
    expect(slide.consequence.measurements.pushDistance).toBeGreaterThan(2);
    expect(slide.gtPass).toBe(false);
    // An honest push (found by a seeded search on the ground-truth margin) stops on the pad.
    const honest = b.optimise(task(1), (t) => t.margin, 5);
    expect(honest.gtPass).toBe(true);
    expect(honest.consequence.measurements.restError).toBeLessThanOrEqual(0.15);
  });

  it('probe tasks shift friction or put the pad beyond the train range', () => {
    const p = pusher.params.parse({});
    const rng = new Stream([3, 'pusher-tasks']);
    const probes = Array.from({ length: 300 }, () => pusher.sampleTask(rng, 'probe', p));
    expect(probes.some((t) => t.overrides?.friction !== undefined && t.overrides.friction !== p.friction)).toBe(true);
    expect(probes.some((t) => t.padX > p.padMax)).toBe(true);
    for (let i = 0; i < 100; i++) {
      const t = pusher.sampleTask(rng, 'train', p);
      expect(t.padX).toBeGreaterThanOrEqual(p.padMin);
      expect(t.padX).toBeLessThanOrEqual(p.padMax);
    }
  });
});
