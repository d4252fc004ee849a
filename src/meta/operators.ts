/**
 * Metric mutation operators: each turns one metric into a neighbouring one by editing its AST
 * (built with `build`, printed with `print`, re-parsed with `parseMetric`, so every candidate is
 * a valid, normalised metric of the world's measurement table) — or returns null when it does
 * not apply (no number to re-weight, no term to drop, limits reached).
 *
 * The operators see only plain data: the world's measurement specs (names, units, the direction
 * an honest optimiser would push) and the measurements of the population's recent train
 * episodes. Thresholds are moved in *pass-rate* units on those episodes (soften: the bar that
 * lets about 5–10 % more of them pass), so one operator works for metres, seconds and flags.
 * A structural edit that changes the metric's scale (add or drop a term, swap to a measurement
 * of another unit) recalibrates the threshold to keep the pass rate it had: the edit is then
 * judged for what it measures, not for a bar that moved by accident.
 */
import type { Stream } from '../core/rng.ts';
import type { MeasurementSpec } from '../core/types.ts';
import { build, checkAst, children, compile, measurementsUsed, metricPasses, metricValue, MetricError, parseMetric, print, type Expr, type Metric, type MetricDirection } from '../metrics/index.ts';

/** The operator names, in listing order (the bandit's arms). */
export const METRIC_OPERATORS = ['soften-threshold', 'sharpen-threshold', 'change-weight', 'add-term', 'drop-term', 'swap-measurement'] as const;
/** One metric mutation operator. */
export type MetricOperatorName = (typeof METRIC_OPERATORS)[number];

/** Measurements of one episode, as plain data. */
export type MeasurementRecord = Readonly<Record<string, number>>;

/** What an operator may look at besides the metric. */
export interface MutationContext {
  /** The world's measurement specs (plain data handed in by the runner). */
  readonly measurements: readonly MeasurementSpec[];
  /** Measurements of the population's recent train episodes (no verdicts). */
  readonly recent: readonly MeasurementRecord[];
  readonly rng: Stream;
  /** Steering (steering.ts): relative weights of measurements for swap-measurement and add-term; absent = uniform. */
  readonly weights?: Readonly<Record<string, number>>;
}

/** Picks a measurement spec, uniformly or by `ctx.weights` (uniform draws stay the exact draws of an unsteered run). */
function pickSpec(ctx: MutationContext, specs: readonly MeasurementSpec[]): MeasurementSpec {
  const w = ctx.weights;
  if (!w) return ctx.rng.pick(specs);
  const ws = specs.map((s) => Math.max(0, w[s.name] ?? 1));
  const total = ws.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return ctx.rng.pick(specs);
  let u = ctx.rng.next() * total;
  for (let i = 0; i < specs.length; i++) {
    u -= ws[i] as number;
    if (u < 0) return specs[i] as MeasurementSpec;
  }
  return specs[specs.length - 1] as MeasurementSpec;
}

/**
 * Softening stops at this pass rate on the recent episodes: a bar that every episode clears
 * (outliers included) no longer tells anything apart, so the meta-agent keeps a few failures.
 */
export const SOFTEN_CAP = 0.95;

/** Largest AST an operator will build: metrics stay readable in a run record. */
export const MAX_METRIC_NODES = 24;

// ------------------------------------------------------------------------------ helpers

/** Rounds to 3 significant digits (readable thresholds and weights); 0 stays 0. */
export function round3(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  return Number(x.toPrecision(3));
}

/** Values of a metric (or a bare AST) on records, NaN where undefined. */
function valuesOf(metric: Metric | Expr, recent: readonly MeasurementRecord[]): number[] {
  const ast = 'ast' in metric ? metric.ast : metric;
  const f = compile(ast);
  return recent.map((r) => f(r));
}

function parseMetricSafe(expression: string, direction: MetricDirection, threshold: number, measurements: readonly MeasurementSpec[]): Metric | null {
  if (!Number.isFinite(threshold)) return null;
  try {
    return parseMetric({ expression, direction, threshold }, measurements);
  } catch (err) {
    if (err instanceof MetricError) return null;
    throw err;
  }
}

/** Goodness (higher is better) of values under a direction; NaN stays NaN. */
const good = (direction: MetricDirection, v: number): number => (direction === 'lower' ? -v : v);

/** Fraction of records on which the metric passes (NaN never passes). */
export function passRateOn(metric: Metric, recent: readonly MeasurementRecord[]): number {
  if (recent.length === 0) return 0;
  let k = 0;
  for (const r of recent) {
    if (metricPasses(metric, metricValue(metric, r))) k++;
  }
  return k / recent.length;
}

/**
 * The threshold at which about `rate` of the finite values pass (rate in [0, 1]): a value of the
 * sample itself, so the pass rate on the sample is at least `rate` when it can be.
 */
export function thresholdForPassRate(values: readonly number[], direction: MetricDirection, rate: number): number | null {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return null;
  // Sort best first in goodness; passing `k` of them means the bar sits at the k-th best value.
  const sorted = [...finite].sort((a, b) => good(direction, b) - good(direction, a));
  const k = Math.min(sorted.length, Math.max(1, Math.ceil(rate * values.length)));
  return sorted[k - 1] as number;
}

/** A metric rebuilt from an AST, direction and threshold; null if invalid or too large. */
function rebuild(rawAst: Expr, rawDirection: MetricDirection, rawThreshold: number, ctx: MutationContext): Metric | null {
  const { ast, direction, threshold } = normalise(rawAst, rawDirection, rawThreshold);
  let nodes: number;
  try {
    nodes = checkAst(ast).nodes;
  } catch (err) {
    if (err instanceof MetricError) return null;
    throw err;
  }
  if (nodes > MAX_METRIC_NODES) return null;
  return parseMetricSafe(print(ast), direction, round3(threshold), ctx.measurements);
}

/**
 * Folds what only shifts or scales a metric into its threshold, at the root, so that equivalent
 * metrics print alike and a metric that has shrunk to one measurement *is* one measurement:
 * `x + c ≤ t` → `x ≤ t − c`; `c·x ≤ t` → `x ≤ t/c` (c < 0 flips the direction); `x / c`;
 * `−x ≤ t` → `x ≥ −t`; `max(x)` → `x`. Ranking and pass/fail are unchanged, and so is what a
 * learner learns (feedback channels are offset- and scale-free up to the threshold).
 */
export function normalise(ast: Expr, direction: MetricDirection, threshold: number): { ast: Expr; direction: MetricDirection; threshold: number } {
  const flip = (d: MetricDirection): MetricDirection => (d === 'lower' ? 'higher' : 'lower');
  let a = ast;
  let d = direction;
  let t = threshold;
  for (let i = 0; i < 32; i++) {
    if (a.type === 'call' && (a.fn === 'min' || a.fn === 'max') && a.args.length === 1) a = a.args[0] as Expr;
    else if (a.type === 'negate') {
      a = a.operand;
      d = flip(d);
      t = -t;
    } else if (a.type === 'binary' && (a.op === '+' || a.op === '-') && a.right.type === 'number') {
      t = a.op === '+' ? t - a.right.value : t + a.right.value;
      a = a.left;
    } else if (a.type === 'binary' && a.op === '+' && a.left.type === 'number') {
      t -= a.left.value;
      a = a.right;
    } else if (a.type === 'binary' && (a.op === '*' || a.op === '/') && a.right.type === 'number' && a.right.value !== 0) {
      const c = a.op === '*' ? a.right.value : 1 / a.right.value;
      t /= c;
      if (c < 0) d = flip(d);
      a = a.left;
    } else if (a.type === 'binary' && a.op === '*' && a.left.type === 'number' && a.left.value !== 0) {
      t /= a.left.value;
      if (a.left.value < 0) d = flip(d);
      a = a.right;
    } else break;
  }
  return { ast: a, direction: d, threshold: t };
}

/** Keeps the pass rate the metric had on the recent episodes by moving the threshold of `next`. */
function calibrated(ast: Expr, direction: MetricDirection, passRate: number, fallback: number, ctx: MutationContext): Metric | null {
  const values = valuesOf(ast, ctx.recent);
  const t = thresholdForPassRate(values, direction, passRate);
  return rebuild(ast, direction, t ?? fallback, ctx);
}

/** Every node of an AST with its path (child indices from the root), pre-order. */
export function nodesWithPaths(ast: Expr): { node: Expr; path: number[] }[] {
  const out: { node: Expr; path: number[] }[] = [];
  const walk = (node: Expr, path: number[]): void => {
    out.push({ node, path });
    children(node).forEach((k, i) => walk(k, [...path, i]));
  };
  walk(ast, []);
  return out;
}

/** A copy of `ast` with the node at `path` replaced (positions dropped on the rebuilt spine). */
export function replaceAt(ast: Expr, path: readonly number[], replacement: Expr): Expr {
  if (path.length === 0) return replacement;
  const [i, ...rest] = path as [number, ...number[]];
  const swap = (k: Expr, j: number): Expr => (j === i ? replaceAt(k, rest, replacement) : k);
  switch (ast.type) {
    case 'number':
    case 'measurement':
      throw new RangeError('replaceAt: path goes below a leaf');
    case 'negate':
      return build.neg(swap(ast.operand, 0));
    case 'binary':
      return build.binary(ast.op, swap(ast.left, 0), swap(ast.right, 1));
    case 'compare':
      return build.compare(ast.op, swap(ast.left, 0), swap(ast.right, 1));
    case 'call':
      return build.call(ast.fn, ...ast.args.map(swap));
  }
}

const specOf = (ctx: MutationContext, name: string): MeasurementSpec | undefined => ctx.measurements.find((m) => m.name === name);

function std(values: readonly number[]): number {
  const f = values.filter(Number.isFinite);
  if (f.length < 2) return NaN;
  const mean = f.reduce((a, b) => a + b, 0) / f.length;
  return Math.sqrt(f.reduce((a, b) => a + (b - mean) ** 2, 0) / f.length);
}

// ------------------------------------------------------------------------------ operators

/**
 * soften / sharpen: move the pass threshold so that about 5–10 % more (soften) or fewer
 * (sharpen) of the recent episodes pass. Loosening flatters the learners; the gate judges it
 * through threshold agreement (κ). Without usable data the bar moves by 25 % of its size.
 */
function moveThreshold(metric: Metric, ctx: MutationContext, soften: boolean): Metric | null {
  const values = ctx.recent.map((r) => metricValue(metric, r));
  const p = passRateOn(metric, ctx.recent);
  // Nothing left to loosen (every recent episode passes) or to tighten (none does): a bar
  // beyond all the data measures nothing, so the operator does not apply.
  if (ctx.recent.length > 0 && (soften ? p >= SOFTEN_CAP : p <= 0)) return null;
  const step = 0.05 + 0.05 * ctx.rng.next();
  const target = soften ? Math.min(SOFTEN_CAP, p + step) : Math.max(0, p - step);
  let t = target > 0 ? thresholdForPassRate(values, metric.direction, target) : null;
  const loosens = (a: number, b: number): boolean => (metric.direction === 'lower' ? a > b : a < b);
  const ok = t !== null && (soften ? loosens(round3(t), metric.threshold) : loosens(metric.threshold, round3(t)));
  if (!ok) {
    const size = Math.max(Math.abs(metric.threshold), 0.1 * (std(values) || 1), 1e-3);
    const sign = (metric.direction === 'lower') === soften ? 1 : -1;
    t = metric.threshold + sign * 0.25 * size;
  }
  return rebuild(metric.ast, metric.direction, t as number, ctx);
}

/** change-weight: multiply one number literal by e^{N(0, 0.5²)} (3 significant digits). */
function changeWeight(metric: Metric, ctx: MutationContext): Metric | null {
  const numbers = nodesWithPaths(metric.ast).filter((n) => n.node.type === 'number' && n.node.value !== 0);
  if (numbers.length === 0) return null;
  const pick = ctx.rng.pick(numbers);
  const old = (pick.node as { value: number }).value;
  const next = round3(old * Math.exp(0.5 * ctx.rng.normal()));
  if (next === old || !Number.isFinite(next)) return null;
  return rebuild(replaceAt(metric.ast, pick.path, build.num(next)), metric.direction, metric.threshold, ctx);
}

/**
 * add-term: `metric ± w·m` for a measurement m the metric does not read yet, signed so the term
 * rewards what m's spec calls better (random for descriptive ones), w matched to the spreads seen
 * on recent episodes (so the new term neither vanishes nor swamps the old ones); the bar is
 * recalibrated to the old pass rate, since a summand changes the metric's scale. (A measurement
 * already read would only re-weight it — `change-weight`'s job — or, on a one-measurement metric,
 * print `restError + 0.5 * restError`: the same metric with another bar.)
 */
function addTerm(metric: Metric, ctx: MutationContext): Metric | null {
  const used = new Set(measurementsUsed(metric.ast));
  const fresh = ctx.measurements.filter((m) => !used.has(m.name));
  if (fresh.length === 0) return null;
  const spec = pickSpec(ctx, fresh);
  const want = spec.better === 'none' ? (ctx.rng.next() < 0.5 ? 'lower' : 'higher') : spec.better;
  const op = want === metric.direction ? '+' : '-';
  const sdOld = std(valuesOf(metric, ctx.recent));
  const sdNew = std(ctx.recent.map((r) => r[spec.name] ?? NaN));
  let w = sdOld > 0 && sdNew > 0 ? (0.5 * sdOld) / sdNew : 0.5;
  w = round3(w * Math.exp(0.3 * ctx.rng.normal()));
  if (!(w > 0) || !Number.isFinite(w)) return null;
  const term = w === 1 ? build.ref(spec.name) : build.binary('*', build.num(w), build.ref(spec.name));
  const ast = build.binary(op, metric.ast, term);
  return calibrated(ast, metric.direction, passRateOn(metric, ctx.recent), metric.threshold, ctx);
}

/** drop-term: replace a `+`/`−` node by one of its operands, or drop one argument of min/max. */
function dropTerm(metric: Metric, ctx: MutationContext): Metric | null {
  const sites = nodesWithPaths(metric.ast).filter(
    (n) => (n.node.type === 'binary' && (n.node.op === '+' || n.node.op === '-')) || (n.node.type === 'call' && (n.node.fn === 'min' || n.node.fn === 'max') && n.node.args.length >= 2),
  );
  if (sites.length === 0) return null;
  const site = ctx.rng.pick(sites);
  let replacement: Expr;
  if (site.node.type === 'binary') replacement = ctx.rng.next() < 0.5 ? site.node.left : site.node.op === '+' ? site.node.right : build.neg(site.node.right);
  else {
    const args = (site.node as { args: readonly Expr[] }).args;
    const drop = ctx.rng.int(0, args.length - 1);
    const rest = args.filter((_, i) => i !== drop);
    replacement = rest.length === 1 ? (rest[0] as Expr) : build.call((site.node as { fn: 'min' | 'max' }).fn, ...rest);
  }
  const ast = replaceAt(metric.ast, site.path, replacement);
  // Dropping one side of a min/max keeps the units and the bar (a constraint less, or an
  // alternative less); dropping a summand changes the scale, so the bar is recalibrated.
  if (site.node.type === 'call') return rebuild(ast, metric.direction, metric.threshold, ctx);
  return calibrated(ast, metric.direction, passRateOn(metric, ctx.recent), metric.threshold, ctx);
}

/**
 * swap-measurement: replace one measurement reference by another measurement the metric does not
 * read yet — or, as one more
 * site to pick, the whole metric by a single measurement ("judge them by m instead"). A metric
 * that becomes a single measurement takes that measurement's declared direction, and only
 * measurements with one qualify: "maxHeight, lower is better" is not a success metric anyone
 * would propose. Same unit and direction: the bar is kept (a metre is a metre); otherwise it is
 * recalibrated to the old pass rate (for a flag, the nearest bar a flag can have).
 */
function swapMeasurement(metric: Metric, ctx: MutationContext): Metric | null {
  const refs = nodesWithPaths(metric.ast).filter((n) => n.node.type === 'measurement');
  // The root is a site of its own unless the metric already is one measurement.
  const sites: { node: Expr | null; path: number[] }[] = metric.ast.type === 'measurement' ? refs : [...refs, { node: null, path: [] }];
  if (sites.length === 0) return null;
  const site = ctx.rng.pick(sites);
  const alone = site.path.length === 0;
  const oldName = site.node?.type === 'measurement' ? site.node.name : null;
  // Inside a compound metric the new reference must be a measurement it does not read yet:
  // `restError + 21.5 * landingError` → `restError + 21.5 * restError` is `restError` with another bar.
  const used = new Set(measurementsUsed(metric.ast));
  const others = ctx.measurements.filter((m) => m.name !== oldName && (alone ? m.better !== 'none' : !used.has(m.name)));
  if (others.length === 0) return null;
  const next = pickSpec(ctx, others);
  const ast = replaceAt(metric.ast, site.path, build.ref(next.name));
  const direction: MetricDirection = alone && next.better !== 'none' ? next.better : metric.direction;
  const old = oldName === null ? undefined : specOf(ctx, oldName);
  const sameScale = old !== undefined && old.unit === next.unit && direction === metric.direction;
  if (sameScale) return rebuild(ast, direction, metric.threshold, ctx);
  return calibrated(ast, direction, passRateOn(metric, ctx.recent), metric.threshold, ctx);
}

/** Applies one operator; null when it does not apply to this metric. */
export function mutateMetric(operator: MetricOperatorName, metric: Metric, ctx: MutationContext): Metric | null {
  switch (operator) {
    case 'soften-threshold':
      return moveThreshold(metric, ctx, true);
    case 'sharpen-threshold':
      return moveThreshold(metric, ctx, false);
    case 'change-weight':
      return changeWeight(metric, ctx);
    case 'add-term':
      return addTerm(metric, ctx);
    case 'drop-term':
      return dropTerm(metric, ctx);
    case 'swap-measurement':
      return swapMeasurement(metric, ctx);
  }
}
