/**
 * What the meta-agent proposes: a metric with its lineage. It lives with the meta-agent that makes
 * it; safeguards (src/anchors) import the type, the meta-agent never imports src/anchors.
 */
import type { Metric } from '../metrics/index.ts';

/** A proposed metric: what the meta-agent hands a safeguard. */
export interface Proposal {
  readonly metric: Metric;
  /** Id (or text) of the metric it was derived from; null for a root. */
  readonly parent: string | null;
  /** The mutation operator that produced it ("swap-measurement", "soften-threshold", …). */
  readonly operator: string;
}
