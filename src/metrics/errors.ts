/**
 * The one error type of the metric language. Every refusal — a bad expression, a bad AST, a bad
 * metric spec — is a MetricError, so callers (the CLI, the gate) can catch exactly this and let
 * anything else surface as a bug.
 */

/** A place in the expression text: 1-based line and column, 0-based offset (UTF-16 units). */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

/** What kind of refusal: stable strings for callers and tests, unlike the message. */
export type MetricErrorCode =
  | 'too-long'
  | 'too-deep'
  | 'too-many-nodes'
  | 'unexpected-token'
  | 'bad-number'
  | 'unknown-measurement'
  | 'unknown-function'
  | 'not-a-function'
  | 'missing-call'
  | 'arity'
  | 'chained-comparison'
  | 'invalid-ast'
  | 'invalid-metric'
  | 'direction-required'
  | 'invalid-measurement-name';

/** Details of a refusal; `position` is null when it is not about a place in the text. */
export interface MetricErrorDetails {
  readonly code: MetricErrorCode;
  readonly position: SourcePosition | null;
  /** What the parser expected at `position` (e.g. "an expression"), when that is meaningful. */
  readonly expected?: string | null;
  /** A near-miss name (edit distance) for unknown measurements and functions. */
  readonly suggestion?: string | null;
}

/** A refused expression, AST or metric spec, with where and what was expected. */
export class MetricError extends Error {
  readonly code: MetricErrorCode;
  readonly position: SourcePosition | null;
  readonly expected: string | null;
  readonly suggestion: string | null;

  constructor(message: string, details: MetricErrorDetails) {
    super(message);
    this.name = 'MetricError';
    this.code = details.code;
    this.position = details.position;
    this.expected = details.expected ?? null;
    this.suggestion = details.suggestion ?? null;
  }
}

/** `line:column`, the form every message uses. */
export function formatPosition(p: SourcePosition): string {
  return `${p.line}:${p.column}`;
}

/** The position of `offset` in `source` (counts '\n' as the line break). */
export function positionAt(source: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, source.length);
  for (let i = 0; i < end; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1, offset };
}

/** Code points a message should spell out rather than print: controls, separators, surrogates. */
export function isUnprintable(cp: number): boolean {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0xa0) || cp === 0x2028 || cp === 0x2029 || (cp >= 0xd800 && cp <= 0xdfff) || cp === 0xfeff;
}

/** Quotes a piece of source for a message: truncated, with unprintable characters spelled out. */
export function quote(text: string): string {
  const short = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  let out = '';
  for (const ch of short) {
    const cp = ch.codePointAt(0) ?? 0;
    out += isUnprintable(cp) ? `\\u${cp.toString(16).padStart(4, '0')}` : ch;
  }
  return `'${out}'`;
}

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), or `Infinity`
 * once it must exceed `limit`: typos like 'landingEorr' are one edit away, and the cap keeps a
 * 2,000-character identifier from costing more than a length comparison.
 */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return Infinity;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (prev2[j - 2] as number) + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > limit) return Infinity;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  const d = prev[n] as number;
  return d > limit ? Infinity : d;
}

/**
 * The closest candidate to `name`, if it is close enough to be a plausible typo: at most one
 * edit per three characters (at least one, at most three). Ties go to the earlier candidate.
 */
export function closestName(name: string, candidates: Iterable<string>): string | null {
  const limit = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(name, c, limit);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
