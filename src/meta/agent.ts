/**
 * The meta-agent: each generation it proposes new metrics and new learners.
 *
 * Metrics: a proposer (random or bandit) picks a mutation operator per candidate; the operator
 * edits the adopted metric's AST; the agent discards candidates that even the untrained
 * population passed (its one norm: a success metric must not be passed by doing nothing in
 * particular), scores the rest with its own, self-flattering preference (src/meta/preference.ts:
 * how well the population's recent train episodes do under it) and submits the ones it prefers
 * to the adopted metric (gain > `minGain`) — most preferred first, at most `submissions` of
 * them — to the safeguard. It never sees ground truth except what a safeguard
 * buys through the oracle, and never sees probe tasks or check code: the runner hands it world
 * facts as plain data (measurement specs) and episodes as measurements (wall 1; this folder
 * cannot import worlds/ or src/anchors/probe*).
 *
 * Learners: population-based training (src/meta/population.ts), ranked by the adopted metric.
 *
 * Everything it returns is plain data; every draw comes from streams derived from its seed, so
 * its proposals depend on (seed, generation, what it was shown) only.
 */
import { Stream } from '../core/rng.ts';
import type { MeasurementSpec } from '../core/types.ts';
import { sameMetric, type Metric } from '../metrics/index.ts';
import type { Proposal } from './proposal.ts';
import { mutateMetric, passRateOn, type MeasurementRecord, type MetricOperatorName } from './operators.ts';
import { DEFAULT_PREFERENCE, preferenceOf, type PreferenceOptions, type PreferenceScore } from './preference.ts';
import { createProposer, type ArmStats, type MetricProposer, type ProposerKind } from './proposers.ts';
import { DEFAULT_PBT, proposeLearnerChanges, type LearnerChange, type MemberView, type PbtOptions } from './population.ts';

/** Meta-agent options (plain data, recorded in the run record). */
export interface MetaAgentOptions {
  /** The world's measurement specs: the only world facts the agent gets. */
  readonly measurements: readonly MeasurementSpec[];
  readonly seed: number;
  readonly proposer: ProposerKind;
  /** Candidate metrics generated per generation. */
  readonly candidates: number;
  /** Most preferred candidates submitted to the safeguard per generation (stops at the first accepted). */
  readonly submissions: number;
  /** A candidate is submitted only if preferred to the adopted metric by more than this. */
  readonly minGain: number;
  /**
   * The agent's one professional norm: a candidate that more than this share of the reference
   * episodes (the population's first train episodes, before it learned anything) already pass
   * is not a success metric — "the bag came to rest" — and is discarded.
   */
  readonly maxReferencePassRate: number;
  readonly preference: PreferenceOptions;
  readonly pbt: PbtOptions;
}

/** Defaults for everything but the world facts and the seed. */
export const DEFAULT_META: Omit<MetaAgentOptions, 'measurements' | 'seed'> = Object.freeze({
  proposer: 'bandit',
  candidates: 16,
  submissions: 2,
  minGain: 0,
  maxReferencePassRate: 0.5,
  preference: DEFAULT_PREFERENCE,
  pbt: DEFAULT_PBT,
});

/** What the agent is shown when it proposes metrics. */
export interface MetricView {
  readonly generation: number;
  /** The adopted metric and its lineage id. */
  readonly current: Metric;
  readonly currentId: string;
  /** Measurements of the population's recent train episodes. */
  readonly recent: readonly MeasurementRecord[];
  /** Measurements of the population's first train episodes (the untrained reference). */
  readonly reference: readonly MeasurementRecord[];
}

/** One candidate metric with the agent's opinion of it. */
export interface MetricCandidate {
  readonly proposal: Proposal;
  readonly operator: MetricOperatorName;
  readonly preference: PreferenceScore;
  /** preference(candidate) − preference(adopted metric). */
  readonly gain: number;
}

/** The agent's metric proposals of one generation. */
export interface MetricProposals {
  /** The adopted metric's own preference score (the bar a candidate must clear). */
  readonly currentPreference: PreferenceScore;
  /** Every candidate generated, most preferred first. */
  readonly candidates: readonly MetricCandidate[];
  /** The ones to submit to the safeguard, in order. */
  readonly submit: readonly MetricCandidate[];
}

/** The meta-agent (see the module doc). */
/** A meta-agent's state as plain data (see `MetaAgent.snapshot`). */
export interface MetaAgentSnapshot {
  readonly proposer: ProposerKind;
  readonly arms: readonly ArmStats[];
}

export class MetaAgent {
  readonly options: MetaAgentOptions;
  private readonly proposer: MetricProposer;

  constructor(options: MetaAgentOptions) {
    if (!(Number.isInteger(options.candidates) && options.candidates >= 1)) throw new RangeError(`candidates must be a positive integer, got ${options.candidates}`);
    if (!(Number.isInteger(options.submissions) && options.submissions >= 1)) throw new RangeError(`submissions must be a positive integer, got ${options.submissions}`);
    this.options = options;
    this.proposer = createProposer(options.proposer);
  }

  /** Generates candidate metrics, scores them with the self-flattering preference and picks what to submit. */
  proposeMetrics(view: MetricView): MetricProposals {
    const { candidates: k, seed, measurements, preference } = this.options;
    const currentPreference = preferenceOf(view.current, view.recent, preference);
    const out: MetricCandidate[] = [];
    const seen: Metric[] = [view.current];
    // A few spare attempts: some operators do not apply to some metrics (nothing to drop).
    for (let attempt = 0; attempt < 4 * k && out.length < k; attempt++) {
      const rng = new Stream([seed, 'meta:metric', view.generation, attempt]);
      const operator = this.proposer.pick(rng);
      const metric = mutateMetric(operator, view.current, { measurements, recent: view.recent, rng });
      if (!metric || seen.some((m) => sameMetric(m, metric)) || (view.reference.length > 0 && passRateOn(metric, view.reference) > this.options.maxReferencePassRate)) {
        this.proposer.reward(operator, 0);
        continue;
      }
      seen.push(metric);
      const p = preferenceOf(metric, view.recent, preference);
      out.push({ proposal: { metric, parent: view.currentId, operator }, operator, preference: p, gain: p.score - currentPreference.score });
    }
    // Most preferred first; ties keep generation order (stable sort).
    const ranked = out.map((c, i) => ({ c, i })).sort((a, b) => b.c.gain - a.c.gain || a.i - b.i).map((x) => x.c);
    const submit = ranked.filter((c) => c.gain > this.options.minGain).slice(0, this.options.submissions);
    return { currentPreference, candidates: ranked, submit };
  }

  /** Tells the proposer how the generation went: reward = acceptance × preference gain (clipped to [0, 1]). */
  recordOutcome(proposals: MetricProposals, accepted: MetricCandidate | null): void {
    for (const c of proposals.candidates) this.proposer.reward(c.operator, c === accepted ? Math.min(1, Math.max(0, c.gain)) : 0);
  }

  /** PBT proposals for this generation (none between rounds). */
  proposeLearners(generation: number, members: readonly MemberView[]): LearnerChange[] {
    const { pbt, seed } = this.options;
    if (pbt.every < 1 || generation % pbt.every !== pbt.every - 1) return [];
    return proposeLearnerChanges(members, pbt, new Stream([seed, 'meta:pbt', generation]));
  }

  /** The proposer's statistics per operator (plain data). */
  proposerStats(): ArmStats[] {
    return this.proposer.stats();
  }

  /**
   * The agent's state as plain data, between generations: its proposer's arms (the bandit's
   * memory). Its draws need no saving: each comes from a stream keyed by seed and generation.
   */
  snapshot(): MetaAgentSnapshot {
    return { proposer: this.proposer.kind, arms: this.proposer.stats() };
  }

  /** Restores a state made by `snapshot` (same options). */
  restore(state: MetaAgentSnapshot): void {
    if (state.proposer !== this.proposer.kind) throw new Error(`meta-agent snapshot of a '${state.proposer}' proposer, this agent has '${this.proposer.kind}'`);
    this.proposer.restore(state.arms);
  }
}
