/**
 * The metric seam between worlds and feedback channels, until the metric language (src/metrics)
 * lands: a metric is a scalar of a consequence's measurements, a direction and a pass threshold.
 *
 * A `MetricSpec` names one measurement (plain data: it goes in configs and run records).
 * `compileMetric` turns it into a `Metric`, whose `value` is a `(measurements) => number`
 * function: a metric expression from the language will compile to the same shape, so channels
 * and learners never change. Channels only ever see `value`, `direction` and `threshold`.
 */
import { z } from 'zod';
import type { Consequence } from '../core/types.ts';

/** Which way a metric improves. */
export const DIRECTIONS = ['lower', 'higher'] as const;
/** `lower`: smaller values are better (errors, distances); `higher`: larger values are better. */
export type Direction = (typeof DIRECTIONS)[number];

/** A metric as plain data: one measurement, its direction and its pass threshold. */
export const metricSpecSchema = z.strictObject({
  /** Name of the measurement the metric reads (e.g. `restError`). */
  measurement: z.string().min(1),
  /** Which way the metric improves. */
  direction: z.enum(DIRECTIONS),
  /** Pass threshold: `lower` passes when value ≤ threshold, `higher` when value ≥ threshold. */
  threshold: z.number().refine(Number.isFinite, 'a finite number'),
});
/** A metric as plain data (see `metricSpecSchema`). */
export type MetricSpec = z.infer<typeof metricSpecSchema>;

/** What a channel needs to know about a metric besides its value. */
export interface MetricSense {
  readonly direction: Direction;
  readonly threshold: number;
}

/** A compiled metric: a scalar function of measurements, with its direction and threshold. */
export interface Metric extends MetricSense {
  /** Human-readable source (the measurement name now, the expression later). */
  readonly label: string;
  /** The metric's value on one consequence's measurements. */
  readonly value: (measurements: Readonly<Record<string, number>>) => number;
}

/** Compiles a measurement-name spec into a metric; a missing measurement is an error, never NaN. */
export function compileMetric(spec: MetricSpec): Metric {
  const s = metricSpecSchema.parse(spec);
  return {
    label: s.measurement,
    direction: s.direction,
    threshold: s.threshold,
    value: (m) => {
      const v = m[s.measurement];
      if (v === undefined) throw new RangeError(`metric '${s.measurement}': no such measurement (have ${Object.keys(m).join(', ')})`);
      return v;
    },
  };
}

/** The metric's value on a consequence. */
export function metricOf(metric: Metric, consequence: Pick<Consequence, 'measurements'>): number {
  return metric.value(consequence.measurements);
}

/** Whether a metric value passes its threshold (the threshold itself passes, like a zero margin). */
export function metricPasses(value: number, direction: Direction, threshold: number): boolean {
  return direction === 'lower' ? value <= threshold : value >= threshold;
}
