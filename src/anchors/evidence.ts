/**
 * Ground-truth evidence of one episode, reduced to what the anchors code compares: one margin
 * and one pass flag. Shared by the oracle (anchor tasks), the agreement statistics and the probe
 * report, so "a cell passes" means the same thing everywhere.
 */
import type { Consequence, Verdict } from '../core/types.ts';

/**
 * The episode's ground-truth margin: the smallest margin over its verdicts. An episode passes iff
 * every check passes, i.e. iff this minimum is ≥ 0, so the minimum is the margin of `gtPass`
 * (checks may use different units; the sign is what they share). No verdicts: +Infinity.
 */
export function verdictMargin(verdicts: readonly Verdict[]): number {
  let m = Infinity;
  for (const v of verdicts) m = Math.min(m, Number.isNaN(v.margin) ? -Infinity : v.margin);
  return m;
}

/** `verdictMargin` of a consequence. */
export function consequenceMargin(c: Pick<Consequence, 'verdicts'>): number {
  return verdictMargin(c.verdicts);
}

/** Pass counts of a set of episodes. */
export interface PassSummary {
  readonly n: number;
  readonly passes: number;
  /** passes / n; null when n = 0. */
  readonly passRate: number | null;
}

/** Counts passes. */
export function summarisePasses(passes: readonly boolean[]): PassSummary {
  const k = passes.filter(Boolean).length;
  return { n: passes.length, passes: k, passRate: passes.length > 0 ? k / passes.length : null };
}
