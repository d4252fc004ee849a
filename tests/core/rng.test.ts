import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deterministicMath, deterministicMathInstalled } from '../../src/core/detmath.ts';
import { episodeStream, namedStream, Stream } from '../../src/core/rng.ts';
import '../../src/core/runtime.ts';
import { ulps } from './ulps.ts';

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
  it('agrees with an independent reference: within 1 ulp of a fresh realm\'s native Math on 2,000 inputs each', () => {
    // The reference is V8's own Math from a new vm context (untouched by the runtime's install),
    // correctly rounded or off by one ulp itself; DESIGN.md measured one-ulp differences between
    // runtimes, so 1 ulp is the tolerance a faithful implementation must meet, and more is a bug.
    const native = runInNewContext('Math') as Math;
    expect(native.sin).not.toBe(Math.sin);
    // Normal doubles and zero here; subnormals, infinities and signed zeros (where this test once
    // found atan2(-5e-324, -2) = +π, native −π; fixed in detmath.ts) are in detmath-edges.test.ts.
    const normal = (min: number, max: number): fc.Arbitrary<number> => fc.double({ min, max, noNaN: true }).filter((v) => v === 0 || Math.abs(v) >= 2.2250738585072014e-308);
    const cases: [string, (x: number, y: number) => number, (x: number, y: number) => number, fc.Arbitrary<[number, number]>][] = [
      ['sin', (x) => deterministicMath.sin(x), (x) => native.sin(x), fc.tuple(normal(-100, 100), fc.constant(0))],
      ['cos', (x) => deterministicMath.cos(x), (x) => native.cos(x), fc.tuple(normal(-100, 100), fc.constant(0))],
      ['tan', (x) => deterministicMath.tan(x), (x) => native.tan(x), fc.tuple(normal(-1.5, 1.5), fc.constant(0))],
      ['exp', (x) => deterministicMath.exp(x), (x) => native.exp(x), fc.tuple(normal(-700, 700), fc.constant(0))],
      ['log', (x) => deterministicMath.log(x), (x) => native.log(x), fc.tuple(normal(1e-300, 1e300), fc.constant(0))],
      ['atan', (x) => deterministicMath.atan(x), (x) => native.atan(x), fc.tuple(normal(-1e6, 1e6), fc.constant(0))],
      ['asin', (x) => deterministicMath.asin(x), (x) => native.asin(x), fc.tuple(normal(-1, 1), fc.constant(0))],
      ['acos', (x) => deterministicMath.acos(x), (x) => native.acos(x), fc.tuple(normal(-1, 1), fc.constant(0))],
      ['atan2', (y, x) => deterministicMath.atan2(y, x), (y, x) => native.atan2(y, x), fc.tuple(normal(-100, 100), normal(-100, 100))],
      ['pow', (x, y) => deterministicMath.pow(x, y), (x, y) => native.pow(x, y), fc.tuple(normal(1e-3, 1e3), normal(-20, 20))],
    ];
    for (const [name, det, ref, arb] of cases) {
      fc.assert(
        fc.property(arb, ([x, y]) => {
          expect(Math.abs(ulps(det(x, y), ref(x, y))), `${name}(${x}, ${y})`).toBeLessThanOrEqual(1);
        }),
        { seed: 20261206, numRuns: 2000 },
      );
    }
    // Exact values a correct implementation must return.
    expect([deterministicMath.sin(0), deterministicMath.cos(0), deterministicMath.exp(0), deterministicMath.log(1)]).toEqual([0, 1, 1, 0]);
    expect(deterministicMath.atan2(0, -1)).toBe(Math.PI);
    expect(deterministicMath.pow(2, 10)).toBe(1024);
  });
});
