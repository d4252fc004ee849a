/**
 * Agreement between a metric and ground truth on anchor evidence.
 *
 * Headline statistic: **Kendall τ-b** between the metric's *goodness* and the verdict margin.
 * - goodness is the metric value sign-adjusted by direction (higher = better: −v for `lower`);
 * - τ-b (not τ-a) because metrics built with `threshold`, comparisons or `if` are binary or
 *   step-shaped and produce many ties, and verdict margins tie too (−Infinity for undefined
 *   checks); τ-b divides by the tie-corrected pair counts, so a binary metric that separates
 *   passing from failing episodes perfectly still scores close to its best, and a constant metric
 *   is undefined (null) rather than "0 agreement by accident";
 * - it is rank-based: invariant to any monotone rescaling of the metric, so `restError` and
 *   `10 * restError` agree equally — but therefore blind to the pass threshold.
 * - NaN ("metric undefined", see src/metrics/interpreter.ts) counts as the worst value (−∞):
 *   a metric that is undefined where ground truth fails is not punished, one that is undefined
 *   where ground truth passes is. Undefined margins are −∞ already (applyChecks).
 *
 * Secondary figures: **ROC AUC** of goodness vs pass/fail (probability that a passing episode
 * scores better than a failing one, ties ½) and **threshold agreement**: Cohen's κ between
 * "the metric passes its threshold" and "ground truth passes" — the figure that sees a loosened
 * threshold, which the rank statistics cannot.
 *
 * τ-b is computed in O(n log n) with Knight's algorithm (sort by x, count discordant pairs as
 * merge-sort inversions of y), the same method as scipy.stats.kendalltau.
 *
 * ## Undefined stays undefined
 * A statistic whose inputs carry no information is *undefined* — null in an `Agreement`, with its
 * cause beside it — never 0 or 1: a 0 would read as "disagrees" and a 1 as "agrees" where there is
 * simply no evidence. The causes, checked in this order:
 * - `too-few-cells`: fewer than two cells (no pair to compare; a single verdict);
 * - `metric-undefined`: the metric is NaN on every cell;
 * - `constant-metric`: the metric's goodness (τ-b, AUC) or its pass/fail verdicts (κ) are the
 *   same on every cell — e.g. a threshold every episode passes;
 * - `constant-ground-truth`: the margins (τ-b) or the ground-truth verdicts (AUC, κ) are the same
 *   on every cell — e.g. early in training, when every anchor episode fails.
 * So κ is undefined when either labeling is constant (its chance correction makes it 0 then,
 * whatever happened, and 1 when both are the same constant), and AUC is undefined for a constant
 * score as well as for one class. What the gate does with an undefined statistic is in gate.ts.
 */
import { metricPasses, metricValue, type Metric } from '../metrics/index.ts';

/** A metric's goodness for one value: higher is better; NaN (undefined) becomes −Infinity. */
export function goodness(direction: Metric['direction'], value: number): number {
  if (Number.isNaN(value)) return -Infinity;
  return direction === 'lower' ? -value : value;
}

const worst = (v: number): number => (Number.isNaN(v) ? -Infinity : v);
// Explicit comparison: a − b is NaN for −∞ − −∞, which would corrupt a sort.
const cmp = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : 0);

/** Pairs tied within runs of equal values of an already-sorted array. */
function tiedPairs(sorted: ArrayLike<number>): number {
  let pairs = 0;
  let run = 1;
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && sorted[i] === sorted[i - 1]) run++;
    else {
      pairs += (run * (run - 1)) / 2;
      run = 1;
    }
  }
  return pairs;
}

/** Sorts `a` ascending in place (merge sort) and returns the number of strict inversions. */
function inversions(a: Float64Array): number {
  const n = a.length;
  let src: Float64Array = a;
  let dst: Float64Array = new Float64Array(n);
  let swaps = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if ((src[j] as number) < (src[i] as number)) {
          swaps += mid - i; // src[j] jumps over every remaining left element: all strictly larger
          dst[k++] = src[j++] as number;
        } else dst[k++] = src[i++] as number;
      }
      while (i < mid) dst[k++] = src[i++] as number;
      while (j < hi) dst[k++] = src[j++] as number;
    }
    [src, dst] = [dst, src];
  }
  if (src !== a) a.set(src);
  return swaps;
}

/** Why a statistic is undefined (see the module comment). */
export type UndefinedCause = 'too-few-cells' | 'metric-undefined' | 'constant-metric' | 'constant-ground-truth';

/** A statistic: a finite value, or undefined with its cause. */
export type Statistic = { readonly value: number; readonly cause: null } | { readonly value: null; readonly cause: UndefinedCause };

/** One sentence fragment per cause, for reasons and reports. */
export const UNDEFINED_CAUSES: Readonly<Record<UndefinedCause, string>> = Object.freeze({
  'too-few-cells': 'fewer than two anchor verdicts',
  'metric-undefined': 'the metric is undefined (NaN) on every cell',
  'constant-metric': 'the metric is constant on the evidence',
  'constant-ground-truth': 'ground truth is constant on the evidence',
});

const defined = (value: number): Statistic => ({ value, cause: null });
const undef = (cause: UndefinedCause): Statistic => ({ value: null, cause });
const allNaN = (v: ArrayLike<number>): boolean => {
  for (let i = 0; i < v.length; i++) if (!Number.isNaN(v[i] as number)) return false;
  return true;
};

/** Kendall τ-b of two equal-length samples (NaN counts as −∞); NaN when undefined (see `tauBStatistic`). */
export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return tauBStatistic(x, y).value ?? NaN;
}

/** Kendall τ-b with its cause when undefined: fewer than two cells, x all NaN, or a constant side. */
export function tauBStatistic(x: ArrayLike<number>, y: ArrayLike<number>): Statistic {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`kendallTauB: lengths differ (${n} vs ${y.length})`);
  if (n < 2) return undef('too-few-cells');
  if (allNaN(x)) return undef('metric-undefined');
  const order = Array.from({ length: n }, (_, i) => i);
  const xs = Float64Array.from({ length: n }, (_, i) => worst(x[i] as number));
  const ys = Float64Array.from({ length: n }, (_, i) => worst(y[i] as number));
  order.sort((i, j) => cmp(xs[i] as number, xs[j] as number) || cmp(ys[i] as number, ys[j] as number));
  const sx = Float64Array.from(order, (i) => xs[i] as number);
  const sy = Float64Array.from(order, (i) => ys[i] as number);
  const n0 = (n * (n - 1)) / 2;
  const n1 = tiedPairs(sx);
  // Pairs tied in both: runs where x and y are both equal (adjacent after the (x, y) sort).
  let n3 = 0;
  let run = 1;
  for (let i = 1; i <= n; i++) {
    if (i < n && sx[i] === sx[i - 1] && sy[i] === sy[i - 1]) run++;
    else {
      n3 += (run * (run - 1)) / 2;
      run = 1;
    }
  }
  const discordant = inversions(sy); // sorts sy
  const n2 = tiedPairs(sy);
  if (n1 === n0) return undef('constant-metric');
  if (n2 === n0) return undef('constant-ground-truth');
  return defined((n0 - n1 - n2 + n3 - 2 * discordant) / Math.sqrt((n0 - n1) * (n0 - n2)));
}

/** ROC AUC of scores (NaN counts as −∞) against labels: P(score of a positive > a negative), ties ½; NaN when undefined (see `aucStatistic`). */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  return aucStatistic(scores, positive).value ?? NaN;
}

/** ROC AUC with its cause when undefined: fewer than two cells, scores all NaN or all equal, or one class only. */
export function aucStatistic(scores: ArrayLike<number>, positive: ArrayLike<boolean>): Statistic {
  const n = scores.length;
  if (positive.length !== n) throw new RangeError(`rocAuc: lengths differ (${n} vs ${positive.length})`);
  if (n < 2) return undef('too-few-cells');
  if (allNaN(scores)) return undef('metric-undefined');
  const s = Float64Array.from({ length: n }, (_, i) => worst(scores[i] as number));
  // A constant score ranks nothing: its ½ would read as "at chance" where there is no ranking at all.
  if (s.every((v) => v === s[0])) return undef('constant-metric');
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => cmp(s[i] as number, s[j] as number));
  // Mann–Whitney: sum of the positives' (average, 1-based) ranks.
  let rankSum = 0;
  let pos = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && s[order[j + 1] as number] === s[order[i] as number]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (positive[order[k] as number]) {
        rankSum += avgRank;
        pos++;
      }
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return undef('constant-ground-truth');
  return defined((rankSum - (pos * (pos + 1)) / 2) / (pos * neg));
}

/** Cohen's κ between two pass/fail labelings (a: the metric's, b: ground truth's); NaN when undefined (see `kappaStatistic`). */
export function cohenKappa(a: ArrayLike<boolean>, b: ArrayLike<boolean>): number {
  return kappaStatistic(a, b).value ?? NaN;
}

/** Cohen's κ with its cause when undefined: fewer than two cells or a constant labeling (a: the metric's, b: ground truth's). */
export function kappaStatistic(a: ArrayLike<boolean>, b: ArrayLike<boolean>): Statistic {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`cohenKappa: lengths differ (${n} vs ${b.length})`);
  if (n < 2) return undef('too-few-cells');
  let agree = 0;
  let pa = 0;
  let pb = 0;
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) agree++;
    if (a[i]) pa++;
    if (b[i]) pb++;
  }
  // A constant labeling makes κ = 0 by its chance correction (or 0/0 when both are constant):
  // not evidence of disagreement, no evidence at all.
  if (pa === 0 || pa === n) return undef('constant-metric');
  if (pb === 0 || pb === n) return undef('constant-ground-truth');
  const po = agree / n;
  const pe = (pa * pb + (n - pa) * (n - pb)) / (n * n);
  return defined((po - pe) / (1 - pe));
}

/** One piece of anchor evidence: an episode's measurements and its ground truth. */
export interface EvidenceCell {
  readonly measurements: Readonly<Record<string, number>>;
  /** Ground-truth margin (see `verdictMargin`). */
  readonly margin: number;
  readonly pass: boolean;
}

/** The three statistics of an `Agreement`. */
export type AgreementStatistic = 'tauB' | 'auc' | 'kappa';

/** How well a metric agrees with ground truth on some evidence. null = undefined on it, with the cause in `undefinedCauses`. */
export interface Agreement {
  /** Cells of evidence. */
  readonly n: number;
  /** Cells that pass ground truth. */
  readonly passes: number;
  /** Kendall τ-b of goodness vs margin; null when n < 2 or either side is constant. */
  readonly tauB: number | null;
  /** ROC AUC of goodness vs pass; null unless both passing and failing cells are present and the metric is not constant. */
  readonly auc: number | null;
  /** Cohen's κ of "metric passes its threshold" vs "ground truth passes"; null when n < 2 or either labeling is constant. */
  readonly kappa: number | null;
  /** Why each null statistic is undefined: a key exactly for the null ones. */
  readonly undefinedCauses: Readonly<Partial<Record<AgreementStatistic, UndefinedCause>>>;
}

/** Agreement statistics from goodness values, margins and pass flags (one entry per cell); `metricUndefined`: the metric was NaN on every cell. */
export function agreementOf(good: readonly number[], margins: readonly number[], passes: readonly boolean[], metricPass: readonly boolean[], metricUndefined = false): Agreement {
  const stats: Record<AgreementStatistic, Statistic> = {
    tauB: tauBStatistic(good, margins),
    auc: aucStatistic(good, passes),
    kappa: kappaStatistic(metricPass, passes),
  };
  const undefinedCauses: Partial<Record<AgreementStatistic, UndefinedCause>> = {};
  for (const k of ['tauB', 'auc', 'kappa'] as const) {
    const c = stats[k].cause;
    // goodness() has already turned NaN into −∞, so "all NaN" arrives as "constant": say which.
    if (c !== null) undefinedCauses[k] = metricUndefined && c === 'constant-metric' ? 'metric-undefined' : c;
  }
  return {
    n: good.length,
    passes: passes.filter(Boolean).length,
    tauB: stats.tauB.value,
    auc: stats.auc.value,
    kappa: stats.kappa.value,
    undefinedCauses,
  };
}

/** Agreement of a metric with ground truth on evidence cells (measurements are evaluated here). */
export function metricAgreement(metric: Metric, cells: readonly EvidenceCell[]): Agreement {
  const values = cells.map((c) => metricValue(metric, c.measurements));
  return agreementOf(
    values.map((v) => goodness(metric.direction, v)),
    cells.map((c) => c.margin),
    cells.map((c) => c.pass),
    values.map((v) => metricPasses(metric, v)),
    values.length > 0 && values.every((v) => Number.isNaN(v)),
  );
}

/** A statistic for a sentence: `0.62`, or `undefined (ground truth is constant on the evidence)`. */
export function statisticText(a: Agreement, k: AgreementStatistic): string {
  const v = a[k];
  if (v !== null) return v.toFixed(2);
  const cause = a.undefinedCauses[k];
  return `undefined (${cause ? UNDEFINED_CAUSES[cause] : 'no cause recorded'})`;
}

/** Drift of a metric on evidence: 1 − τ-b (0 = ranks like ground truth, 2 = reversed); null when τ-b is undefined. */
export function drift(agreement: Agreement): number | null {
  return agreement.tauB === null ? null : 1 - agreement.tauB;
}
