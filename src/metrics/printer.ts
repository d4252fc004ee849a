/**
 * The printer: normalised text with the fewest parentheses that keep the structure, so that
 * `parse(print(ast))` is structurally equal to `ast` (positions aside). Conventions: spaces
 * around binary operators, `f(a, b)` for calls, numbers in JavaScript's shortest round-trip form.
 */
import { checkAst, type Expr } from './ast.ts';

// Binding strength, loosest first. A negative literal prints with a leading '-', so it binds
// like a unary minus.
const COMPARE = 1;
const ADDITIVE = 2;
const MULTIPLICATIVE = 3;
const UNARY = 4;
const PRIMARY = 5;

function isNegative(v: number): boolean {
  return v < 0 || Object.is(v, -0);
}

function strength(node: Expr): number {
  switch (node.type) {
    case 'number':
      return isNegative(node.value) ? UNARY : PRIMARY;
    case 'measurement':
    case 'call':
      return PRIMARY;
    case 'negate':
      return UNARY;
    case 'binary':
      return node.op === '+' || node.op === '-' ? ADDITIVE : MULTIPLICATIVE;
    case 'compare':
      return COMPARE;
  }
}

/** `String(v)` is the shortest text that reads back as the same double; -0 needs its sign. */
function formatNumber(v: number): string {
  return isNegative(v) ? `-${String(-v)}` : String(v);
}

/** Prints `node`, parenthesised if it binds looser than its context requires. */
function emit(node: Expr, min: number): string {
  const text = bare(node);
  return strength(node) < min ? `(${text})` : text;
}

function bare(node: Expr): string {
  switch (node.type) {
    case 'number':
      return formatNumber(node.value);
    case 'measurement':
      return node.name;
    case 'negate':
      // `-2` would read back as the literal -2, and `--2` as -(-2): keep a negated literal apart.
      return node.operand.type === 'number' ? `-(${bare(node.operand)})` : `-${emit(node.operand, UNARY)}`;
    case 'binary': {
      const s = strength(node);
      // Left-associative: an equal-strength right operand needs parentheses (a - (b - c)).
      return `${emit(node.left, s)} ${node.op} ${emit(node.right, s + 1)}`;
    }
    case 'compare':
      // Comparisons do not chain: both sides must bind tighter.
      return `${emit(node.left, COMPARE + 1)} ${node.op} ${emit(node.right, COMPARE + 1)}`;
    case 'call':
      return `${node.fn}(${node.args.map((a) => emit(a, COMPARE)).join(', ')})`;
  }
}

/** Normalised text of a valid AST (throws MetricError for an invalid one); round-trips through `parse`. */
export function print(ast: Expr): string {
  checkAst(ast);
  return bare(ast);
}
