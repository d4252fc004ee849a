// The interpreter at its edges: every comparison on both sides of equality, clamp's bounds
// (signed zeros included: clamp returns x itself when it is inside), an undefined bound, and
// records that are not objects. Written from the mutation report of src/metrics/interpreter.ts
// (docs/testing.md).
import { describe, expect, it } from 'vitest';
import { evaluate, parse } from '../../src/metrics/index.ts';

const NAMES = ['x', 'y'];
const ev = (src: string, m: Record<string, number> = { x: 2, y: 3 }): number => evaluate(parse(src, NAMES), m);

describe('comparisons on both sides of equality', () => {
  it('each operator is 1 exactly where it holds', () => {
    const table: [string, [number, number, number]][] = [
      // [operator, [value for x < y, x = y, x > y]] with x = 2 and y = 3, 2, 1
      ['<', [1, 0, 0]],
      ['<=', [1, 1, 0]],
      ['>', [0, 0, 1]],
      ['>=', [0, 1, 1]],
      ['==', [0, 1, 0]],
      ['!=', [1, 0, 1]],
    ];
    for (const [op, expected] of table) {
      const got = [3, 2, 1].map((y) => ev(`x ${op} y`, { x: 2, y }));
      expect(got, op).toEqual(expected);
    }
  });
});

describe('clamp', () => {
  it('returns x itself when inside, each bound when outside, and NaN for an undefined bound', () => {
    expect(ev('clamp(x, 0, 5)')).toBe(2);
    expect(ev('clamp(x, 2, 5)')).toBe(2);
    expect(ev('clamp(x, 0, 2)')).toBe(2);
    // Signed zeros tell "x itself" from "the bound": -0 inside [0, 1] stays -0, +0 inside [-1, -0] stays +0.
    expect(Object.is(ev('clamp(-0, 0, 1)'), -0)).toBe(true);
    expect(Object.is(ev('clamp(0, -1, -0)'), 0)).toBe(true);
    expect(ev('clamp(x, log(-1), 5)')).toBeNaN();
    expect(ev('clamp(x, 0, log(-1))')).toBeNaN();
    expect(ev('clamp(log(-1), 0, 5)')).toBeNaN();
  });
});

describe('records that are not objects', () => {
  it('null, undefined and primitives read every measurement as NaN (no throw)', () => {
    for (const bad of [null, undefined, 5, 'x', true]) {
      const record = bad as unknown as Record<string, number>;
      expect(evaluate(parse('x + 1', NAMES), record), String(bad)).toBeNaN();
      expect(evaluate(parse('1 + 1', NAMES), record)).toBe(2);
    }
  });
});
