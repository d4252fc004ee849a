import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { astEquals, build, evaluate, MetricError, parse, print, stripPositions, type Expr } from '../../src/metrics/index.ts';
import { exprArb, measurementsArb, NAMES } from './arbitraries.ts';

const { num, ref, neg, binary, compare, call } = build;
const roundTrip = (ast: Expr): Expr => stripPositions(parse(print(ast), NAMES));

describe('print', () => {
  it('normalises spacing and drops redundant parentheses', () => {
    expect(print(parse('((restError))+(1*2)', NAMES))).toBe('restError + 1 * 2');
    expect(print(parse('max( 1 ,2,(3) )', NAMES))).toBe('max(1, 2, 3)');
    expect(print(parse('(1<2)', NAMES))).toBe('1 < 2');
  });

  it('keeps the parentheses the structure needs', () => {
    expect(print(binary('*', binary('+', num(1), num(2)), num(3)))).toBe('(1 + 2) * 3');
    expect(print(binary('-', num(1), binary('-', num(2), num(3))))).toBe('1 - (2 - 3)');
    expect(print(binary('-', binary('-', num(1), num(2)), num(3)))).toBe('1 - 2 - 3');
    expect(print(binary('/', num(8), binary('/', num(4), num(2))))).toBe('8 / (4 / 2)');
    expect(print(binary('+', num(1), binary('+', num(2), num(3))))).toBe('1 + (2 + 3)');
    expect(print(compare('<', compare('<', num(1), num(2)), num(3)))).toBe('(1 < 2) < 3');
    expect(print(binary('*', compare('<', num(1), num(2)), num(3)))).toBe('(1 < 2) * 3');
    expect(print(neg(binary('+', ref('restError'), num(1))))).toBe('-(restError + 1)');
    expect(print(call('abs', compare('>', ref('restError'), num(1))))).toBe('abs(restError > 1)');
  });

  it('negative literals versus negated literals', () => {
    expect(print(num(-2))).toBe('-2');
    expect(print(neg(num(2)))).toBe('-(2)');
    expect(print(neg(num(-2)))).toBe('-(-2)');
    expect(print(neg(neg(num(2))))).toBe('--(2)');
    expect(print(neg(neg(ref('restError'))))).toBe('--restError');
    expect(print(num(-0))).toBe('-0');
    expect(print(binary('-', num(1), num(-2)))).toBe('1 - -2');
    expect(print(binary('*', num(-2), ref('restError')))).toBe('-2 * restError');
    for (const ast of [num(-2), neg(num(2)), neg(num(-2)), neg(neg(num(2))), num(-0), neg(num(0)), binary('-', num(1), num(-2))]) {
      expect(roundTrip(ast)).toEqual(ast);
    }
  });

  it('prints numbers in a form that reads back exactly', () => {
    for (const v of [0.1 + 0.2, 1e21, 1e-7, 5e-324, Number.MAX_VALUE, 123456789012345680000, -1.5e-300]) {
      expect(roundTrip(num(v))).toEqual(num(v));
    }
  });

  it('refuses an invalid AST with MetricError', () => {
    expect(() => print(num(NaN))).toThrow(MetricError);
    expect(() => print(num(Infinity))).toThrow(MetricError);
    expect(() => print(call('clamp', num(1)))).toThrow(/clamp\(x, lo, hi\) given 1 argument/);
    expect(() => print({ type: 'member', object: ref('x') } as unknown as Expr)).toThrow(MetricError);
  });
});

describe('round trip (property)', () => {
  it('parse(print(ast)) equals ast structurally, for random valid ASTs', () => {
    fc.assert(
      fc.property(exprArb(), (ast) => {
        const back = parse(print(ast), NAMES);
        expect(astEquals(back, ast)).toBe(true);
        expect(stripPositions(back)).toEqual(ast);
      }),
      { numRuns: 3000 },
    );
  });

  it('printing is idempotent and evaluation is unchanged by a round trip', () => {
    fc.assert(
      fc.property(exprArb(), measurementsArb, (ast, m) => {
        const text = print(ast);
        const back = parse(text, NAMES);
        expect(print(back)).toBe(text);
        expect(Object.is(evaluate(back, m), evaluate(ast, m))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips random chains exactly at the depth limit (every parenthesis the printer adds must fit)', () => {
    const wrappers: ((x: Expr) => Expr)[] = [
      (x) => neg(x),
      (x) => call('abs', x),
      (x) => call('min', x, num(1)),
      (x) => binary('-', num(1), x),
      (x) => binary('-', x, num(1)),
      (x) => binary('/', num(2), x),
      (x) => binary('*', x, num(-2)),
      (x) => compare('<', num(1), x),
      (x) => compare('>=', x, num(1)),
    ];
    const leaf = fc.constantFrom<Expr>(num(2), num(-2), num(-0), ref('restError'));
    const chain = fc.tuple(leaf, fc.array(fc.integer({ min: 0, max: wrappers.length - 1 }), { minLength: 63, maxLength: 63 }));
    fc.assert(
      fc.property(chain, ([start, picks]) => {
        const ast = picks.reduce<Expr>((x, i) => (wrappers[i] as (x: Expr) => Expr)(x), start);
        expect(roundTrip(ast)).toEqual(ast);
        // One more level is refused by the printer (invalid AST) and by the parser.
        expect(() => print(neg(ast))).toThrow(MetricError);
        expect(() => parse(`-(${print(ast)})`, NAMES)).toThrow(/too deep/);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips ASTs at the depth limit', () => {
    let chain: Expr = ref('restError');
    for (let i = 1; i < 64; i++) chain = i % 3 === 0 ? neg(chain) : i % 3 === 1 ? binary('-', num(1), chain) : call('abs', chain);
    expect(roundTrip(chain)).toEqual(chain);
    let negLit: Expr = num(2);
    for (let i = 1; i < 64; i++) negLit = neg(negLit);
    expect(roundTrip(negLit)).toEqual(negLit);
  });
});
