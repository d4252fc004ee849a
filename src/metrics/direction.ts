/**
 * A metric's default direction, from the world's own declarations: each measurement says which
 * way an honest optimiser pushes it (`better: lower | higher | none`), and the expression says
 * how it moves with each measurement. `timeInZone` (better: higher) is a higher-is-better metric;
 * `restError - timeInZone` is lower-is-better (both measurements agree once the sign is read);
 * `timeInZone + restError` has no direction (the two pull opposite ways) and neither has
 * `maxHeight` (better: none). Where there is no direction, the caller must be told to give one
 * (the CLI exits 2 asking for `--direction`): a silent default would teach learners the wrong way.
 *
 * How the expression moves with a measurement m is read from the AST, conservatively: +1 (never
 * falls as m rises, the others fixed), −1 (never rises), 0 (does not depend on m), or unknown.
 * `+`, `min`, `max`, `clamp`, `log`, `exp`, `sqrt` keep the sense; `-` and unary minus flip
 * the right operand's; `*` and `/` by a constant (an expression with no measurement) keep or flip
 * it by the constant's sign; `threshold(x, t)`, `<`, `>` … are steps, rising in one side and
 * falling in the other; `if(c, a, b)` keeps the sense of its branches when c does not read m.
 * Anything else (a product of two measurements, `abs`, `==`, dividing by a measurement) is
 * unknown, and an unknown sense asks for a direction too.
 *
 * This is the one rule for every place a metric is written: the CLI (`train`, `evolve`,
 * `metric check`), config and scenario files, and the app's editor.
 */
import type { MeasurementSpec } from '../core/types.ts';
import type { Expr } from './ast.ts';
import { MetricError } from './errors.ts';
import { evaluate } from './interpreter.ts';
import { measurementsUsed, type MetricDirection } from './metric.ts';

/** How an expression moves as one measurement rises: 1 up, −1 down, 0 not at all, null unknown. */
export type Sense = 1 | -1 | 0 | null;

const flip = (s: Sense): Sense => (s === null ? null : s === 0 ? 0 : s === 1 ? -1 : 1);

/** Sense of a sum of terms with these senses: 0s drop out; equal senses stay; mixed is unknown. */
function combine(...senses: Sense[]): Sense {
  let out: Sense = 0;
  for (const s of senses) {
    if (s === null) return null;
    if (s === 0) continue;
    if (out === 0) out = s;
    else if (out !== s) return null;
  }
  return out;
}

const reads = (e: Expr): boolean => measurementsUsed(e).length > 0;

/** The value of an expression that reads no measurement (NaN when undefined). */
const constant = (e: Expr): number => evaluate(e, {});

/** Sense scaled by a constant factor's sign (unknown for NaN; 0 for a zero factor). */
function scaled(s: Sense, c: number): Sense {
  if (Number.isNaN(c)) return null;
  return c > 0 ? s : c < 0 ? flip(s) : 0;
}

/** How `e` moves as measurement `m` rises (see the module comment for the rules). */
export function senseOf(e: Expr, m: string): Sense {
  switch (e.type) {
    case 'number':
      return 0;
    case 'measurement':
      return e.name === m ? 1 : 0;
    case 'negate':
      return flip(senseOf(e.operand, m));
    case 'binary': {
      const l = senseOf(e.left, m);
      const r = senseOf(e.right, m);
      if (e.op === '+') return combine(l, r);
      if (e.op === '-') return combine(l, flip(r));
      if (l === 0 && r === 0) return 0;
      if (e.op === '*') {
        if (!reads(e.right)) return scaled(l, constant(e.right));
        if (!reads(e.left)) return scaled(r, constant(e.left));
        return null;
      }
      // Division: only by a constant is the sense known.
      return reads(e.right) ? null : scaled(l, 1 / constant(e.right));
    }
    case 'compare': {
      const l = senseOf(e.left, m);
      const r = senseOf(e.right, m);
      if (e.op === '<' || e.op === '<=') return combine(flip(l), r);
      if (e.op === '>' || e.op === '>=') return combine(l, flip(r));
      return l === 0 && r === 0 ? 0 : null;
    }
    case 'call': {
      const s = e.args.map((a) => senseOf(a, m));
      switch (e.fn) {
        case 'min':
        case 'max':
        case 'clamp':
        case 'log':
        case 'exp':
        case 'sqrt':
          return combine(...s);
        case 'threshold':
          return combine(s[0] as Sense, flip(s[1] as Sense));
        case 'if':
          return s[0] === 0 ? combine(s[1] as Sense, s[2] as Sense) : null;
        case 'abs':
          return s[0] === 0 ? 0 : null;
      }
    }
  }
}

/** What one measurement says about the direction. */
export interface DirectionVote {
  readonly measurement: string;
  readonly better: MeasurementSpec['better'];
  /** How the expression moves as the measurement rises. */
  readonly sense: Sense;
  /** The direction this measurement implies for the expression (null: it implies none). */
  readonly implies: MetricDirection | null;
}

/** The direction the declarations give an expression, or null with the reason there is none. */
export interface DirectionInference {
  readonly direction: MetricDirection | null;
  /** One sentence: why this direction, or why there is none. */
  readonly reason: string;
  readonly votes: readonly DirectionVote[];
}

const fmt = (v: DirectionVote): string => `${v.measurement} (better: ${v.better}${v.sense === -1 ? ', enters with a minus' : ''})`;

/** The default direction of an expression from the `better` of the measurements it reads. */
export function inferDirection(ast: Expr, measurements: readonly Pick<MeasurementSpec, 'name' | 'better'>[]): DirectionInference {
  const used = measurementsUsed(ast);
  if (used.length === 0) return { direction: null, reason: 'the expression reads no measurement', votes: [] };
  const votes: DirectionVote[] = used.map((name) => {
    const better = measurements.find((x) => x.name === name)?.better ?? 'none';
    const sense = senseOf(ast, name);
    const implies: MetricDirection | null = better === 'none' || sense === null || sense === 0 ? null : (better === 'higher') === (sense === 1) ? 'higher' : 'lower';
    return { measurement: name, better, sense, implies };
  });
  const counted = votes.filter((v) => v.sense !== 0);
  const none = counted.filter((v) => v.better === 'none');
  if (none.length) return { direction: null, reason: `${none.map((v) => v.measurement).join(', ')} declare${none.length === 1 ? 's' : ''} no better direction`, votes };
  const unknown = counted.filter((v) => v.sense === null);
  if (unknown.length) return { direction: null, reason: `the expression does not move one way with ${unknown.map((v) => v.measurement).join(', ')}`, votes };
  if (counted.length === 0) return { direction: null, reason: 'the expression does not depend on the measurements it reads', votes };
  const dirs = new Set(counted.map((v) => v.implies));
  if (dirs.size > 1) {
    const by = (d: MetricDirection): string => counted.filter((v) => v.implies === d).map(fmt).join(', ');
    return { direction: null, reason: `the measurements disagree: ${by('higher')} say${counted.filter((v) => v.implies === 'higher').length === 1 ? 's' : ''} higher, ${by('lower')} say${counted.filter((v) => v.implies === 'lower').length === 1 ? 's' : ''} lower`, votes };
  }
  const direction = counted[0]!.implies as MetricDirection;
  return { direction, reason: `${direction} is better, as ${counted.map(fmt).join(', ')} declare${counted.length === 1 ? 's' : ''}`, votes };
}

/**
 * The direction of a metric: the one given, else the one the declarations imply. Throws a
 * MetricError (`direction-required`) naming why there is none, for the caller to turn into
 * "exit 2: pass --direction" (`directionRequiredText` words it the same everywhere).
 */
export function resolveDirection(ast: Expr, measurements: readonly Pick<MeasurementSpec, 'name' | 'better'>[], given?: MetricDirection): MetricDirection {
  if (given !== undefined) return given;
  const inferred = inferDirection(ast, measurements);
  if (inferred.direction === null) {
    throw new MetricError(`no default direction (${inferred.reason})`, { code: 'direction-required', position: null });
  }
  return inferred.direction;
}

/** The `allowed` text of an input error for a metric with no direction (the same words in the CLI, configs and scenarios). */
export function directionRequiredText(expression: string, err: MetricError): string {
  const text = expression.length > 60 ? `${expression.slice(0, 60)}…` : expression;
  return `lower or higher (pass --direction): '${text}' has ${err.message}`;
}
