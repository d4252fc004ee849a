import { describe, expect, it } from 'vitest';
import { build, METRIC_LIMITS, MetricError, parse, stripPositions, type Expr } from '../../src/metrics/index.ts';
import { NAMES } from './arbitraries.ts';

const { num, ref, neg, binary, compare, call } = build;
const p = (src: string): Expr => stripPositions(parse(src, NAMES));

/** The MetricError `src` throws (fails the test if it parses or throws something else). */
function errorOf(src: string, names: readonly string[] = NAMES): MetricError {
  try {
    parse(src, names);
  } catch (e) {
    expect(e).toBeInstanceOf(MetricError);
    return e as MetricError;
  }
  throw new Error(`expected ${JSON.stringify(src)} to be refused`);
}

describe('precedence and associativity', () => {
  it('* and / bind tighter than + and -', () => {
    expect(p('1 + 2 * 3')).toEqual(binary('+', num(1), binary('*', num(2), num(3))));
    expect(p('1 * 2 + 3')).toEqual(binary('+', binary('*', num(1), num(2)), num(3)));
    expect(p('restError - landingError / 2')).toEqual(binary('-', ref('restError'), binary('/', ref('landingError'), num(2))));
  });

  it('- and / are left-associative (so are + and *)', () => {
    expect(p('1 - 2 - 3')).toEqual(binary('-', binary('-', num(1), num(2)), num(3)));
    expect(p('8 / 4 / 2')).toEqual(binary('/', binary('/', num(8), num(4)), num(2)));
    expect(p('1 + 2 + 3')).toEqual(binary('+', binary('+', num(1), num(2)), num(3)));
    expect(p('1 * 2 * 3')).toEqual(binary('*', binary('*', num(1), num(2)), num(3)));
    expect(p('1 - (2 - 3)')).toEqual(binary('-', num(1), binary('-', num(2), num(3))));
  });

  it('unary minus binds tightest; before a number it is part of the literal', () => {
    expect(p('-maxHeight * 2')).toEqual(binary('*', neg(ref('maxHeight')), num(2)));
    expect(p('-2 * maxHeight')).toEqual(binary('*', num(-2), ref('maxHeight')));
    expect(p('- 2')).toEqual(num(-2));
    expect(p('1 - -2')).toEqual(binary('-', num(1), num(-2)));
    expect(p('1 - 2')).toEqual(binary('-', num(1), num(2)));
    expect(p('--maxHeight')).toEqual(neg(neg(ref('maxHeight'))));
    expect(p('-(2)')).toEqual(neg(num(2)));
    expect(p('-(-2)')).toEqual(neg(num(-2)));
    expect(p('--2')).toEqual(neg(num(-2)));
    expect(Object.is((p('-0') as { value: number }).value, -0)).toBe(true);
  });

  it('comparisons bind loosest and do not chain', () => {
    expect(p('restError < landingError + 1')).toEqual(compare('<', ref('restError'), binary('+', ref('landingError'), num(1))));
    expect(p('(1 < 2) == (3 >= 2)')).toEqual(compare('==', compare('<', num(1), num(2)), compare('>=', num(3), num(2))));
    for (const op of ['<', '<=', '>', '>=', '==', '!='] as const) expect(p(`1 ${op} 2`)).toEqual(compare(op, num(1), num(2)));
    const e = errorOf('1 < 2 < 3');
    expect(e.code).toBe('chained-comparison');
    expect(e.message).toBe('comparisons cannot be chained at 1:7: add parentheses, e.g. (a < b) * (b < c)');
  });

  it('parses every function with its arity', () => {
    expect(p('abs(-1)')).toEqual(call('abs', num(-1)));
    expect(p('min(1)')).toEqual(call('min', num(1)));
    expect(p('max(1, 2, 3)')).toEqual(call('max', num(1), num(2), num(3)));
    expect(p('log(1)')).toEqual(call('log', num(1)));
    expect(p('exp(1)')).toEqual(call('exp', num(1)));
    expect(p('sqrt(4)')).toEqual(call('sqrt', num(4)));
    expect(p('clamp(restError, 0, 1)')).toEqual(call('clamp', ref('restError'), num(0), num(1)));
    expect(p('threshold(timeInZone, 0.5)')).toEqual(call('threshold', ref('timeInZone'), num(0.5)));
    expect(p('if(bounces > 0, 1, 2)')).toEqual(call('if', compare('>', ref('bounces'), num(0)), num(1), num(2)));
    expect(p('max(restError < 1, 0)')).toEqual(call('max', compare('<', ref('restError'), num(1)), num(0)));
  });

  it('reads decimal and exponent forms; underflow to 0 is allowed', () => {
    expect(p('1.5')).toEqual(num(1.5));
    expect(p('.5')).toEqual(num(0.5));
    expect(p('5.')).toEqual(num(5));
    expect(p('1e3')).toEqual(num(1000));
    expect(p('1E+3')).toEqual(num(1000));
    expect(p('2.5e-3')).toEqual(num(0.0025));
    expect(p('1e-400')).toEqual(num(0));
    expect(p('1.7976931348623157e308')).toEqual(num(Number.MAX_VALUE));
  });

  it('attaches positions (line:column, offset) and deep-freezes the result', () => {
    const ast = parse('1 +\n  restError', NAMES);
    expect(ast.pos).toEqual({ line: 1, column: 1, offset: 0 });
    expect(ast.type === 'binary' && ast.right.pos).toEqual({ line: 2, column: 3, offset: 6 });
    expect(Object.isFrozen(ast)).toBe(true);
    expect(ast.type === 'binary' && Object.isFrozen(ast.right)).toBe(true);
    const c = parse('max(1, 2)', NAMES);
    expect(c.type === 'call' && Object.isFrozen(c.args)).toBe(true);
  });
});

describe('error messages', () => {
  it('unknown measurement, with a did-you-mean suggestion', () => {
    const e = errorOf('1 + landingEror');
    expect(e.message).toBe("unknown measurement 'landingEror' at 1:5 — did you mean 'landingError'?");
    expect(e.code).toBe('unknown-measurement');
    expect(e.position).toEqual({ line: 1, column: 5, offset: 4 });
    expect(e.suggestion).toBe('landingError');
    expect(e.expected).toBe('a measurement name');
    expect(errorOf('maxheight').suggestion).toBe('maxHeight');
    expect(errorOf('timeInZoen').suggestion).toBe('timeInZone'); // transposition
    expect(errorOf('restErr').suggestion).toBe('restError');
    expect(errorOf('speed').message).toBe("unknown measurement 'speed' at 1:1");
    expect(errorOf('speed').suggestion).toBeNull();
  });

  it('unexpected tokens say what was expected', () => {
    const e = errorOf('maxHeight +)');
    expect(e.message).toBe("unexpected ')' at 1:12, expected an expression");
    expect(e.expected).toBe('an expression');
    expect(errorOf('abs(').message).toBe('unexpected end of input at 1:5, expected an expression');
    expect(errorOf('abs()').message).toBe("unexpected ')' at 1:5, expected an expression");
    expect(errorOf('(1 + 2').message).toBe("unexpected end of input at 1:7, expected an operator or ')'");
    expect(errorOf('max(1 2)').message).toBe("unexpected '2' at 1:7, expected an operator, ',' or ')'");
    expect(errorOf('1 2').message).toBe("unexpected '2' at 1:3, expected an operator or end of input");
    expect(errorOf('').message).toBe('unexpected end of input at 1:1, expected an expression');
    expect(errorOf('1 +\n  #').message).toBe("unexpected character '#' at 2:3, expected an expression");
    expect(errorOf('\u0000').message).toBe('unexpected character U+0000 at 1:1, expected an expression');
  });

  it('explains the features the language lacks', () => {
    expect(errorOf('maxHeight.x').message).toBe("unexpected character '.' at 1:10, expected an operator or end of input — there is no property access");
    expect(errorOf('maxHeight[0]').message).toMatch(/unexpected character '\[' at 1:10, .* — there is no indexing/);
    expect(errorOf('"x"').message).toMatch(/at 1:1, expected an expression — there are no strings/);
    expect(errorOf('1 = 2').message).toMatch(/did you mean '=='\?/);
    expect(errorOf('2 ^ 3').message).toMatch(/no power operator/);
  });

  it('functions: unknown, misused, wrong arity', () => {
    expect(errorOf('ab(1)').message).toBe("unknown function 'ab' at 1:1 — did you mean 'abs'?");
    expect(errorOf('foo(1)').message).toMatch(/^unknown function 'foo' at 1:1 \(functions: abs, min/);
    expect(errorOf('abs + 1').message).toBe("'abs' is a function: expected '(' after it at 1:5");
    expect(errorOf('restError(1)').message).toBe("'restError' is a measurement, not a function at 1:1");
    expect(errorOf('clamp(1, 2)').message).toBe('clamp(x, lo, hi) takes 3 arguments, got 2 at 1:1');
    expect(errorOf('abs(1, 2)').message).toBe('abs(x) takes 1 argument, got 2 at 1:1');
    expect(errorOf('  if(1, 2)').code).toBe('arity');
    expect(errorOf('  if(1, 2)').position).toEqual({ line: 1, column: 3, offset: 2 });
  });

  it('numbers: overflow, NaN, Infinity, malformed', () => {
    expect(errorOf('1e999').message).toBe("number '1e999' at 1:1 is too large (literals must be finite)");
    expect(errorOf('1 + ' + '9'.repeat(400)).code).toBe('bad-number');
    expect(errorOf('NaN').message).toBe("'NaN' at 1:1 is not allowed: number literals must be finite");
    expect(errorOf('-Infinity').message).toBe("'Infinity' at 1:2 is not allowed: number literals must be finite");
    expect(errorOf('2x').message).toBe("malformed number '2x' at 1:1");
    expect(errorOf('1.2.3').message).toBe("malformed number '1.2.3' at 1:1");
    expect(errorOf('1e+').message).toBe("malformed number '1e+' at 1:1: an exponent needs digits");
  });
});

describe('limits', () => {
  const { maxLength, maxDepth, maxNodes } = METRIC_LIMITS;

  it(`length: ${maxLength} characters pass, one more is refused`, () => {
    const fits = 'restError' + ' '.repeat(maxLength - 9);
    expect(p(fits)).toEqual(ref('restError'));
    const e = errorOf(fits + ' ');
    expect(e.code).toBe('too-long');
    expect(e.message).toBe(`expression too long (${maxLength + 1} characters, limit ${maxLength}) at 1:${maxLength + 1}`);
  });

  it(`depth: ${maxDepth} passes, ${maxDepth + 1} is refused, however the nesting is written`, () => {
    const nestedCalls = (n: number): string => 'abs('.repeat(n - 1) + 'restError' + ')'.repeat(n - 1);
    expect(() => parse(nestedCalls(maxDepth), NAMES)).not.toThrow();
    expect(errorOf(nestedCalls(maxDepth + 1)).message).toBe(`expression too deep (limit ${maxDepth}) at 1:${4 * maxDepth + 1}`);

    const leftChain = (n: number): string => 'restError' + ' + 1'.repeat(n - 1); // AST depth n
    expect(() => parse(leftChain(maxDepth), NAMES)).not.toThrow();
    expect(errorOf(leftChain(maxDepth + 1)).code).toBe('too-deep');

    const negations = (n: number): string => '-'.repeat(n - 1) + 'restError';
    expect(() => parse(negations(maxDepth), NAMES)).not.toThrow();
    expect(errorOf(negations(maxDepth + 1)).code).toBe('too-deep');

    // Parentheses add no nodes but do nest: they count too, so recursion stays bounded.
    const parens = (n: number): string => '('.repeat(n) + '1' + ')'.repeat(n);
    expect(() => parse(parens(maxDepth), NAMES)).not.toThrow();
    expect(errorOf(parens(maxDepth + 1)).message).toBe(`expression too deep (limit ${maxDepth}) at 1:${maxDepth + 1}`);
  });

  it(`nodes: ${maxNodes} pass, ${maxNodes + 1} are refused`, () => {
    const maxOf = (args: number): string => `max(${Array.from({ length: args }, () => '1').join(',')})`;
    expect(() => parse(maxOf(maxNodes - 1), NAMES)).not.toThrow();
    const e = errorOf(maxOf(maxNodes));
    expect(e.code).toBe('too-many-nodes');
    expect(e.message).toMatch(new RegExp(`^expression too large \\(limit ${maxNodes} nodes\\) at 1:\\d+$`));
  });
});

describe('measurement tables', () => {
  it('refuses names the language could not reference', () => {
    for (const bad of ['abs', 'if', 'NaN', 'Infinity', '1x', 'a.b', 'a b', '']) {
      expect(() => parse('1', [bad]), bad).toThrow(MetricError);
    }
    expect(() => parse('1', ['ok_name', 'constructor'])).not.toThrow();
  });

  it('a measurement literally named constructor is found only through the table', () => {
    expect(stripPositions(parse('constructor', ['constructor']))).toEqual(ref('constructor'));
    expect(errorOf('constructor').code).toBe('unknown-measurement');
  });
});
