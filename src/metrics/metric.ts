/**
 * A metric: an expression over a world's measurements, a direction, and a pass threshold.
 *
 * The threshold is part of the metric (not of the feedback channel) because loosening it is one
 * of the ways a metric can flatter its learners, so the anchor gate must see and judge it.
 * The serialisable form is `{ expression, direction, threshold }`; the AST is re-derived by
 * parsing, so a run record only ever stores readable text.
 */
import { z } from 'zod';
import { checkAst, children, type Expr, type MeasurementList, type MeasurementTable } from './ast.ts';
import { MetricError } from './errors.ts';
import { compile, evaluate } from './interpreter.ts';
import { parse } from './parser.ts';
import { print } from './printer.ts';

/** Which way is better for a metric's value, in listing order. */
export const METRIC_DIRECTIONS = ['lower', 'higher'] as const;
/** Which way is better for a metric's value. */
export type MetricDirection = (typeof METRIC_DIRECTIONS)[number];

/** The serialisable form of a metric (run records, configs, the CLI). */
export const metricSpecSchema = z.strictObject({
  /** Metric-language text; checked by the parser, not here, so errors carry positions. */
  expression: z.string(),
  direction: z.enum(METRIC_DIRECTIONS),
  /** Pass threshold for binary feedback: passes iff value ≤ threshold (lower) or ≥ (higher). */
  threshold: z.number(),
});
/** The serialisable form of a metric. */
export type MetricSpec = z.infer<typeof metricSpecSchema>;

/** A parsed metric: normalised text, its (deep-frozen) AST, direction and pass threshold. */
export interface Metric {
  /** Normalised text: `print(ast)`, whatever spacing or parentheses the input had. */
  readonly expression: string;
  readonly ast: Expr;
  readonly direction: MetricDirection;
  readonly threshold: number;
}

/** What a feedback channel needs of a metric besides its value: its direction and pass threshold. */
export type MetricSense = Pick<Metric, 'direction' | 'threshold'>;

/**
 * A metric compiled for hot loops (training, feedback): its sense plus a value function of one
 * consequence's measurements (NaN when undefined, like `metricValue`).
 */
export interface CompiledMetric extends MetricSense {
  /** The metric's normalised text (for labels and records). */
  readonly expression: string;
  readonly value: (measurements: Readonly<Record<string, number>>) => number;
}

/** Compiles a parsed metric's AST once into a `CompiledMetric`. */
export function compileMetric(metric: Metric): CompiledMetric {
  return { expression: metric.expression, direction: metric.direction, threshold: metric.threshold, value: compile(metric.ast) };
}

/** Same expression, direction and threshold. */
export function sameMetric(a: Metric, b: Metric): boolean {
  return a.expression === b.expression && a.direction === b.direction && Object.is(a.threshold, b.threshold);
}

/** Validates and parses a metric spec against a world's measurements; throws MetricError. */
export function parseMetric(input: unknown, measurements: MeasurementList | MeasurementTable): Metric {
  const spec = metricSpecSchema.safeParse(input);
  if (!spec.success) {
    const why = spec.error.issues.map((i) => `${i.path.map(String).join('.') || '(metric)'}: ${i.message}`).join('; ');
    throw new MetricError(`invalid metric: ${why}`, { code: 'invalid-metric', position: null });
  }
  const ast = parse(spec.data.expression, measurements);
  return Object.freeze({ expression: print(ast), ast, direction: spec.data.direction, threshold: spec.data.threshold });
}

/** The serialisable form of a metric (round-trips through `parseMetric`). */
export function metricToSpec(metric: Metric): MetricSpec {
  return { expression: metric.expression, direction: metric.direction, threshold: metric.threshold };
}

/** A metric that is one measurement as is (a world's default metric, for example). */
export function metricFromMeasurement(name: string, direction: MetricDirection, threshold: number, measurements?: MeasurementList | MeasurementTable): Metric {
  return parseMetric({ expression: name, direction, threshold }, measurements ?? [name]);
}

/** The metric's value for one consequence's measurements: finite, or NaN when undefined. */
export function metricValue(metric: Metric, measurements: Readonly<Record<string, number>>): number {
  return evaluate(metric.ast, measurements);
}

/** True iff the value is on the good side of the threshold (inclusive); NaN never passes. */
export function metricPasses(sense: MetricSense, value: number): boolean {
  if (Number.isNaN(value)) return false;
  return sense.direction === 'lower' ? value <= sense.threshold : value >= sense.threshold;
}

/** The measurement names an AST reads, sorted and without repeats. */
export function measurementsUsed(ast: Expr): string[] {
  checkAst(ast);
  const names = new Set<string>();
  const stack: Expr[] = [ast];
  while (stack.length > 0) {
    const node = stack.pop() as Expr;
    if (node.type === 'measurement') names.add(node.name);
    else stack.push(...children(node));
  }
  return [...names].sort();
}

