/**
 * Shared fast-check arbitraries for the metric-language tests: random valid ASTs over the
 * projectile world's measurement names, and hostile text built from the language's tokens.
 */
import fc from 'fast-check';
import { build, checkAst, type Expr, type FunctionName } from '../../src/metrics/index.ts';
import { projectile } from '../../worlds/projectile.ts';

/** The real measurement names of the projectile world. */
export const NAMES: readonly string[] = projectile.measurements.map((m) => m.name);

/** Finite literals, weighted towards the awkward ones: -0, tiny, huge, many digits. */
export const literalArb: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.constantFrom(0, -0, 0.5, -0.5, 1e21, 1e-7, -1e-7, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 0.1 + 0.2),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const fixedArity: readonly [FunctionName, number][] = [
  ['abs', 1],
  ['log', 1],
  ['exp', 1],
  ['sqrt', 1],
  ['clamp', 3],
  ['threshold', 2],
  ['if', 3],
];

/** Random valid ASTs (no positions), depth-limited and filtered to the language's limits. */
export function exprArb(maxDepth = 7): fc.Arbitrary<Expr> {
  const { expr } = fc.letrec<{ expr: Expr }>((tie) => {
    const sub = tie('expr');
    return {
      expr: fc.oneof(
        { maxDepth, depthSize: 'small', withCrossShrink: true },
        literalArb.map(build.num),
        fc.constantFrom(...NAMES).map(build.ref),
        sub.map(build.neg),
        fc.tuple(fc.constantFrom('+', '-', '*', '/' as const), sub, sub).map(([op, l, r]) => build.binary(op, l, r)),
        fc.tuple(fc.constantFrom('<', '<=', '>', '>=', '==', '!=' as const), sub, sub).map(([op, l, r]) => build.compare(op, l, r)),
        fc.tuple(fc.constantFrom(...fixedArity), fc.array(sub, { minLength: 3, maxLength: 3 })).map(([[fn, n], args]) => build.call(fn, ...args.slice(0, n))),
        fc.tuple(fc.constantFrom('min', 'max' as const), fc.array(sub, { minLength: 1, maxLength: 4 })).map(([fn, args]) => build.call(fn, ...args)),
      ),
    };
  });
  return expr.filter((ast) => {
    try {
      checkAst(ast);
      return true;
    } catch {
      return false;
    }
  });
}

/** The language's own tokens. */
export const LANGUAGE_TOKENS: readonly string[] = [
  ...NAMES.slice(0, 4),
  'abs', 'min', 'max', 'log', 'exp', 'sqrt', 'clamp', 'threshold', 'if',
  '(', ')', ',', '+', '-', '*', '/', '<', '<=', '>', '>=', '==', '!=',
  '0', '1', '2.5', '.5', '5.', '1e3', '1e+3', '2E-3', '1e308', '1e-320', '9'.repeat(400),
  ' ', '\n', '\t', '\r\n',
];

/** Escape-attempt words and junk characters. */
export const JUNK_TOKENS: readonly string[] = [
  'constructor', '__proto__', 'toString', 'prototype', 'valueOf', 'this', 'globalThis', 'process', 'NaN', 'Infinity',
  '.', '[', ']', '{', '}', '"', "'", '`', '=', '!', '^', '#', '$', ';', ':', '?', '\\', '&&', '||', '=>', '@', '%', '~',
  'e', 'E', '_', '\u0000', '\u007f', '\u00a0', '\u2028', 'é', '😀', '\ud800', '\udfff',
];

/** Everything the generators draw from. */
export const TOKENS: readonly string[] = [...LANGUAGE_TOKENS, ...JUNK_TOKENS];

/** Random strings of tokens and junk; sometimes repeated to reach the length and depth limits. */
export const tokenSoupArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((ts) => ts.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 700 }))
      .map(([ts, n]) => ts.join('').repeat(n)),
  },
);

/** One edit to a string: insert a token, delete a span, or replace a character by a token. */
export type Mutation = { kind: 'insert' | 'replace'; at: number; token: string; spaced: boolean } | { kind: 'delete'; at: number; length: number };

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('insert' as const, 'replace' as const),
    at: fc.nat(),
    token: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...LANGUAGE_TOKENS) },
      { weight: 2, arbitrary: fc.constantFrom(...JUNK_TOKENS) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 2 }) },
    ),
    // A token inserted with spaces around it is a token-level edit, not a character-level one.
    spaced: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 4 }) }),
);

/** Applies edits in order (positions wrap around the current length). */
export function mutate(text: string, edits: readonly Mutation[]): string {
  let s = text;
  for (const m of edits) {
    const at = m.at % (s.length + 1);
    if (m.kind === 'delete') s = s.slice(0, at) + s.slice(at + m.length);
    else s = s.slice(0, at) + (m.spaced ? ` ${m.token} ` : m.token) + s.slice(m.kind === 'insert' ? at : at + 1);
  }
  return s;
}

/** Measurement records with hostile values too: NaN, ±Infinity, -0, extremes; names may be missing. */
export const measurementsArb: fc.Arbitrary<Record<string, number>> = fc.dictionary(
  fc.constantFrom(...NAMES),
  fc.oneof(fc.double(), fc.constantFrom(0, -0, NaN, Infinity, -Infinity, Number.MAX_VALUE, 5e-324)),
);
