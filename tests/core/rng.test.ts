import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deterministicMath, deterministicMathInstalled } from '../../src/core/detmath.ts';
import { episodeStream, namedStream, Stream } from '../../src/core/rng.ts';
import '../../src/core/runtime.ts';

describe('seeded streams', () => {
  it('the same key gives the same draws; draws lie in [0, 1)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.nat(1_000_000), (seed, ep) => {
        const a = episodeStream(seed, ep);
        const b = episodeStream(seed, ep);
        for (let i = 0; i < 20; i++) {
          const x = a.next();
          expect(x).toBe(b.next());
          expect(x >= 0 && x < 1).toBe(true);
        }
      }),
    );
  });

  it('neighbouring episodes and purposes give unrelated streams', () => {
    const firsts = new Set<number>();
    for (let e = 0; e < 2000; e++) firsts.add(episodeStream(1, e).next());
    expect(firsts.size).toBe(2000);
    expect(namedStream(1, 'task').next()).not.toBe(namedStream(1, 'action').next());
    expect(episodeStream(1, 5).next()).not.toBe(episodeStream(2, 5).next());
  });

  it('a stream does not depend on which other streams were drawn first (order independence)', () => {
    const direct = episodeStream(9, 42).next();
    for (let e = 0; e < 100; e++) episodeStream(9, e).next();
    expect(episodeStream(9, 42).next()).toBe(direct);
  });

  it('int, uniform and normal stay in range and are roughly calibrated', () => {
    const s = new Stream([3, 'calibration']);
    let sum = 0;
    let sq = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const k = s.int(2, 5);
      expect(k >= 2 && k <= 5 && Number.isInteger(k)).toBe(true);
      const z = s.normal();
      sum += z;
      sq += z * z;
    }
    // Tolerances: 20,000 draws give a standard error of ~0.007 on the mean and ~0.01 on the variance.
    expect(Math.abs(sum / n)).toBeLessThan(0.04);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.06);
  });
});

describe('deterministic math', () => {
  it('is installed by the runtime and replaces the transcendental functions', () => {
    expect(deterministicMathInstalled()).toBe(true);
    expect(Math.sin).toBe(deterministicMath.sin);
    expect(Math.atan2).toBe(deterministicMath.atan2);
    expect(Math.exp).toBe(deterministicMath.exp);
  });
  it('is accurate (sin² + cos² = 1 within 1e-15; tolerance: two rounded products and a sum)', () => {
    fc.assert(
      fc.property(fc.double({ min: -100, max: 100, noNaN: true }), (x) => {
        expect(Math.abs(Math.sin(x) ** 2 + Math.cos(x) ** 2 - 1)).toBeLessThan(1e-15);
      }),
    );
  });
});
