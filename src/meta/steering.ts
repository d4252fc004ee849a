/**
 * Proposal steering by the gate's verdicts (issue 10): what lets anchored evolution escape the
 * designer's blind spot. Unsteered, the meta-agent proposes only what flatters the population
 * (src/meta/preference.ts); under a strong gate every such proposal is refused and the metric
 * never leaves the designer's (projectile with a ball: `landingError`, blind to rolling).
 *
 * The anchor memory holds the verdicts the safeguard *bought* through the budgeted oracle —
 * an episode's measurements, its ground-truth margin and pass — and nothing else: the runner
 * hands them over after each generation's decisions (wall 1: verdicts reach the meta-agent only
 * through the gate's budgeted query; learners never see them — they learn from the adopted metric
 * alone). At α = 0 the gate buys nothing, so nothing is remembered and the agent is unsteered:
 * the drift end stays the drift end.
 *
 * Two uses, both scaled by the `steering` weight (0 = off):
 * - **which measurement** `swap-measurement` and `add-term` reach for: weights
 *   exp(3 · steering · s(m)), with s(m) the Kendall τ-b of the measurement, oriented by its
 *   declared direction, against the remembered margins (0 for measurements with no direction or
 *   no evidence);
 * - **what is submitted**: candidates are ranked by preference gain + steering · (τ(candidate) −
 *   τ(adopted)), τ on the remembered verdicts, so a candidate the anchors support is submitted
 *   even when it flatters the learners less.
 * The gate still decides, on its own fresh sample: the memory only informs what it is offered.
 */
import { deterministicMath } from '../core/detmath.ts';
import type { MeasurementSpec } from '../core/types.ts';
import { metricValue, type Metric } from '../metrics/index.ts';
import type { MeasurementRecord } from './operators.ts';

/** One verdict the safeguard bought: what the oracle revealed, as plain data. */
export interface GateVerdict {
  readonly measurements: MeasurementRecord;
  readonly margin: number;
  readonly pass: boolean;
}

/** Verdicts kept (the latest): recent populations say more about the metric in force than old ones. */
export const MEMORY_LIMIT = 512;

/** Kendall τ-b of x against y (NaN in x counts as the worst value); null when undefined (n < 2 or a constant side). O(n²): n ≤ MEMORY_LIMIT. */
export function tauB(x: readonly number[], y: readonly number[]): number | null {
  const n = x.length;
  if (n < 2 || y.length !== n) return null;
  const v = x.map((a) => (Number.isNaN(a) ? -Infinity : a));
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign((v[j] as number) - (v[i] as number)) || 0;
      const dy = Math.sign((y[j] as number) - (y[i] as number)) || 0;
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tiesX++;
      else if (dy === 0) tiesY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  const denom = Math.sqrt((concordant + discordant + tiesX) * (concordant + discordant + tiesY));
  return denom > 0 ? (concordant - discordant) / denom : null;
}

/** The verdicts the gate bought, remembered across generations (plain data in and out). */
export class AnchorMemory {
  #cells: GateVerdict[] = [];

  /** Adds the verdicts bought in one generation (the latest MEMORY_LIMIT are kept). */
  add(cells: readonly GateVerdict[]): void {
    for (const c of cells) this.#cells.push({ measurements: { ...c.measurements }, margin: c.margin, pass: c.pass });
    if (this.#cells.length > MEMORY_LIMIT) this.#cells = this.#cells.slice(-MEMORY_LIMIT);
  }

  get size(): number {
    return this.#cells.length;
  }

  /** τ-b of a metric's goodness against the remembered margins (null: undefined or no memory). */
  support(metric: Metric): number | null {
    const sign = metric.direction === 'lower' ? -1 : 1;
    return tauB(
      this.#cells.map((c) => sign * metricValue(metric, c.measurements)),
      this.#cells.map((c) => c.margin),
    );
  }

  /** Support of each measurement oriented by its declared direction (0 for `none` or undefined). */
  measurementSupport(specs: readonly MeasurementSpec[]): Record<string, number> {
    const out: Record<string, number> = Object.create(null) as Record<string, number>;
    const margins = this.#cells.map((c) => c.margin);
    for (const s of specs) {
      if (s.better === 'none') {
        out[s.name] = 0;
        continue;
      }
      const sign = s.better === 'lower' ? -1 : 1;
      out[s.name] = tauB(this.#cells.map((c) => sign * (c.measurements[s.name] ?? NaN)), margins) ?? 0;
    }
    return out;
  }

  /** The memory as plain data (checkpoints). */
  snapshot(): GateVerdict[] {
    return this.#cells.map((c) => ({ measurements: { ...c.measurements }, margin: c.margin, pass: c.pass }));
  }

  /** Restores `snapshot`'s output. */
  restore(cells: readonly GateVerdict[]): void {
    this.#cells = [];
    this.add(cells);
  }
}

/** Measurement weights for the operators: exp(3 · steering · support). */
export function measurementWeights(support: Readonly<Record<string, number>>, steering: number): Record<string, number> {
  const out: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const [k, s] of Object.entries(support)) out[k] = deterministicMath.exp(3 * steering * s); // the same weights in Node and the browser
  return out;
}
