/**
 * The metric language's abstract syntax: plain, JSON-serialisable data.
 *
 * Positions are optional (`pos`), so ASTs built by code (the meta-agent's mutations, tests) need
 * none, and structural equality (`astEquals`) ignores them. The parser attaches them and
 * deep-freezes what it returns.
 *
 * A *valid* AST is one `checkAst` accepts: known node types and operators, finite literals,
 * measurement names that are identifiers, the fixed function set with the right arities, and
 * within the limits below. The printer and the interpreter accept only valid ASTs, which is what
 * bounds their work (no loops in the language; at most `maxNodes` node evaluations).
 */
import type { MeasurementSpec } from '../core/types.ts';
import { MetricError, type SourcePosition } from './errors.ts';

/** Hard limits on an expression: length in UTF-16 units, AST depth, AST node count. */
export const METRIC_LIMITS = Object.freeze({ maxLength: 2000, maxDepth: 64, maxNodes: 512 });

/** Arithmetic operators, all left-associative. */
export const BINARY_OPS = ['+', '-', '*', '/'] as const;
/** One arithmetic operator. */
export type BinaryOp = (typeof BINARY_OPS)[number];
/** Comparison operators: the result is 1 (true) or 0 (false). They do not chain. */
export const COMPARE_OPS = ['<', '<=', '>', '>=', '==', '!='] as const;
/** One comparison operator. */
export type CompareOp = (typeof COMPARE_OPS)[number];

/** The fixed function set; nothing else can be called. */
export const FUNCTION_NAMES = ['abs', 'min', 'max', 'log', 'exp', 'sqrt', 'clamp', 'threshold', 'if'] as const;
/** One function of the fixed set. */
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** Arity and meaning of a function (see interpreter.ts for the non-finite rule). */
export interface FunctionSpec {
  readonly name: FunctionName;
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly signature: string;
  readonly doc: string;
}

const FUNCTION_LIST: readonly FunctionSpec[] = [
  { name: 'abs', minArgs: 1, maxArgs: 1, signature: 'abs(x)', doc: 'Absolute value.' },
  { name: 'min', minArgs: 1, maxArgs: Infinity, signature: 'min(x, …)', doc: 'Smallest argument (one or more).' },
  { name: 'max', minArgs: 1, maxArgs: Infinity, signature: 'max(x, …)', doc: 'Largest argument (one or more).' },
  { name: 'log', minArgs: 1, maxArgs: 1, signature: 'log(x)', doc: 'Natural logarithm; undefined (NaN) for x ≤ 0.' },
  { name: 'exp', minArgs: 1, maxArgs: 1, signature: 'exp(x)', doc: 'e to the x; undefined (NaN) when it overflows.' },
  { name: 'sqrt', minArgs: 1, maxArgs: 1, signature: 'sqrt(x)', doc: 'Square root; undefined (NaN) for x < 0.' },
  { name: 'clamp', minArgs: 3, maxArgs: 3, signature: 'clamp(x, lo, hi)', doc: 'x limited to [lo, hi]; undefined (NaN) when lo > hi.' },
  { name: 'threshold', minArgs: 2, maxArgs: 2, signature: 'threshold(x, t)', doc: '1 if x ≥ t, else 0 (a step: the all-or-nothing metric).' },
  { name: 'if', minArgs: 3, maxArgs: 3, signature: 'if(cond, a, b)', doc: 'a if cond ≠ 0, else b; only the chosen branch is evaluated.' },
];

/** Function specs by name (a Map: no prototype lookups). */
export const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map(FUNCTION_LIST.map((f) => [f.name, Object.freeze(f)]));

interface NodeBase {
  /**
   * Where the node starts in the source (a binary node: where its left operand starts, inside
   * any parentheses); absent on ASTs built by code.
   */
  readonly pos?: SourcePosition;
}
/** A finite number literal (may be negative: the parser folds `-2` into one literal). */
export interface NumberNode extends NodeBase {
  readonly type: 'number';
  readonly value: number;
}
/** A reference to one of the world's measurements. */
export interface MeasurementNode extends NodeBase {
  readonly type: 'measurement';
  readonly name: string;
}
/** Unary minus. */
export interface NegateNode extends NodeBase {
  readonly type: 'negate';
  readonly operand: Expr;
}
/** `left op right` for `+ - * /`. */
export interface BinaryNode extends NodeBase {
  readonly type: 'binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
}
/** `left op right` for a comparison: 1 or 0. */
export interface CompareNode extends NodeBase {
  readonly type: 'compare';
  readonly op: CompareOp;
  readonly left: Expr;
  readonly right: Expr;
}
/** A call to one of the fixed functions. */
export interface CallNode extends NodeBase {
  readonly type: 'call';
  readonly fn: FunctionName;
  readonly args: readonly Expr[];
}
/** Any metric expression node. */
export type Expr = NumberNode | MeasurementNode | NegateNode | BinaryNode | CompareNode | CallNode;

/** Builders for ASTs made by code (no positions). */
export const build = Object.freeze({
  num: (value: number): NumberNode => ({ type: 'number', value }),
  ref: (name: string): MeasurementNode => ({ type: 'measurement', name }),
  neg: (operand: Expr): NegateNode => ({ type: 'negate', operand }),
  binary: (op: BinaryOp, left: Expr, right: Expr): BinaryNode => ({ type: 'binary', op, left, right }),
  compare: (op: CompareOp, left: Expr, right: Expr): CompareNode => ({ type: 'compare', op, left, right }),
  call: (fn: FunctionName, ...args: Expr[]): CallNode => ({ type: 'call', fn, args }),
});

/** The children of a node, left to right. */
export function children(node: Expr): readonly Expr[] {
  switch (node.type) {
    case 'number':
    case 'measurement':
      return [];
    case 'negate':
      return [node.operand];
    case 'binary':
    case 'compare':
      return [node.left, node.right];
    case 'call':
      return node.args;
  }
}

// ---------------------------------------------------------------------------------------------
// Measurement tables

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Words that can never name a measurement: the functions, and the non-finite "literals". */
const RESERVED: ReadonlySet<string> = new Set<string>([...FUNCTION_NAMES, 'NaN', 'Infinity']);

/** True if `name` can name a measurement in the language (an identifier, not reserved). */
export function isMeasurementName(name: string): boolean {
  return IDENTIFIER.test(name) && !RESERVED.has(name);
}

/** The names a world's metrics may use; lookups go through a Set, never an object's prototype. */
export class MeasurementTable {
  /** The names, in the world's declaration order (suggestions prefer earlier names). */
  readonly names: readonly string[];
  private readonly set: ReadonlySet<string>;

  constructor(names: readonly string[]) {
    const seen = new Set<string>();
    for (const name of names) {
      if (typeof name !== 'string' || !isMeasurementName(name)) {
        throw new MetricError(`measurement name ${JSON.stringify(name)} cannot be used in metrics: it must be an identifier and not one of ${[...RESERVED].join(', ')}`, {
          code: 'invalid-measurement-name',
          position: null,
        });
      }
      seen.add(name);
    }
    this.names = Object.freeze([...seen]);
    this.set = seen;
    Object.freeze(this);
  }

  /** True if `name` is one of the table's measurements (own membership, no prototype). */
  has(name: string): boolean {
    return this.set.has(name);
  }
}

/** The measurement list of a world: its specs, or just their names. */
export type MeasurementList = readonly MeasurementSpec[] | readonly string[];

/** Builds (or passes through) a measurement table; throws MetricError on unusable names. */
export function measurementTable(measurements: MeasurementList | MeasurementTable): MeasurementTable {
  if (measurements instanceof MeasurementTable) return measurements;
  return new MeasurementTable(measurements.map((m) => (typeof m === 'string' ? m : m.name)));
}

// ---------------------------------------------------------------------------------------------
// Validation, equality, positions

/** Size facts about a valid AST. */
export interface AstInfo {
  readonly nodes: number;
  readonly depth: number;
  /** Every node (and args array) is frozen: safe to cache work keyed on the root. */
  readonly frozen: boolean;
}

const BINARY_SET: ReadonlySet<unknown> = new Set(BINARY_OPS);
const COMPARE_SET: ReadonlySet<unknown> = new Set(COMPARE_OPS);

/** Reads an own property only: a hostile AST cannot make validation consult a prototype. */
function own(obj: object, key: string): unknown {
  return Object.hasOwn(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

/**
 * Checks that `ast` is a valid AST (see the file comment), optionally against a measurement
 * table; throws MetricError ('invalid-ast', or 'unknown-measurement') naming the node's path.
 * Iterative, and stops at `maxNodes`, so deep, huge or cyclic objects cannot overflow the stack.
 */
export function checkAst(ast: unknown, table?: MeasurementTable): AstInfo {
  const stack: { node: unknown; depth: number; path: string }[] = [{ node: ast, depth: 1, path: 'root' }];
  let nodes = 1;
  let maxDepth = 0;
  let frozen = true;
  const fail = (path: string, node: object | null, why: string, code: 'invalid-ast' | 'unknown-measurement' = 'invalid-ast'): never => {
    const pos = node ? own(node, 'pos') : undefined;
    throw new MetricError(`invalid metric AST at ${path}: ${why}`, { code, position: isPosition(pos) ? pos : null });
  };
  const push = (node: unknown, depth: number, path: string): void => {
    if (++nodes > METRIC_LIMITS.maxNodes) fail(path, null, `more than ${METRIC_LIMITS.maxNodes} nodes (or a cycle)`);
    stack.push({ node, depth, path });
  };
  while (stack.length > 0) {
    const { node, depth, path } = stack.pop() as { node: unknown; depth: number; path: string };
    if (typeof node !== 'object' || node === null) fail(path, null, 'not a node object');
    const n = node as object;
    if (depth > METRIC_LIMITS.maxDepth) fail(path, n, `deeper than ${METRIC_LIMITS.maxDepth}`);
    if (depth > maxDepth) maxDepth = depth;
    if (!Object.isFrozen(n)) frozen = false;
    const type = own(n, 'type');
    switch (type) {
      case 'number': {
        const value = own(n, 'value');
        if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, n, `number literal is not a finite number (${String(value)})`);
        break;
      }
      case 'measurement': {
        const name = own(n, 'name');
        if (typeof name !== 'string' || !isMeasurementName(name)) fail(path, n, `${JSON.stringify(name) ?? 'undefined'} is not a measurement name`);
        if (table && !table.has(name as string)) fail(path, n, `unknown measurement '${name as string}'`, 'unknown-measurement');
        break;
      }
      case 'negate':
        push(own(n, 'operand'), depth + 1, `${path}.operand`);
        break;
      case 'binary':
      case 'compare': {
        const op = own(n, 'op');
        if (!(type === 'binary' ? BINARY_SET : COMPARE_SET).has(op)) fail(path, n, `unknown ${type} operator ${JSON.stringify(op) ?? 'undefined'}`);
        push(own(n, 'right'), depth + 1, `${path}.right`);
        push(own(n, 'left'), depth + 1, `${path}.left`);
        break;
      }
      case 'call': {
        const fn = own(n, 'fn');
        const spec = typeof fn === 'string' ? FUNCTIONS.get(fn) : undefined;
        if (!spec) fail(path, n, `unknown function ${JSON.stringify(fn) ?? 'undefined'}`);
        const args = own(n, 'args');
        if (!Array.isArray(args)) fail(path, n, 'call arguments are not an array');
        const list = args as unknown[];
        const s = spec as FunctionSpec;
        if (list.length < s.minArgs || list.length > s.maxArgs) fail(path, n, `${s.signature} given ${list.length} argument${list.length === 1 ? '' : 's'}`);
        if (!Object.isFrozen(list)) frozen = false;
        for (let i = list.length - 1; i >= 0; i--) push(list[i], depth + 1, `${path}.args[${i}]`);
        break;
      }
      default:
        fail(path, n, `unknown node type ${JSON.stringify(type) ?? 'undefined'}`);
    }
  }
  return { nodes, depth: maxDepth, frozen };
}

function isPosition(p: unknown): p is SourcePosition {
  return typeof p === 'object' && p !== null && typeof own(p, 'line') === 'number' && typeof own(p, 'column') === 'number' && typeof own(p, 'offset') === 'number';
}

/** Structural equality of valid ASTs, ignoring positions (literals compare with Object.is: -0 ≠ 0). */
export function astEquals(a: Expr, b: Expr): boolean {
  const stack: [Expr, Expr][] = [[a, b]];
  while (stack.length > 0) {
    const [x, y] = stack.pop() as [Expr, Expr];
    if (x.type !== y.type) return false;
    switch (x.type) {
      case 'number':
        if (!Object.is(x.value, (y as NumberNode).value)) return false;
        break;
      case 'measurement':
        if (x.name !== (y as MeasurementNode).name) return false;
        break;
      case 'negate':
        stack.push([x.operand, (y as NegateNode).operand]);
        break;
      case 'binary':
      case 'compare': {
        const z = y as BinaryNode | CompareNode;
        if (x.op !== z.op) return false;
        stack.push([x.left, z.left], [x.right, z.right]);
        break;
      }
      case 'call': {
        const z = y as CallNode;
        if (x.fn !== z.fn || x.args.length !== z.args.length) return false;
        x.args.forEach((arg, i) => stack.push([arg, z.args[i] as Expr]));
        break;
      }
    }
  }
  return true;
}

/** A copy of a valid AST without positions (what `astEquals` compares, as plain data). */
export function stripPositions(ast: Expr): Expr {
  checkAst(ast);
  return strip(ast);
}

function strip(node: Expr): Expr {
  switch (node.type) {
    case 'number':
      return build.num(node.value);
    case 'measurement':
      return build.ref(node.name);
    case 'negate':
      return build.neg(strip(node.operand));
    case 'binary':
      return build.binary(node.op, strip(node.left), strip(node.right));
    case 'compare':
      return build.compare(node.op, strip(node.left), strip(node.right));
    case 'call':
      return build.call(node.fn, ...node.args.map(strip));
  }
}
