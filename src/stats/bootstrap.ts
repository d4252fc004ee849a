/**
 * Bootstrap intervals for the studies (issue 11's honest statistics): percentile intervals from
 * seeded resamples, so an interval depends on (data, key) alone like every other result (wall 2).
 *
 * - `bootstrap(data, statistic, opts)`: resample items with replacement.
 * - `bootstrapNested(groups, statistic, opts)`: two-level resampling for scores measured on tasks
 *   within seeds — resample seeds, then tasks inside each drawn seed — so the interval carries both
 *   the seed-to-seed spread and the finite evaluation.
 * - `meanCi`, `diffOfMeansCi`, `pairedDiffCi`: the common cases.
 * - `wilsonCi`: a closed-form interval for one proportion (no resampling).
 *
 * No side effects on import; plain numbers in and out.
 */
import { Stream } from '../core/rng.ts';

/** A closed interval [lo, hi]. */
export type Interval = [number, number];

/** Options of every bootstrap here. */
export interface BootstrapOptions {
  /** Key of the seeded stream the resamples draw from (e.g. `[seed, 'mirage', point]`). */
  readonly key: readonly (number | string)[];
  /** Coverage of the interval (default 0.95). */
  readonly level?: number;
  /** Number of resamples (default 1000). */
  readonly resamples?: number;
}

/** A point estimate with its percentile interval (null when the data gave no finite value). */
export interface Estimate {
  readonly estimate: number;
  readonly ci: Interval;
}

/** The arithmetic mean (NaN for an empty list). */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** The q-quantile of sorted values, linear between order statistics (type 7, as R and numpy). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return (sorted[lo] as number) + (h - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

function checkOptions(opts: BootstrapOptions): { level: number; resamples: number } {
  const level = opts.level ?? 0.95;
  const resamples = opts.resamples ?? 1000;
  if (!(level > 0 && level < 1)) throw new RangeError(`bootstrap level must lie in (0, 1), got ${level}`);
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`bootstrap resamples must be a positive integer, got ${resamples}`);
  return { level, resamples };
}

/** Percentile interval of the finite values among `stats` (non-finite resamples are dropped). */
function percentile(stats: number[], level: number): Interval | null {
  const finite = stats.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return null;
  const tail = (1 - level) / 2;
  return [quantileSorted(finite, tail), quantileSorted(finite, 1 - tail)];
}

function resample<T>(data: readonly T[], rng: Stream): T[] {
  const out = new Array<T>(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[rng.int(0, data.length - 1)] as T;
  return out;
}

/**
 * `statistic(data)` with a percentile bootstrap interval over items resampled with replacement.
 * Null when the data are empty or the statistic is not finite on them.
 */
export function bootstrap<T>(data: readonly T[], statistic: (sample: readonly T[]) => number, opts: BootstrapOptions): Estimate | null {
  const { level, resamples } = checkOptions(opts);
  if (data.length === 0) return null;
  const estimate = statistic(data);
  if (!Number.isFinite(estimate)) return null;
  const rng = new Stream([...opts.key, 'bootstrap']);
  const stats: number[] = [];
  for (let r = 0; r < resamples; r++) stats.push(statistic(resample(data, rng)));
  const ci = percentile(stats, level);
  return ci ? { estimate, ci } : null;
}

/**
 * Two-level bootstrap: resample groups (seeds) with replacement, then items (tasks) inside each
 * drawn group. `statistic` sees the resampled groups. A single group is resampled inside only.
 */
export function bootstrapNested<T>(
  groups: readonly (readonly T[])[],
  statistic: (groups: readonly (readonly T[])[]) => number,
  opts: BootstrapOptions,
): Estimate | null {
  const { level, resamples } = checkOptions(opts);
  const nonEmpty = groups.filter((g) => g.length > 0);
  if (nonEmpty.length === 0) return null;
  const estimate = statistic(nonEmpty);
  if (!Number.isFinite(estimate)) return null;
  const rng = new Stream([...opts.key, 'bootstrap-nested']);
  const stats: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const drawn = nonEmpty.length === 1 ? nonEmpty : resample(nonEmpty, rng);
    stats.push(statistic(drawn.map((g) => resample(g, rng))));
  }
  const ci = percentile(stats, level);
  return ci ? { estimate, ci } : null;
}

/** Mean with a bootstrap interval. */
export function meanCi(xs: readonly number[], opts: BootstrapOptions): Estimate | null {
  return bootstrap(xs, mean, opts);
}

/** mean(a) − mean(b) for independent samples, each resampled on its own. */
export function diffOfMeansCi(a: readonly number[], b: readonly number[], opts: BootstrapOptions): Estimate | null {
  const { level, resamples } = checkOptions(opts);
  if (a.length === 0 || b.length === 0) return null;
  const estimate = mean(a) - mean(b);
  if (!Number.isFinite(estimate)) return null;
  const rng = new Stream([...opts.key, 'bootstrap-diff']);
  const stats: number[] = [];
  for (let r = 0; r < resamples; r++) stats.push(mean(resample(a, rng)) - mean(resample(b, rng)));
  const ci = percentile(stats, level);
  return ci ? { estimate, ci } : null;
}

/** mean(a_i − b_i) for paired samples (same seeds / tasks), pairs resampled together. */
export function pairedDiffCi(a: readonly number[], b: readonly number[], opts: BootstrapOptions): Estimate | null {
  if (a.length !== b.length) throw new RangeError(`paired samples differ in length: ${a.length} vs ${b.length}`);
  return meanCi(
    a.map((x, i) => x - (b[i] as number)),
    opts,
  );
}

/** Standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs p in (0, 1), got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const poly = (k: number[], x: number) => k.reduce((acc, v) => acc * x + v, 0);
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -poly(c, q) / (poly(d, q) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}

/** Wilson score interval of a proportion `successes / n` (null for n = 0). */
export function wilsonCi(successes: number, n: number, level = 0.95): Interval | null {
  if (n <= 0) return null;
  if (successes < 0 || successes > n) throw new RangeError(`successes ${successes} outside [0, ${n}]`);
  const z = normalQuantile(1 - (1 - level) / 2);
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** True when the two intervals share no point. */
export function disjoint(a: Interval, b: Interval): boolean {
  return a[1] < b[0] || b[1] < a[0];
}
