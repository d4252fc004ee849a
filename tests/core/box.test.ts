import { describe, expect, it } from 'vitest';
import { Box } from '../../src/core/box.ts';
import { Stream } from '../../src/core/rng.ts';

const box = { names: ['angle', 'speed'], low: [5, 1], high: [85, 15], units: ['deg', 'm/s'] } as const;

describe('Box', () => {
  it('samples one uniform draw per dimension, in order, from the stream (the draws every caller made by hand before)', () => {
    const a = Box.sample(box, new Stream([1, 'action', 3]));
    const rng = new Stream([1, 'action', 3]);
    expect(a).toEqual([rng.uniform(5, 85), rng.uniform(1, 15)]);
    for (let e = 0; e < 200; e++) {
      const [angle, speed] = Box.sample(box, new Stream([2, e]));
      expect(angle).toBeGreaterThanOrEqual(5);
      expect(angle).toBeLessThan(85);
      expect(speed).toBeGreaterThanOrEqual(1);
      expect(speed).toBeLessThan(15);
    }
  });

  it('clips into the box, per dimension or whole vectors (in place too)', () => {
    expect(Box.clipAt(box, 0, 100)).toBe(85);
    expect(Box.clipAt(box, 1, -3)).toBe(1);
    expect(Box.clipAt(box, 1, 7)).toBe(7);
    expect(Box.clip(box, [0, 20])).toEqual([5, 15]);
    const v = new Float64Array([50, 0.5]);
    expect(Box.clip(box, v, v)).toBe(v);
    expect([...v]).toEqual([50, 1]);
  });

  it('scales to [-1, 1] and back', () => {
    expect(Box.toUnit(box, 0, 5)).toBe(-1);
    expect(Box.toUnit(box, 0, 85)).toBe(1);
    expect(Box.toUnit(box, 0, 45)).toBe(0);
    expect(Box.fromUnit(box, 1, -1)).toBe(1);
    expect(Box.fromUnit(box, 1, 1)).toBe(15);
    for (const x of [5, 12.5, 40, 84.9]) expect(Box.fromUnit(box, 0, Box.toUnit(box, 0, x))).toBeCloseTo(x, 12);
    expect(Box.mid(box)).toEqual([45, 8]);
    expect(Box.halfRange(box)).toEqual([40, 7]);
  });
});
