/** Small hand-made anchor matrices and contexts shared by the gate's edge and mutant tests. */
import type { SafeguardContext } from '../../src/anchors/gate.ts';
import type { AnchorMatrix, AnchorOracle } from '../../src/anchors/oracle.ts';
import { parseMetric, type Metric, type MetricDirection } from '../../src/metrics/index.ts';

/** A metric over the free measurements `x` and `y`. */
export const metric = (expression: string, direction: MetricDirection, threshold: number): Metric => parseMetric({ expression, direction, threshold }, ['x', 'y']);

/**
 * A matrix from per-member rows of (x, y, pass): ground truth passes where `pass` is true, with
 * margin +1 / −1; `x` and `y` are free measurements.
 */
export function matrixOf(rows: readonly (readonly [number, number, boolean])[][]): AnchorMatrix {
  return {
    members: rows.map((_, i) => `m${i}`),
    tasks: (rows[0] ?? []).map((_, t) => `t${t}`),
    consequences: rows.map((row) => row.map(([x, y, pass]) => ({ measurements: { x, y }, verdicts: [{ check: 'ok', pass, margin: pass ? 1 : -1 }], gtPass: pass }))),
  };
}

/** A safeguard's context at `generation`. */
export const ctx = (oracle: AnchorOracle, current: Metric, generation = 1): SafeguardContext => ({ oracle, current, generation });
