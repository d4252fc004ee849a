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
 * Three uses, all scaled by the `steering` weight (0 = off):
 * - **which measurement** `swap-measurement` and `add-term` reach for: weights
 *   exp(3 · steering · s(m)), with s(m) the Kendall τ-b of the measurement, oriented by its
 *   declared direction, against the remembered margins (0 for measurements with no direction or
 *   no evidence);
 * - **what is submitted**: candidates are ranked by preference gain + steering · (s(candidate) −
 *   s(adopted)), s the support on the remembered verdicts (τ-b; min(τ-b, κ) once calibrating, see
 *   below), so a candidate the anchors support is submitted even when it flatters the learners less;
 * - **where the bar goes** (once the memory holds a pass and a fail): a candidate's threshold is
 *   moved to the bar at which its pass/fail agrees best with the remembered verdicts (Cohen's κ;
 *   ties: the bar nearest its own), and its support becomes min(τ-b, κ) — the two statistics the
 *   gate asks to reach τ(α). Measured (projectile, ball, α 0.5, 640 verdicts, full size): the
 *   operators recalibrate a structural edit to the old metric's pass rate on recent episodes
 *   (about 0.6 under `landingError`), while ground truth passes a few per cent of them, so
 *   `timeInZone` ranked the verdicts perfectly (AUC 1.00) yet had κ ≈ 0 and was refused every
 *   time. The agent's own preference still scores the calibrated candidate (a tighter bar
 *   flatters less); one submission slot goes to the best-supported candidate (agent.ts).
 * The gate still decides, on its own fresh sample: the memory only informs what it is offered.
 */
import { deterministicMath } from '../core/detmath.ts';
import type { MeasurementSpec } from '../core/types.ts';
import { MetricError, metricPasses, metricValue, parseMetric, type Metric } from '../metrics/index.ts';
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

/** Cohen's κ between two pass/fail labelings given as counts; null when undefined (chance agreement 1). */
function kappaOf(both: number, onlyA: number, onlyB: number, n: number): number | null {
  const neither = n - both - onlyA - onlyB;
  const pa = (both + onlyA) / n;
  const pb = (both + onlyB) / n;
  const expected = pa * pb + (1 - pa) * (1 - pb);
  return expected < 1 ? ((both + neither) / n - expected) / (1 - expected) : null;
}

/** A calibrated candidate: the metric with its new bar and the support min(τ-b, κ) it has there. */
export interface Calibration {
  readonly metric: Metric;
  readonly kappa: number;
  readonly support: number;
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

  /** Whether the memory holds a pass and a fail (so κ, and a calibrated bar, are defined). */
  get bothOutcomes(): boolean {
    return this.#cells.some((c) => c.pass) && this.#cells.some((c) => !c.pass);
  }

  /** min(τ-b, κ) of a metric at its own bar on the memory (τ-b alone while κ is undefined; null: undefined). */
  gateSupport(metric: Metric): number | null {
    const tau = this.support(metric);
    if (tau === null) return null;
    let both = 0;
    let onlyA = 0;
    let onlyB = 0;
    for (const c of this.#cells) {
      const a = metricPasses(metric, metricValue(metric, c.measurements));
      if (a && c.pass) both++;
      else if (a) onlyA++;
      else if (c.pass) onlyB++;
    }
    const k = kappaOf(both, onlyA, onlyB, this.#cells.length);
    return k === null ? tau : Math.min(tau, k);
  }

  /**
   * The metric with its bar moved to where its pass/fail agrees best with the remembered passes
   * (Cohen's κ; bars halfway between neighbouring values, rounded to 3 significant digits when
   * that keeps them between the same values; ties: the bar nearest the metric's own), or null
   * while the memory lacks a pass or a fail, or the metric has fewer than two distinct values on it.
   */
  calibrate(metric: Metric, specs: readonly MeasurementSpec[]): Calibration | null {
    if (!this.bothOutcomes) return null;
    const tau = this.support(metric);
    if (tau === null) return null;
    const sign = metric.direction === 'lower' ? -1 : 1;
    // Goodness, higher is better; an undefined value never passes.
    const cells = this.#cells.map((c) => ({ g: sign * metricValue(metric, c.measurements), pass: c.pass })).filter((c) => !Number.isNaN(c.g));
    cells.sort((a, b) => b.g - a.g);
    const n = this.#cells.length;
    const passes = this.#cells.filter((c) => c.pass).length;
    let best: { bar: number; kappa: number } | null = null;
    const own = sign * metric.threshold;
    let both = 0;
    let onlyA = 0;
    // Sweep the bar down through the goodness values: after cell i, cells 0..i pass.
    for (let i = 0; i < cells.length - 1; i++) {
      const c = cells[i] as { g: number; pass: boolean };
      if (c.pass) both++;
      else onlyA++;
      const next = (cells[i + 1] as { g: number }).g;
      if (next === c.g) continue;
      const k = kappaOf(both, onlyA, passes - both, n);
      if (k === null) continue;
      let bar = (c.g + next) / 2;
      const rounded = Number(bar.toPrecision(3));
      if (rounded < c.g && rounded > next) bar = rounded;
      if (best === null || k > best.kappa + 1e-12 || (Math.abs(k - best.kappa) <= 1e-12 && Math.abs(bar - own) < Math.abs(best.bar - own))) best = { bar, kappa: k };
    }
    if (best === null) return null;
    const threshold = sign * best.bar;
    let calibrated: Metric;
    try {
      calibrated = parseMetric({ expression: metric.expression, direction: metric.direction, threshold: threshold === 0 ? 0 : threshold }, specs);
    } catch (err) {
      // A bar the metric language refuses (none is expected: the bar lies between two finite values).
      if (err instanceof MetricError) return null;
      throw err;
    }
    return { metric: calibrated, kappa: best.kappa, support: Math.min(tau, best.kappa) };
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
