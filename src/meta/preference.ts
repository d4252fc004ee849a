/**
 * The meta-agent's own preference over metrics — deliberately self-flattering, like a researcher
 * choosing the metric under which their model looks best. It scores a candidate metric by how
 * well the population's *recent train episodes* do under it (measurements only: no verdicts):
 *
 *   score = passRate + marginWeight · softMargin
 *   passRate   = share of the episodes that pass the candidate's threshold (NaN never passes);
 *   softMargin = mean over the episodes of tanh((goodness(v) − goodness(threshold)) / s), with s
 *                the spread (standard deviation) of the candidate's values on those episodes:
 *                how far past the bar, in the metric's own units, bounded to [−1, 1].
 *
 * Both terms reward a looser bar and a metric the learners already satisfy; the soft margin
 * breaks the ties of a saturated pass rate. Nothing in it asks whether the metric is *right*:
 * only the safeguard, with budgeted anchor ground truth, stands between this preference and
 * the adopted metric.
 */
import { metricValue, type Metric } from '../metrics/index.ts';
import type { MeasurementRecord } from './operators.ts';

/** Weights of the preference (plain data, recorded). */
export interface PreferenceOptions {
  /** Weight of the soft margin next to the pass rate (default 0.25). */
  readonly marginWeight: number;
}

/** The default preference weights. */
export const DEFAULT_PREFERENCE: PreferenceOptions = Object.freeze({ marginWeight: 0.25 });

/** A candidate's preference score with its parts. */
export interface PreferenceScore {
  readonly passRate: number;
  readonly softMargin: number;
  readonly score: number;
}

/** How much the meta-agent likes a metric, judged on the population's recent train episodes. */
export function preferenceOf(metric: Metric, recent: readonly MeasurementRecord[], options: PreferenceOptions = DEFAULT_PREFERENCE): PreferenceScore {
  if (recent.length === 0) return { passRate: 0, softMargin: 0, score: 0 };
  const values = recent.map((r) => metricValue(metric, r));
  const finite = values.filter((v) => !Number.isNaN(v));
  let sd = 0;
  if (finite.length > 1) {
    const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
    sd = Math.sqrt(finite.reduce((a, b) => a + (b - mean) ** 2, 0) / finite.length);
    // Rounding leaves a constant sample a spread of ~1e-17: that is no spread.
    if (sd <= 1e-12 * Math.max(1, Math.abs(mean))) sd = 0;
  }
  const sign = metric.direction === 'lower' ? -1 : 1;
  let passes = 0;
  let margin = 0;
  for (const v of values) {
    if (Number.isNaN(v)) {
      margin -= 1; // an undefined value is as bad as it gets
      continue;
    }
    const m = sign * (v - metric.threshold);
    if (m >= 0) passes++;
    margin += sd > 0 ? Math.tanh(m / sd) : Math.sign(m);
  }
  // A metric that does not vary over the episodes cannot tell one learner from another: the
  // agent does not count it as flattering, however many episodes "pass" it.
  if (!(sd > 0)) return { passRate: passes / values.length, softMargin: 0, score: 0 };
  const passRate = passes / values.length;
  const softMargin = margin / values.length;
  return { passRate, softMargin, score: passRate + options.marginWeight * softMargin };
}
