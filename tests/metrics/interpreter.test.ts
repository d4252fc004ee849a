import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { build, compile, evaluate, MetricError, parse, type Expr } from '../../src/metrics/index.ts';
import { exprArb, measurementsArb, NAMES } from './arbitraries.ts';

const m = { restError: 3, landingError: 2, maxHeight: 10, timeInZone: 0.5, bounces: 0 };
const ev = (src: string, measurements: Record<string, number> = m): number => evaluate(parse(src, NAMES), measurements);

describe('arithmetic and precedence', () => {
  it('evaluates operators with the usual precedence and left-associativity', () => {
    expect(ev('1 + 2 * 3')).toBe(7);
    expect(ev('(1 + 2) * 3')).toBe(9);
    expect(ev('10 - 4 - 3')).toBe(3);
    expect(ev('8 / 4 / 2')).toBe(1);
    expect(ev('-restError * 2')).toBe(-6);
    expect(ev('--restError')).toBe(3);
    expect(ev('restError / landingError')).toBe(1.5);
    expect(ev('-2 * maxHeight + 1')).toBe(-19);
  });

  it('comparisons are 1 or 0', () => {
    expect(ev('1 < 2')).toBe(1);
    expect(ev('2 < 2')).toBe(0);
    expect(ev('2 <= 2')).toBe(1);
    expect(ev('3 > 2')).toBe(1);
    expect(ev('2 >= 3')).toBe(0);
    expect(ev('restError == 3')).toBe(1);
    expect(ev('restError != 3')).toBe(0);
    expect(ev('-0 == 0')).toBe(1);
    expect(ev('(restError > 1) + (landingError > 1)')).toBe(2);
  });
});

describe('functions', () => {
  it('abs, min, max, sqrt', () => {
    expect(ev('abs(-2.5)')).toBe(2.5);
    expect(ev('min(restError, landingError, 7)')).toBe(2);
    expect(ev('max(restError, landingError, -7)')).toBe(3);
    expect(ev('min(4)')).toBe(4);
    expect(ev('sqrt(maxHeight * 10)')).toBe(10);
  });

  it('log and exp (natural, deterministic ports)', () => {
    expect(ev('log(1)')).toBe(0);
    expect(ev('exp(0)')).toBe(1);
    expect(ev('log(exp(2))')).toBeCloseTo(2, 14);
    expect(ev('exp(1)')).toBeCloseTo(Math.E, 15);
  });

  it('clamp(x, lo, hi)', () => {
    expect(ev('clamp(restError, 0, 1)')).toBe(1);
    expect(ev('clamp(-restError, 0, 1)')).toBe(0);
    expect(ev('clamp(timeInZone, 0, 1)')).toBe(0.5);
    expect(ev('clamp(1, 1, 1)')).toBe(1);
  });

  it('threshold(x, t) is 1 iff x ≥ t', () => {
    expect(ev('threshold(timeInZone, 0.5)')).toBe(1);
    expect(ev('threshold(timeInZone, 0.6)')).toBe(0);
    expect(ev('threshold(restError, -1)')).toBe(1);
  });

  it('if(cond, a, b): a when cond ≠ 0, else b', () => {
    expect(ev('if(bounces > 0, 100, restError)')).toBe(3);
    expect(ev('if(restError, 1, 2)')).toBe(1);
    expect(ev('if(0, 1, 2)')).toBe(2);
    expect(ev('if(-0.5, 1, 2)')).toBe(1);
  });
});

describe('the non-finite rule: a finite number or NaN ("metric undefined")', () => {
  it('operations with a non-finite result give NaN', () => {
    for (const src of ['1 / 0', '-1 / 0', '0 / 0', 'log(0)', 'log(-1)', 'sqrt(-1)', 'exp(1000)', '1e308 * 10', '-1e308 - 1e308', '1 / exp(1000)']) {
      expect(ev(src), src).toBeNaN();
    }
  });

  it('NaN propagates through everything, comparisons and threshold included', () => {
    for (const src of ['log(-1) < 1', 'log(-1) == log(-1)', 'log(-1) != 1', 'threshold(log(-1), 0)', 'threshold(1, log(-1))', 'min(1, log(-1))', 'max(log(-1), 1)', 'abs(log(-1))', '-log(-1)', 'clamp(log(-1), 0, 1)', 'clamp(1, 0, log(-1))', 'if(log(-1), 1, 2)']) {
      expect(ev(src), src).toBeNaN();
    }
  });

  it('clamp with lo > hi is undefined', () => {
    expect(ev('clamp(0.5, 1, 0)')).toBeNaN();
  });

  it('if evaluates only the chosen branch', () => {
    expect(ev('if(1, 2, log(-1))')).toBe(2);
    expect(ev('if(0, log(-1), 3)')).toBe(3);
  });

  it('missing, non-number and non-finite measurements read as NaN', () => {
    expect(ev('restError', {})).toBeNaN();
    expect(ev('restError', { restError: Infinity })).toBeNaN();
    expect(ev('restError', { restError: NaN })).toBeNaN();
    expect(ev('restError', { restError: '3' as unknown as number })).toBeNaN();
    expect(ev('restError + 1', { restError: 1e-320 })).toBe(1);
  });

  it('holds for random ASTs and hostile measurement values (property)', () => {
    fc.assert(
      fc.property(exprArb(), measurementsArb, (ast, values) => {
        const v = evaluate(ast, values);
        expect(Number.isFinite(v) || Number.isNaN(v)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('lookups never touch a prototype', () => {
  const allNames = `${NAMES.join(' + ')}`;

  it('a throwing getter on the record’s prototype is never triggered', () => {
    const proto: Record<string, unknown> = {};
    for (const key of [...NAMES, 'constructor', 'toString', 'valueOf', '__proto__', 'hasOwnProperty', 'value']) {
      Object.defineProperty(proto, key, { get: () => { throw new Error(`prototype getter ${key} was read`); } });
    }
    const record = Object.create(proto) as Record<string, number>;
    Object.defineProperty(record, 'restError', { value: 3, enumerable: true }); // own: read; the rest: missing → NaN
    expect(ev('restError * 2', record)).toBe(6);
    expect(ev(allNames, record)).toBeNaN();
    expect(ev('if(1, restError, maxHeight)', record)).toBe(3);
  });

  it('reads only own-property descriptors of the names the metric uses (a Proxy records every trap)', () => {
    const traps: string[] = [];
    const target = { restError: 3, maxHeight: 10, flightTime: 1 };
    const spy = new Proxy(target, {
      get: (t, k) => (traps.push(`get ${String(k)}`), Reflect.get(t, k)),
      has: (t, k) => (traps.push(`has ${String(k)}`), Reflect.has(t, k)),
      ownKeys: (t) => (traps.push('ownKeys'), Reflect.ownKeys(t)),
      getPrototypeOf: (t) => (traps.push('getPrototypeOf'), Reflect.getPrototypeOf(t)),
      getOwnPropertyDescriptor: (t, k) => (traps.push(`own ${String(k)}`), Reflect.getOwnPropertyDescriptor(t, k)),
    });
    expect(ev('restError + maxHeight * restError - bounces * 0', spy)).toBeNaN(); // bounces missing
    expect(traps.sort()).toEqual(['own bounces', 'own maxHeight', 'own restError']);
  });

  it('an own accessor is not called either (only data properties count)', () => {
    const record = { maxHeight: 1 } as Record<string, number>;
    Object.defineProperty(record, 'restError', { enumerable: true, get: () => { throw new Error('own getter was called'); } });
    expect(ev('restError + maxHeight', record)).toBeNaN();
  });

  it('a polluted Object.prototype is invisible to parsing and evaluation', () => {
    const keys = ['restError', 'polluted', 'value'];
    // Results are collected first and asserted after clean-up: the test runner itself reads
    // properties like `value` through Object.prototype.
    let refused: unknown = null;
    let missing = 0;
    let present = 0;
    for (const key of keys) {
      Object.defineProperty(Object.prototype, key, { configurable: true, get: () => { throw new Error(`Object.prototype.${key} was read`); } });
    }
    try {
      try {
        parse('polluted', NAMES);
      } catch (e) {
        refused = e;
      }
      missing = ev('restError + 1', {});
      present = ev('restError + 1', { restError: 1 });
    } finally {
      for (const key of keys) delete (Object.prototype as Record<string, unknown>)[key];
    }
    expect(refused).toBeInstanceOf(MetricError);
    expect(missing).toBeNaN();
    expect(present).toBe(2);
  });

  it('works on null-prototype and JSON-parsed records (an own "__proto__" key is just data)', () => {
    const bare = Object.assign(Object.create(null) as Record<string, number>, { restError: 4 });
    expect(ev('restError', bare)).toBe(4);
    expect(evaluate(build.ref('__proto__'), {})).toBeNaN();
    expect(evaluate(build.ref('constructor'), {})).toBeNaN();
    expect(evaluate(build.ref('__proto__'), JSON.parse('{"__proto__": 5}') as Record<string, number>)).toBe(5);
  });
});

describe('compile', () => {
  it('caches closures for frozen (parsed) ASTs only', () => {
    const ast = parse('restError + 1', NAMES);
    expect(compile(ast)).toBe(compile(ast));
    const mutable = { type: 'number', value: 1 } as { type: 'number'; value: number };
    expect(evaluate(mutable, {})).toBe(1);
    mutable.value = 2;
    expect(evaluate(mutable, {})).toBe(2);
  });

  it('refuses hostile ASTs with MetricError, iteratively (no stack overflow, no hang on cycles)', () => {
    let deep: Expr = build.num(1);
    for (let i = 0; i < 100_000; i++) deep = build.neg(deep);
    expect(() => compile(deep)).toThrow(MetricError);
    const cyclic = { type: 'negate' } as { type: 'negate'; operand?: unknown };
    cyclic.operand = cyclic;
    expect(() => compile(cyclic as Expr)).toThrow(MetricError);
    const wide = build.call('max', ...Array.from({ length: 10_000 }, () => build.num(1)));
    expect(() => compile(wide)).toThrow(/more than 512 nodes/);
    for (const bad of [
      { type: 'number', value: NaN },
      { type: 'number', value: '1' },
      { type: 'measurement', name: 'a.b' },
      { type: 'measurement', name: { toString: () => 'restError' } },
      { type: 'binary', op: '**', left: build.num(1), right: build.num(2) },
      { type: 'call', fn: 'constructor', args: [] },
      { type: 'call', fn: 'eval', args: [build.num(1)] },
      { type: 'call', fn: 'abs', args: { length: 1, 0: build.num(1) } },
      Object.create({ type: 'number', value: 1 }),
      null,
      'restError',
    ]) {
      expect(() => compile(bad as unknown as Expr), JSON.stringify(bad)).toThrow(MetricError);
    }
  });
});
