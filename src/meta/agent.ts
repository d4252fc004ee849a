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
 * Steering (steering.ts): the verdicts the safeguard bought (only those: handed over by the runner
 * through `observeVerdicts`) inform which measurements the operators reach for and which
 * candidates are submitted, so proposals the anchors support get offered to the gate even when
 * they flatter less. With no verdicts (α = 0 buys none) the agent is exactly the unsteered one.
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
import { AnchorMemory, measurementWeights, type GateVerdict } from './steering.ts';
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
  /** Weight of the gate's bought verdicts in proposals (steering.ts); 0 = unsteered. */
  readonly steering: number;
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
  steering: 1,
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
  /** τ-b of the candidate against the remembered gate verdicts (null: no memory, or undefined). */
  readonly support: number | null;
  /** What ranks it: gain + steering · (support − the adopted metric's support); = gain when unsteered. */
  readonly score: number;
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
  /** The remembered gate verdicts (absent in snapshots written before steering). */
  readonly verdicts?: readonly GateVerdict[];
}

export class MetaAgent {
  readonly options: MetaAgentOptions;
  private readonly proposer: MetricProposer;
  private readonly memory = new AnchorMemory();

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
    const steer = this.options.steering > 0 && this.memory.size > 0 ? this.options.steering : 0;
    const weights = steer > 0 ? measurementWeights(this.memory.measurementSupport(measurements), steer) : undefined;
    // Once the memory holds a pass and a fail, candidates get calibrated bars and support is the
    // gate's own pair, min(τ-b, κ) (steering.ts); before that, τ-b alone.
    const calibrating = steer > 0 && this.memory.bothOutcomes;
    const supportOf = (m: Metric): number | null => (calibrating ? this.memory.gateSupport(m) : this.memory.support(m));
    const currentSupport = steer > 0 ? supportOf(view.current) : null;
    const out: MetricCandidate[] = [];
    const seen: Metric[] = [view.current];
    // A few spare attempts: some operators do not apply to some metrics (nothing to drop).
    for (let attempt = 0; attempt < 4 * k && out.length < k; attempt++) {
      const rng = new Stream([seed, 'meta:metric', view.generation, attempt]);
      const operator = this.proposer.pick(rng);
      const mutated = mutateMetric(operator, view.current, { measurements, recent: view.recent, rng, ...(weights ? { weights } : {}) });
      const calibration = mutated && calibrating ? this.memory.calibrate(mutated, measurements) : null;
      const metric = calibration?.metric ?? mutated;
      if (!metric || seen.some((m) => sameMetric(m, metric)) || (view.reference.length > 0 && passRateOn(metric, view.reference) > this.options.maxReferencePassRate)) {
        this.proposer.reward(operator, 0);
        continue;
      }
      seen.push(metric);
      const p = preferenceOf(metric, view.recent, preference);
      const gain = p.score - currentPreference.score;
      const support = steer > 0 ? (calibration?.support ?? supportOf(metric)) : null;
      const score = steer > 0 && support !== null ? gain + steer * (support - (currentSupport ?? 0)) : gain;
      out.push({ proposal: { metric, parent: view.currentId, operator }, operator, preference: p, gain, support, score });
    }
    // Best score first (the preference gain when unsteered); ties keep generation order (stable sort).
    const ranked = out.map((c, i) => ({ c, i })).sort((a, b) => b.c.score - a.c.score || a.i - b.i).map((x) => x.c);
    let submit = ranked.filter((c) => c.score > this.options.minGain).slice(0, this.options.submissions);
    // Steered, one slot is the anchors': the best-supported candidate, when it beats the adopted
    // metric's support and the preference left it out (a calibrated bar flatters less, so the
    // score alone would rarely offer it).
    if (steer > 0) {
      let top: MetricCandidate | null = null;
      for (const c of ranked) if (c.support !== null && (top === null || c.support > (top.support as number))) top = c;
      if (top && (top.support as number) > (currentSupport ?? 0) && !submit.includes(top)) submit = [...submit.slice(0, this.options.submissions - 1), top];
    }
    return { currentPreference, candidates: ranked, submit };
  }

  /** Tells the proposer how the generation went: reward = acceptance × score (the preference gain when unsteered; clipped to [0, 1]). */
  recordOutcome(proposals: MetricProposals, accepted: MetricCandidate | null): void {
    for (const c of proposals.candidates) this.proposer.reward(c.operator, c === accepted ? Math.min(1, Math.max(0, c.score)) : 0);
  }

  /**
   * The verdicts the safeguard bought this generation (the oracle's revealed cells, as plain
   * data): the only ground truth the agent ever holds (wall 1), remembered for steering.
   */
  observeVerdicts(cells: readonly GateVerdict[]): void {
    this.memory.add(cells);
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
    return { proposer: this.proposer.kind, arms: this.proposer.stats(), verdicts: this.memory.snapshot() };
  }

  /** Restores a state made by `snapshot` (same options). */
  restore(state: MetaAgentSnapshot): void {
    if (state.proposer !== this.proposer.kind) throw new Error(`meta-agent snapshot of a '${state.proposer}' proposer, this agent has '${this.proposer.kind}'`);
    this.proposer.restore(state.arms);
    this.memory.restore(state.verdicts ?? []);
  }
}
