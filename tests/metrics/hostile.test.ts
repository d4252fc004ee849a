/**
 * Hostile input: generated and mutated expressions, and known escape payloads. Every input must
 * either parse and evaluate to a finite number or NaN (the documented "metric undefined" rule),
 * or be refused with a MetricError that names a position — never another error type, never a
 * stack overflow, never a hang.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { astEquals, evaluate, MetricError, parse, parseMetric, print } from '../../src/metrics/index.ts';
import { exprArb, measurementsArb, mutate, mutationArb, NAMES, tokenSoupArb } from './arbitraries.ts';

// The time bounds are about hangs (a loop or an exponential path), not about speed: inputs take
// well under a millisecond each, and a hang on them takes forever. The bounds leave room for the
// stalls of a shared machine: at a load average of 20, with two test files at once, one correctly
// refused input (`-min(1e-7,+max(…))`) passed 200 ms — a pause, not the parser.
const TOTAL_BUDGET_MS = 60_000;
const PER_INPUT_BUDGET_MS = 2_000;

const timing = { inputs: 0, totalMs: 0, maxMs: 0, slowest: '', accepted: 0, refused: new Map<string, number>() };

afterAll(() => {
  const codes = [...timing.refused.entries()].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ');
  console.info(
    `hostile inputs: ${timing.inputs} in ${timing.totalMs.toFixed(0)} ms (max ${timing.maxMs.toFixed(2)} ms per input); ` +
      `accepted ${timing.accepted}; refused: ${codes}`,
  );
});

/** Line and column of `offset`, computed independently of the parser. */
function lineColumn(src: string, offset: number): string {
  const before = src.slice(0, offset).split('\n');
  return `${before.length}:${(before[before.length - 1] as string).length + 1}`;
}

/** Parses and evaluates one input, checking the contract and timing it. */
function probe(src: string, values: Record<string, number>): void {
  const t0 = performance.now();
  let outcome: { value: number; text: string; same: boolean } | { error: unknown };
  try {
    const ast = parse(src, NAMES);
    const value = evaluate(ast, values);
    const text = print(ast);
    outcome = { value, text, same: astEquals(parse(text, NAMES), ast) };
  } catch (error) {
    outcome = { error };
  }
  const ms = performance.now() - t0;
  timing.inputs++;
  timing.totalMs += ms;
  if (ms > timing.maxMs) {
    timing.maxMs = ms;
    timing.slowest = src.slice(0, 60);
  }
  expect(ms, `slow input ${JSON.stringify(src.slice(0, 60))}`).toBeLessThan(PER_INPUT_BUDGET_MS);
  if ('error' in outcome) {
    const e = outcome.error;
    expect(e, `${JSON.stringify(src.slice(0, 80))} threw ${String(e)}`).toBeInstanceOf(MetricError);
    const me = e as MetricError;
    timing.refused.set(me.code, (timing.refused.get(me.code) ?? 0) + 1);
    expect(me.position).not.toBeNull();
    const { offset, line, column } = me.position as { offset: number; line: number; column: number };
    expect(offset).toBeGreaterThanOrEqual(0);
    expect(offset).toBeLessThanOrEqual(src.length);
    expect(`${line}:${column}`).toBe(lineColumn(src, offset));
    expect(me.message).toContain(` at ${line}:${column}`);
  } else {
    timing.accepted++;
    expect(Number.isFinite(outcome.value) || Number.isNaN(outcome.value), `${src} gave ${outcome.value}`).toBe(true);
    expect(outcome.same).toBe(true);
  }
}

const REALISTIC = [
  'restError',
  'clamp(restError / 2, 0, 1) + 0.1 * bounces',
  'if(bounces > 0, landingError, -timeInZone)',
  'threshold(timeInZone, 0.5) * (1 - minDistToTarget / 10)',
  'max(log(1 + landingError), sqrt(abs(restX - 12.5)), exp(-flightTime))',
  '(restError < 0.5) == (finalSpeed <= 1e-3)',
  '-2.5e-3 * launchEnergy + min(maxHeight, 4)',
];

describe('hostile input (10,000 generated and mutated expressions)', () => {
  it('random strings of tokens and junk (4,000)', () => {
    fc.assert(fc.property(tokenSoupArb, measurementsArb, (src, values) => probe(src, values)), { numRuns: 4000 });
  });

  it('mutations of printed random ASTs (4,000)', () => {
    const arb = fc.tuple(exprArb(), fc.array(mutationArb, { minLength: 1, maxLength: 3 }), measurementsArb);
    fc.assert(fc.property(arb, ([ast, edits, values]) => probe(mutate(print(ast), edits), values)), { numRuns: 4000 });
  });

  it('mutations of realistic metrics (2,000)', () => {
    const arb = fc.tuple(fc.constantFrom(...REALISTIC), fc.array(mutationArb, { minLength: 1, maxLength: 2 }), measurementsArb);
    fc.assert(fc.property(arb, ([src, edits, values]) => probe(mutate(src, edits), values)), { numRuns: 2000 });
  });

  it('stays inside the time bounds overall, and mutated inputs sometimes still parse', () => {
    expect(timing.inputs).toBeGreaterThanOrEqual(10_000);
    expect(timing.totalMs).toBeLessThan(TOTAL_BUDGET_MS);
    expect(timing.maxMs).toBeLessThan(PER_INPUT_BUDGET_MS);
    // Most edits break an expression (about 7% survive here); enough must survive for the fuzz
    // to exercise evaluation and the round trip, not only the error paths.
    expect(timing.accepted).toBeGreaterThan(500);
  });
});

describe('known escape payloads', () => {
  const payloads: [name: string, src: string, code: string, message: RegExp][] = [
    ['constructor chain', "constructor.constructor('return process')()", 'unknown-measurement', /^unknown measurement 'constructor' at 1:1$/],
    ['__proto__', '__proto__', 'unknown-measurement', /^unknown measurement '__proto__' at 1:1$/],
    ['toString', 'toString', 'unknown-measurement', /^unknown measurement 'toString' at 1:1$/],
    ['toString call', 'toString()', 'unknown-function', /^unknown function 'toString' at 1:1/],
    ['this', 'this', 'unknown-measurement', /^unknown measurement 'this' at 1:1$/],
    ['globalThis', 'globalThis', 'unknown-measurement', /^unknown measurement 'globalThis' at 1:1$/],
    ['process.exit', 'process.exit(1)', 'unknown-measurement', /^unknown measurement 'process' at 1:1$/],
    ['indexing an unknown', 'a[0]', 'unknown-measurement', /^unknown measurement 'a' at 1:1$/],
    ['indexing a measurement', 'restError[0]', 'unexpected-token', /at 1:10, .* there is no indexing$/],
    ['property access', 'restError.constructor', 'unexpected-token', /at 1:10, .* there is no property access$/],
    ['string', '"x"', 'unexpected-token', /^unexpected character '"' at 1:1, expected an expression — there are no strings$/],
    ['template', '`${process}`', 'unexpected-token', /there are no strings$/],
    ['eval', 'eval("1")', 'unknown-function', /^unknown function 'eval' at 1:1/],
    ['Function', 'Function("return this")()', 'unknown-function', /^unknown function 'Function' at 1:1/],
    ['arrow', 'x => x', 'unknown-measurement', /^unknown measurement 'x' at 1:1$/],
    ['statement', 'restError; process.exit()', 'unexpected-token', /^unexpected character ';' at 1:10/],
    ['100,000 (', '('.repeat(100_000), 'too-long', /^expression too long \(100000 characters, limit 2000\) at 1:2001$/],
    ['2,001 characters', 'restError + '.repeat(167).slice(0, 2001), 'too-long', /^expression too long \(2001 characters, limit 2000\) at 1:2001$/],
    ['1e999', '1e999', 'bad-number', /^number '1e999' at 1:1 is too large/],
    ['-1e999', '-1e999', 'bad-number', /^number '1e999' at 1:2 is too large/],
    ['NaN', 'NaN', 'bad-number', /^'NaN' at 1:1 is not allowed: number literals must be finite$/],
    ['Infinity', 'Infinity', 'bad-number', /^'Infinity' at 1:1 is not allowed/],
    ['abs nested 1,000 deep', 'abs('.repeat(1000) + 'restError' + ')'.repeat(1000), 'too-long', /^expression too long/],
    ['abs nested 300 deep (within length)', 'abs('.repeat(300) + 'restError' + ')'.repeat(300), 'too-deep', /^expression too deep \(limit 64\) at 1:257$/],
    ['1,999 (', '('.repeat(1999), 'too-deep', /^expression too deep \(limit 64\) at 1:65$/],
    ['1,990 unary minus', '-'.repeat(1990) + 'restError', 'too-deep', /^expression too deep \(limit 64\) at 1:65$/],
    ['long left chain', 'restError' + '+1'.repeat(995), 'too-deep', /^expression too deep \(limit 64\) at 1:136$/],
    ['600 arguments', `max(${'1,'.repeat(600)}1)`, 'too-many-nodes', /^expression too large \(limit 512 nodes\) at 1:\d+$/],
    ['2,000-character identifier', 'x'.repeat(2000), 'unknown-measurement', /^unknown measurement 'x{40}…' at 1:1$/],
    ['2,000-digit number', '9'.repeat(2000), 'bad-number', /too large/],
  ];

  for (const [name, src, code, message] of payloads) {
    it(`${name}: refused clearly and quickly`, () => {
      const t0 = performance.now();
      let error: unknown = null;
      try {
        parse(src, NAMES);
      } catch (e) {
        error = e;
      }
      const ms = performance.now() - t0;
      expect(error).toBeInstanceOf(MetricError);
      expect((error as MetricError).code).toBe(code);
      expect((error as MetricError).message).toMatch(message);
      expect(ms).toBeLessThan(PER_INPUT_BUDGET_MS); // a hang guard, not a speed target
      // Same refusal through the metric entry point.
      expect(() => parseMetric({ expression: src, direction: 'lower', threshold: 0 }, NAMES)).toThrow(MetricError);
    });
  }

  it('leaves no trace on the global object', () => {
    const before = Object.getOwnPropertyNames(globalThis).sort();
    for (const [, src] of payloads) {
      try {
        parse(src, NAMES);
      } catch {
        // refused, as asserted above
      }
    }
    expect(Object.getOwnPropertyNames(globalThis).sort()).toEqual(before);
  });
});
