/**
 * A hand-written recursive-descent parser for the metric language.
 *
 * Grammar (lowest precedence first):
 *   expression := additive ( ('<' | '<=' | '>' | '>=' | '==' | '!=') additive )?   -- no chains
 *   additive   := multiplicative ( ('+' | '-') multiplicative )*                    -- left-assoc
 *   multiplicative := unary ( ('*' | '/') unary )*                                  -- left-assoc
 *   unary      := '-' unary | primary            ('-' directly before a number folds into it)
 *   primary    := number | measurement | function '(' expression (',' expression)* ')'
 *               | '(' expression ')'
 *   number     := digits ('.' digits?)? exponent? | '.' digits exponent?;  exponent := [eE][+-]?digits
 *
 * Safety: the input is capped before it is read; tokens are read lazily so errors come in reading
 * order; recursion happens only through parentheses, calls and unary minus, and each of those
 * counts against the depth limit before recursing, so no input can overflow the stack. Identifiers
 * resolve only against the MeasurementTable (a Set) and the function Map: `constructor`,
 * `__proto__` and friends are just unknown names. There is no `.`, no indexing, no strings.
 */
import {
  COMPARE_OPS,
  FUNCTIONS,
  METRIC_LIMITS,
  measurementTable,
  type BinaryOp,
  type CompareOp,
  type Expr,
  type MeasurementList,
  type MeasurementTable,
} from './ast.ts';
import { closestName, formatPosition, isUnprintable, MetricError, positionAt, quote, type MetricErrorCode, type SourcePosition } from './errors.ts';

type TokenKind = 'number' | 'ident' | 'op' | '(' | ')' | ',' | 'end' | 'invalid';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly offset: number;
  /** For 'invalid' tokens: why the character cannot start a token. */
  readonly hint?: string;
}

const COMPARE_SET: ReadonlySet<string> = new Set(COMPARE_OPS);
const MALFORMED = 'malformed number';

/** Hints for characters people reach for that the language deliberately lacks. */
const JUNK_HINTS: ReadonlyMap<string, string> = new Map([
  ['.', 'there is no property access'],
  ['[', 'there is no indexing'],
  [']', 'there is no indexing'],
  ['"', 'there are no strings'],
  ["'", 'there are no strings'],
  ['`', 'there are no strings'],
  ['=', "did you mean '=='?"],
  ['!', "did you mean '!='?"],
  ['^', 'there is no power operator (use exp and log)'],
]);

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isIdentStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentPart = (c: number): boolean => isIdentStart(c) || isDigit(c);
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

class Lexer {
  private offset = 0;
  private peeked: Token | null = null;

  constructor(private readonly src: string) {}

  peek(): Token {
    this.peeked ??= this.read();
    return this.peeked;
  }

  next(): Token {
    const t = this.peek();
    this.peeked = null;
    return t;
  }

  private read(): Token {
    const s = this.src;
    let i = this.offset;
    while (i < s.length && isSpace(s.charCodeAt(i))) i++;
    const start = i;
    const tok = (kind: TokenKind, end: number, hint?: string): Token => {
      this.offset = end;
      return hint === undefined ? { kind, text: s.slice(start, end), offset: start } : { kind, text: s.slice(start, end), offset: start, hint };
    };
    if (i >= s.length) return tok('end', i);
    const c = s.charCodeAt(i);
    const d = i + 1 < s.length ? s.charCodeAt(i + 1) : -1;
    if (isDigit(c) || (c === 46 && isDigit(d))) return this.number(start, tok);
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < s.length && isIdentPart(s.charCodeAt(j))) j++;
      return tok('ident', j);
    }
    const ch = s[i] as string;
    if (ch === '(' || ch === ')' || ch === ',') return tok(ch, i + 1);
    if (ch === '+' || ch === '-' || ch === '*' || ch === '/') return tok('op', i + 1);
    if ((ch === '<' || ch === '>') && d === 61) return tok('op', i + 2);
    if (ch === '<' || ch === '>') return tok('op', i + 1);
    if ((ch === '=' || ch === '!') && d === 61) return tok('op', i + 2);
    // One whole code point, so a junk emoji is reported as itself.
    const cp = s.codePointAt(i) ?? c;
    return tok('invalid', i + (cp > 0xffff ? 2 : 1), JUNK_HINTS.get(ch));
  }

  private number(start: number, tok: (kind: TokenKind, end: number, hint?: string) => Token): Token {
    const s = this.src;
    let j = start;
    while (j < s.length && isDigit(s.charCodeAt(j))) j++;
    if (s.charCodeAt(j) === 46) {
      j++;
      while (j < s.length && isDigit(s.charCodeAt(j))) j++;
    }
    const e = s.charCodeAt(j);
    if (e === 101 || e === 69) {
      let k = j + 1;
      const sign = s.charCodeAt(k);
      if (sign === 43 || sign === 45) k++;
      if (isDigit(s.charCodeAt(k))) {
        while (k < s.length && isDigit(s.charCodeAt(k))) k++;
        j = k;
      } else {
        return tok('invalid', k, `${MALFORMED}: an exponent needs digits`);
      }
    }
    // `2x`, `1.2.3`, `1e5e3`: a number glued to more number-ish text is a typo, not two tokens.
    if (j < s.length && (isIdentPart(s.charCodeAt(j)) || s.charCodeAt(j) === 46)) {
      let k = j;
      while (k < s.length && (isIdentPart(s.charCodeAt(k)) || s.charCodeAt(k) === 46)) k++;
      return tok('invalid', k, MALFORMED);
    }
    return tok('number', j);
  }
}

class Parser {
  private readonly lex: Lexer;
  /** Current syntactic nesting: parentheses, call arguments and unary minus operands. */
  private nesting = 0;
  /** How many call and unary-minus nodes enclose the current point: known ancestors. */
  private ancestors = 0;
  private nodes = 0;
  /** AST depth of each node built (a side table, so nodes stay plain data). */
  private readonly depths = new WeakMap<Expr, number>();
  /** Offsets where lines start: positions cost a binary search, not a rescan of the source. */
  private readonly lineStarts: number[] = [0];

  constructor(
    private readonly src: string,
    private readonly table: MeasurementTable,
  ) {
    this.lex = new Lexer(src);
    for (let i = 0; i < src.length; i++) if (src.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  parse(): Expr {
    const e = this.expression();
    const t = this.lex.peek();
    if (t.kind !== 'end') this.unexpected(t, 'an operator or end of input');
    return e;
  }

  private pos(offset: number): SourcePosition {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return Object.freeze({ line: lo + 1, column: offset - (this.lineStarts[lo] as number) + 1, offset });
  }

  /** Throws a positioned MetricError; `message` gets the "at line:col" text to place. */
  private fail(code: MetricErrorCode, message: (at: string) => string, offset: number, expected: string | null = null, suggestion: string | null = null): never {
    const position = this.pos(offset);
    throw new MetricError(message(`at ${formatPosition(position)}`), { code, position, expected, suggestion });
  }

  private unexpected(t: Token, expected: string): never {
    const hint = t.hint ?? '';
    if (t.kind === 'invalid' && hint.startsWith(MALFORMED)) {
      return this.fail('bad-number', (at) => `malformed number ${quote(t.text)} ${at}${hint.slice(MALFORMED.length)}`, t.offset, 'a number');
    }
    const what = t.kind === 'end' ? 'end of input' : t.kind === 'invalid' ? describeInvalid(t.text) : quote(t.text);
    const tail = hint ? ` — ${hint}` : '';
    return this.fail('unexpected-token', (at) => `unexpected ${what} ${at}, expected ${expected}${tail}`, t.offset, expected);
  }

  /** Registers a new node: counts it and records its depth; refuses past the limits. */
  private node<T extends Expr>(n: T, childDepth: number, offset: number): T {
    if (++this.nodes > METRIC_LIMITS.maxNodes) this.fail('too-many-nodes', (at) => `expression too large (limit ${METRIC_LIMITS.maxNodes} nodes) ${at}`, offset);
    const depth = childDepth + 1;
    // Enclosing calls and negations will sit above this node, so refuse as soon as it is built.
    if (this.ancestors + depth > METRIC_LIMITS.maxDepth) this.tooDeep(offset);
    this.depths.set(n, depth);
    return Object.freeze(n);
  }

  private depthOf(n: Expr): number {
    return this.depths.get(n) ?? 1;
  }

  private tooDeep(offset: number): never {
    return this.fail('too-deep', (at) => `expression too deep (limit ${METRIC_LIMITS.maxDepth}) ${at}`, offset);
  }

  /**
   * Runs `inner` one nesting level down; the check comes first, so recursion stays bounded.
   * `node` is true inside a call or a negation (a future ancestor), false inside parentheses.
   */
  private nested<T>(offset: number, node: boolean, inner: () => T): T {
    if (++this.nesting > METRIC_LIMITS.maxDepth) this.tooDeep(offset);
    if (node) this.ancestors++;
    const r = inner();
    if (node) this.ancestors--;
    this.nesting--;
    return r;
  }

  private expression(): Expr {
    const left = this.additive();
    const t = this.lex.peek();
    if (t.kind !== 'op' || !COMPARE_SET.has(t.text)) return left;
    this.lex.next();
    const right = this.additive();
    const after = this.lex.peek();
    if (after.kind === 'op' && COMPARE_SET.has(after.text)) {
      this.fail('chained-comparison', (at) => `comparisons cannot be chained ${at}: add parentheses, e.g. (a < b) * (b < c)`, after.offset, 'an arithmetic operator or end of input');
    }
    const n = { type: 'compare', op: t.text as CompareOp, left, right, pos: this.posOf(left) } as const;
    return this.node(n, Math.max(this.depthOf(left), this.depthOf(right)), t.offset);
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      const t = this.lex.peek();
      if (t.kind !== 'op' || (t.text !== '+' && t.text !== '-')) return left;
      this.lex.next();
      const right = this.multiplicative();
      const n = { type: 'binary', op: t.text as BinaryOp, left, right, pos: this.posOf(left) } as const;
      left = this.node(n, Math.max(this.depthOf(left), this.depthOf(right)), t.offset);
    }
  }

  private multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      const t = this.lex.peek();
      if (t.kind !== 'op' || (t.text !== '*' && t.text !== '/')) return left;
      this.lex.next();
      const right = this.unary();
      const n = { type: 'binary', op: t.text as BinaryOp, left, right, pos: this.posOf(left) } as const;
      left = this.node(n, Math.max(this.depthOf(left), this.depthOf(right)), t.offset);
    }
  }

  private unary(): Expr {
    const t = this.lex.peek();
    if (t.kind !== 'op' || t.text !== '-') return this.primary();
    this.lex.next();
    // `-2` is the literal -2, so negative weights print and parse as themselves.
    if (this.lex.peek().kind === 'number') return this.numberLiteral(this.lex.next(), true, t.offset);
    const operand = this.nested(t.offset, true, () => this.unary());
    return this.node({ type: 'negate', operand, pos: this.pos(t.offset) }, this.depthOf(operand), t.offset);
  }

  private primary(): Expr {
    const t = this.lex.next();
    switch (t.kind) {
      case 'number':
        return this.numberLiteral(t, false, t.offset);
      case 'ident':
        return this.lex.peek().kind === '(' ? this.call(t) : this.measurement(t);
      case '(': {
        const inner = this.nested(t.offset, false, () => this.expression());
        const close = this.lex.next();
        if (close.kind !== ')') this.unexpected(close, "an operator or ')'");
        return inner;
      }
      default:
        return this.unexpected(t, 'an expression');
    }
  }

  private numberLiteral(t: Token, negative: boolean, offset: number): Expr {
    const magnitude = Number(t.text);
    if (!Number.isFinite(magnitude)) {
      this.fail('bad-number', (at) => `number ${quote(t.text)} ${at} is too large (literals must be finite)`, t.offset, 'a finite number');
    }
    return this.node({ type: 'number', value: negative ? -magnitude : magnitude, pos: this.pos(offset) }, 0, offset);
  }

  private measurement(t: Token): Expr {
    const name = t.text;
    if (!this.table.has(name)) {
      if (FUNCTIONS.has(name)) {
        const next = this.lex.peek();
        this.fail('missing-call', (at) => `'${name}' is a function: expected '(' after it ${at}`, next.offset, "'('");
      }
      if (name === 'NaN' || name === 'Infinity') {
        this.fail('bad-number', (at) => `${quote(name)} ${at} is not allowed: number literals must be finite`, t.offset, 'a finite number');
      }
      const suggestion = closestName(name, this.table.names);
      const tail = suggestion ? ` — did you mean '${suggestion}'?` : '';
      this.fail('unknown-measurement', (at) => `unknown measurement ${quote(name)} ${at}${tail}`, t.offset, 'a measurement name', suggestion);
    }
    return this.node({ type: 'measurement', name, pos: this.pos(t.offset) }, 0, t.offset);
  }

  private call(t: Token): Expr {
    const spec = FUNCTIONS.get(t.text);
    if (!spec) {
      if (this.table.has(t.text)) this.fail('not-a-function', (at) => `${quote(t.text)} is a measurement, not a function ${at}`, t.offset, 'an operator');
      const suggestion = closestName(t.text, FUNCTIONS.keys());
      const tail = suggestion ? ` — did you mean '${suggestion}'?` : ` (functions: ${[...FUNCTIONS.keys()].join(', ')})`;
      this.fail('unknown-function', (at) => `unknown function ${quote(t.text)} ${at}${tail}`, t.offset, 'a function name', suggestion);
    }
    this.lex.next(); // '('
    const args = this.nested(t.offset, true, () => {
      const list: Expr[] = [this.expression()];
      for (;;) {
        const sep = this.lex.next();
        if (sep.kind === ')') return list;
        if (sep.kind !== ',') this.unexpected(sep, "an operator, ',' or ')'");
        list.push(this.expression());
      }
    });
    if (args.length < spec.minArgs || args.length > spec.maxArgs) {
      const want = spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : `at least ${spec.minArgs}`;
      this.fail('arity', (at) => `${spec.signature} takes ${want} argument${want === '1' ? '' : 's'}, got ${args.length} ${at}`, t.offset, `${want} argument${want === '1' ? '' : 's'}`);
    }
    Object.freeze(args);
    const depth = args.reduce((m, a) => Math.max(m, this.depthOf(a)), 0);
    return this.node({ type: 'call', fn: spec.name, args, pos: this.pos(t.offset) }, depth, t.offset);
  }

  private posOf(n: Expr): SourcePosition {
    return n.pos ?? this.pos(0);
  }
}

function describeInvalid(text: string): string {
  const cp = text.codePointAt(0) ?? 0;
  if (text.length <= 2 && isUnprintable(cp)) return `character U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return text.length <= 2 ? `character ${quote(text)}` : quote(text);
}

/**
 * Parses a metric expression against a world's measurements; returns a deep-frozen AST with
 * positions, or throws MetricError (position, what was expected, a did-you-mean when close).
 */
export function parse(source: string, measurements: MeasurementList | MeasurementTable): Expr {
  if (typeof source !== 'string') {
    throw new MetricError(`a metric expression must be a string, got ${source === null ? 'null' : typeof source}`, { code: 'invalid-metric', position: null, expected: 'a string' });
  }
  const table = measurementTable(measurements);
  if (source.length > METRIC_LIMITS.maxLength) {
    // Only the first maxLength characters are ever scanned, even to find the position.
    const position = positionAt(source.slice(0, METRIC_LIMITS.maxLength), METRIC_LIMITS.maxLength);
    throw new MetricError(`expression too long (${source.length} characters, limit ${METRIC_LIMITS.maxLength}) at ${formatPosition(position)}`, { code: 'too-long', position });
  }
  return new Parser(source, table).parse();
}
