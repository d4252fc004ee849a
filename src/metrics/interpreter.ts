/**
 * The interpreter: a valid AST compiled to a tree of closures (no eval, no new Function).
 *
 * Non-finite rule — "NaN means the metric is undefined for this consequence":
 * - the result is always a finite number or NaN, never ±Infinity;
 * - any operation whose exact IEEE result is not finite yields NaN: x/0, 0/0, log(0), log(-1),
 *   sqrt(-1), exp(1000), 1e308 * 10 (and so 1/exp(1000) is NaN, not 0);
 * - NaN propagates through every operation, comparisons included (`NaN < 1` is NaN, not 0),
 *   as does `threshold`, `clamp`, `min`/`max`, and the condition of `if`; clamp(x, lo, hi) with
 *   lo > hi is NaN;
 * - `if(c, a, b)` evaluates only the chosen branch, so an undefined unchosen branch is harmless;
 * - a measurement that is missing from the record (not an own data property) or not a finite
 *   number reads as NaN.
 * Callers treat NaN as "metric undefined": `metricPasses` is false for it.
 *
 * Lookups: for each name the AST uses, only `Object.getOwnPropertyDescriptor` on the record and
 * only a data descriptor's value are read, into a slot array; nothing reads a prototype (a
 * getter on Object.prototype or on the record's prototype never runs).
 *
 * exp and log are the deterministic fdlibm ports from src/core/detmath.ts, so a metric's value
 * is bitwise the same in Node and the browser (Math.exp differs by an ulp between them).
 */
import { deterministicMath } from '../core/detmath.ts';
import { checkAst, type BinaryOp, type CompareOp, type Expr, type FunctionName } from './ast.ts';

/** A compiled expression: measurements in, a finite number or NaN out. */
export type CompiledExpr = (measurements: Readonly<Record<string, number>>) => number;

type Slots = readonly number[];
type Fn = (slots: Slots) => number;

const finite = (x: number): number => (Number.isFinite(x) ? x : NaN);
const { exp, log } = deterministicMath;

/** Compiled closures for deep-frozen ASTs (parser output), which cannot change underneath. */
const cache = new WeakMap<Expr, CompiledExpr>();

/** Compiles a valid AST (throws MetricError for an invalid one) into a bounded evaluator. */
export function compile(ast: Expr): CompiledExpr {
  const hit = cache.get(ast);
  if (hit) return hit;
  const info = checkAst(ast);
  const names: string[] = [];
  const slotOf = new Map<string, number>();
  const body = build(ast, (name) => {
    let slot = slotOf.get(name);
    if (slot === undefined) {
      slot = names.length;
      names.push(name);
      slotOf.set(name, slot);
    }
    return slot;
  });
  const compiled: CompiledExpr = (measurements) => body(readSlots(measurements, names));
  if (info.frozen) cache.set(ast, compiled);
  return compiled;
}

/** Evaluates a valid AST against one consequence's measurements: a finite number or NaN. */
export function evaluate(ast: Expr, measurements: Readonly<Record<string, number>>): number {
  return compile(ast)(measurements);
}

/** Own data properties only; anything else (missing, getter, non-number, non-finite) is NaN. */
function readSlots(measurements: Readonly<Record<string, number>>, names: readonly string[]): Slots {
  const slots = new Array<number>(names.length);
  const isObject = typeof measurements === 'object' && measurements !== null;
  for (let i = 0; i < names.length; i++) {
    const d = isObject ? Object.getOwnPropertyDescriptor(measurements, names[i] as string) : undefined;
    const v: unknown = d !== undefined && Object.hasOwn(d, 'value') ? d.value : undefined;
    slots[i] = typeof v === 'number' && Number.isFinite(v) ? v : NaN;
  }
  return slots;
}

function build(node: Expr, slot: (name: string) => number): Fn {
  switch (node.type) {
    case 'number': {
      const v = node.value;
      return () => v;
    }
    case 'measurement': {
      const i = slot(node.name);
      return (s) => s[i] as number;
    }
    case 'negate': {
      const f = build(node.operand, slot);
      return (s) => -f(s);
    }
    case 'binary': {
      const l = build(node.left, slot);
      const r = build(node.right, slot);
      const op = ARITHMETIC[node.op];
      return (s) => finite(op(l(s), r(s)));
    }
    case 'compare': {
      const l = build(node.left, slot);
      const r = build(node.right, slot);
      const test = COMPARE[node.op];
      return (s) => {
        const a = l(s);
        const b = r(s);
        if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
        return test(a, b) ? 1 : 0;
      };
    }
    case 'call':
      return buildCall(node.fn, node.args.map((a) => build(a, slot)));
  }
}

const ARITHMETIC: Readonly<Record<BinaryOp, (a: number, b: number) => number>> = Object.freeze({
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
});

const COMPARE: Readonly<Record<CompareOp, (a: number, b: number) => boolean>> = Object.freeze({
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
});

function buildCall(fn: FunctionName, args: readonly Fn[]): Fn {
  // checkAst has verified arities, so these reads are in range.
  const a = args[0] as Fn;
  const b = args[1] as Fn;
  const c = args[2] as Fn;
  switch (fn) {
    case 'abs':
      return (s) => Math.abs(a(s));
    case 'sqrt':
      return (s) => finite(Math.sqrt(a(s)));
    case 'log':
      return (s) => finite(log(a(s)));
    case 'exp':
      return (s) => finite(exp(a(s)));
    case 'min':
    case 'max': {
      const pick = fn === 'min' ? Math.min : Math.max;
      return (s) => {
        let m = a(s);
        for (let i = 1; i < args.length; i++) m = pick(m, (args[i] as Fn)(s)); // NaN propagates
        return m;
      };
    }
    case 'clamp':
      return (s) => {
        const x = a(s);
        const lo = b(s);
        const hi = c(s);
        if (Number.isNaN(x) || Number.isNaN(lo) || Number.isNaN(hi) || lo > hi) return NaN;
        return x < lo ? lo : x > hi ? hi : x;
      };
    case 'threshold':
      return (s) => {
        const x = a(s);
        const t = b(s);
        if (Number.isNaN(x) || Number.isNaN(t)) return NaN;
        return x >= t ? 1 : 0;
      };
    case 'if':
      return (s) => {
        const cond = a(s);
        if (Number.isNaN(cond)) return NaN;
        return cond !== 0 ? b(s) : c(s);
      };
  }
}
