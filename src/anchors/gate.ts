/**
 * Safeguards: what stands between the meta-agent's preference and the adopted metric.
 *
 * A `Safeguard` reviews one proposal with budgeted access to anchor ground truth (an
 * `AnchorOracle`) and returns a `Decision`: accepted or rejected, why (one sentence with the
 * numbers), the agreement statistics and the budget spent. Three ship here:
 * - `agreementGate` (the anchor gate, also exported as `anchorGate`): agreement ≥ τ(α) and
 *   ground-truth non-regression within slack(α); locked to one metric at α = 1 (evolve: the designer metric);
 * - `nonRegressionOnly`: ground-truth non-regression alone;
 * - `quarantine`: watches the gold curve (the best learner's anchor GT, generation by generation)
 *   and rejects (and advises a rollback) once it has fallen, by a margin and a significance test;
 *   Gao's fit of the curve is recorded beside it.
 *
 * ## The α mapping (shown in the UI; `gateThresholds`, `ALPHA_MAPPING`)
 *   α = 0        the gate is open: τ = −1, slack = ∞ (nothing is checked, nothing bought: drift)
 *   τ(α)     = α            for α > 0: minimum agreement (τ-b and κ) 0.25, 0.5, 0.75 at ¼, ½, ¾
 *   slack(α) = (1 − α) / 2  for α > 0: allowed fall of the best learner's anchor GT pass rate,
 *                            0.375, 0.25, 0.125 at ¼, ½, ¾, 0 at 1
 *   n(α) = 24 · α / (1 − α) for 0 < α < 1: the anchor verdicts a decision rests on (its
 *                            sample, and the fewest it decides on): 8, 24, 72 at ¼, ½, ¾
 *   locked   = (α = 1)      only the locked metric is adopted (evolve: the designer metric)
 * Why n(α) (issue 10, measured): with τ and slack alone the interior of the dial ended alike once
 * the gate had evidence — the steered meta-agent calibrates a candidate's bar to the verdicts it
 * has seen, and a calibrated candidate clears every τ(α) < 1 (the drift preset's α = ¼, ½, ¾ ended
 * within 0.01 of each other with 640 verdicts). n(α) makes α the price of a decision: the odds
 * α / (1 − α) times the base sample. A weak gate decides often on little evidence (noisy: it can
 * adopt what the anchors do not support), a strong one seldom on much (a run budget buys it few
 * decisions: it stays near the designer metric). Both ends are its limits: n(0) = 0 (nothing
 * bought, the meta-agent rules) and n(1) = ∞ (no budget buys a decision: locked). So the budget
 * moves the bottom of the dial's curve toward larger α.
 * Why this one (issue 10): the old τ(α) = 2α − 1 and slack = (1 − α)/(2α) were dead for α ≤ ½ —
 * agreement statistics of metrics built from a world's measurements live in [0, 1] (the
 * measurements declare honest directions), so a bar ≤ 0 rejected nothing, and a slack ≥ 1 on a
 * pass rate in [0, 1] never bound; a recorded sweep gave identical runs at α = 0, ¼ and ½. Now
 * the agreement bar sweeps the range agreement actually occupies, [0, 1], and the slack binds
 * at every α > 0, so every step of the dial asks for more. α = 0 stays the open gate by
 * definition (the drift end), so the dial jumps from "nothing checked" to "agreement ≥ 0" as
 * soon as α > 0: any anchored gate refuses a metric that ranks consequences against ground truth.
 * ## Agreement (see agreement.ts)
 * Rank agreement is Kendall τ-b between the metric's goodness and the verdict margin. Because τ-b
 * cannot see a pass threshold — and loosening the threshold is a way to flatter learners — the
 * gate also asks threshold agreement, Cohen's κ between "metric passes" and "ground truth
 * passes", to reach the same τ(α). ROC AUC is recorded as a secondary figure.
 *
 * ## Ground-truth non-regression, made computable with the oracle
 * "The GT pass rate of the current best learner does not fall by more than slack(α)": the best
 * learner under a metric is the population member with the highest mean goodness over the anchor
 * tasks (measurements are free; an undefined value counts as the worst finite goodness of that
 * metric on the matrix; ties go to the earlier member). If the proposed metric picks the same
 * member as the current one, nothing can fall and nothing is bought. Otherwise both members' rows
 * of anchor verdicts are bought and drop = rate(current best) − rate(proposed best) must be
 * ≤ slack. When slack ≥ 1 the check cannot bind and is skipped. When the budget cannot pay for
 * the rows, the proposal is rejected: an unverifiable proposal is not adopted.
 *
 * ## Budget
 * The oracle is per generation and shared (proposers may spend it too). The gate buys, in order:
 * an agreement sample of `sampleSize` cells from a seeded permutation of the matrix, its explored
 * rows included (the members' exploring actions: see oracle.ts; the same
 * cells for every proposal of the generation, so after the first proposal it is free), then the
 * rows the non-regression check needs. Agreement is computed on every verdict revealed so far in
 * the generation.
 *
 * ## No evidence is not evidence: accepted, rejected, undecided
 * Each check of a review ends in one of three states: it passes, it fails, or it has no evidence
 * — τ-b or κ undefined (agreement.ts lists the causes: a constant metric or constant ground truth
 * on the evidence, too few cells, a metric undefined everywhere), fewer than `minEvidence`
 * verdicts, or a non-regression check the budget cannot pay for. When τ-b or κ is undefined the
 * gate first buys more of the same seeded permutation, up to `maxSample` cells (default twice
 * `sampleSize`) and within the budget, since a larger sample often holds both a pass and a fail.
 * Then:
 * - any check fails → `rejected` (evidence against);
 * - otherwise, any check without evidence → `undecided`: nothing changes. A proposal is not
 *   adopted (the gate adopts a metric only when the anchors support it), and a metric under
 *   re-validation stays in force (nothing was shown against it). The reason names the
 *   undefined statistic and its cause; an undefined statistic is never reported as a number;
 * - every check passes → `accepted`.
 * This rule is the whole difference from reading an undefined κ as 0 ("disagrees": a metric in
 * force would be rolled back on no evidence) or as 1 ("agrees": a proposal would be adopted on
 * none).
 */
import { Stream } from '../core/rng.ts';
import { metricToSpec, sameMetric, type Metric, type MetricSpec } from '../metrics/index.ts';
import type { Proposal } from '../meta/proposal.ts';
import { goodness, metricAgreement, statisticText, type Agreement } from './agreement.ts';
import { fitGao, type GaoFit, type GaoForm, type GoldPoint } from './gao.ts';
import type { AnchorOracle, Cell } from './oracle.ts';

// They moved to src/metrics and src/meta (issue 9); re-exported so the anchors barrel keeps them.
export { sameMetric, type Proposal };

/** The α mapping as formulas (for the UI and docs). */
export const ALPHA_MAPPING = Object.freeze({
  minAgreement: 'τ(α) = α for α > 0; −1 at α = 0 (open gate)',
  slack: 'slack(α) = (1 − α) / 2 for α > 0; ∞ at α = 0',
  evidence: 'n(α) = 24 · α / (1 − α) anchor verdicts per decision for 0 < α < 1 (8, 24, 72 at ¼, ½, ¾); none at α = 0',
  locked: 'locked to the designer metric iff α = 1',
});

/** The gate's sample at α = ½ (n(α) scales it by the odds α / (1 − α)). */
export const BASE_SAMPLE = 24;

/** What a gate strength α requires. */
export interface GateThresholds {
  readonly alpha: number;
  /** τ(α) = α: the least agreement (τ-b and κ) a proposal needs. −1 at α = 0. */
  readonly minAgreement: number;
  /** slack(α) = (1 − α)/2: the largest allowed fall of the best learner's anchor GT pass rate. Infinity at α = 0. */
  readonly slack: number;
  /** n(α) = 24 · α / (1 − α) (rounded, at least 2): the anchor verdicts a decision rests on. 0 at α = 0, Infinity at α = 1. */
  readonly evidence: number;
  /** α = 1: only the locked metric (the designer metric in evolve) is adopted. */
  readonly locked: boolean;
}

/** The thresholds for gate strength α ∈ [0, 1] (open at 0; else τ = α, slack = (1 − α)/2, n = 24·α/(1 − α) verdicts; locked at 1). */
export function gateThresholds(alpha: number): GateThresholds {
  if (!(alpha >= 0 && alpha <= 1)) throw new RangeError(`gate strength α must be in [0, 1], got ${alpha}`);
  return Object.freeze({
    alpha,
    minAgreement: alpha === 0 ? -1 : alpha,
    slack: alpha === 0 ? Infinity : (1 - alpha) / 2,
    evidence: alpha === 0 ? 0 : alpha === 1 ? Infinity : Math.max(2, Math.round((BASE_SAMPLE * alpha) / (1 - alpha))),
    locked: alpha === 1,
  });
}

/** The agreement sample a gate at these thresholds buys by default: n(α), or 0 at the ends (it buys nothing there). */
export function defaultSample(th: GateThresholds): number {
  return Number.isFinite(th.evidence) ? th.evidence : 0;
}

/** What a safeguard may consult besides the proposal. */
export interface SafeguardContext {
  /** Budgeted anchor ground truth of this generation's population. */
  readonly oracle: AnchorOracle;
  /** The metric adopted now (what the population was trained on). */
  readonly current: Metric;
  readonly generation: number;
  /** How far the learners have moved from where they started (the quarantine needs it; e.g. parameter distance from init). */
  readonly distance?: number;
}

/** The non-regression check of one proposal. */
export interface RegressionCheck {
  /**
   * `same-best`: both metrics pick the same member (nothing can fall); `vacuous`: slack ≥ 1;
   * `measured`: both rows bought and compared; `unaffordable`: the budget could not pay for them.
   */
  readonly status: 'same-best' | 'vacuous' | 'measured' | 'unaffordable';
  readonly currentBest: string;
  readonly proposedBest: string;
  /** Anchor GT pass rates of the two members (null when not bought). */
  readonly currentRate: number | null;
  readonly proposedRate: number | null;
  /** currentRate − proposedRate (0 for same-best, null when not measured). */
  readonly drop: number | null;
  /** Allowed drop; null = unbounded. */
  readonly slack: number | null;
  readonly ok: boolean;
}

/** Advice to roll back the adopted metric (quarantine). */
export interface RollbackAdvice {
  /** The generation of the peak observation, whose metric in force is the advice. */
  readonly generation: number;
  readonly metric: MetricSpec;
  /** d at that observation. */
  readonly d: number;
  /** Where the gold peaked (d of the peak observation). */
  readonly peak: number;
}

/** One recorded decision (plain data: goes into the run record as is). */
export interface Decision {
  readonly generation: number;
  readonly safeguard: string;
  /** The proposed metric (expression text, direction, threshold). */
  readonly metric: MetricSpec;
  readonly parent: string | null;
  readonly operator: string;
  /** Agreement with ground truth on the anchor verdicts revealed when deciding. */
  readonly agreement: Agreement;
  readonly regression: RegressionCheck | null;
  /** Verdicts this review bought. */
  readonly budgetSpent: number;
  readonly accepted: boolean;
  /**
   * `accepted`; `rejected`: the evidence speaks against the metric; `undecided`: there is no
   * evidence either way (an undefined statistic, too few verdicts, an unaffordable check). An
   * undecided review changes nothing: a proposal is not adopted (the gate adopts only on
   * evidence) and a metric under re-validation stays in force (nothing was shown against it).
   */
  readonly outcome: DecisionOutcome;
  /** One sentence, with the numbers. */
  readonly reason: string;
  /** The thresholds applied (agreement gate), else null. */
  readonly thresholds: { readonly alpha: number; readonly minAgreement: number; readonly slack: number | null; readonly evidence: number | null; readonly locked: boolean } | null;
  /** The proxy-vs-gold fit (quarantine), else null. */
  readonly fit: GaoFit | null;
  readonly rollback: RollbackAdvice | null;
}

/** What a review concluded. */
export type DecisionOutcome = 'accepted' | 'rejected' | 'undecided';

/** A pluggable safeguard: given a proposal and budgeted anchor queries, accept or reject with a reason. */
export interface Safeguard {
  readonly name: string;
  review(proposal: Proposal, context: SafeguardContext): Decision;
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

/** A metric as one readable phrase: `restError (lower, pass ≤ 0.5)`. */
export function describeMetric(m: Metric | MetricSpec): string {
  return `${m.expression} (${m.direction}, pass ${m.direction === 'lower' ? '≤' : '≥'} ${m.threshold})`;
}

const f2 = (x: number | null): string => (x === null || Number.isNaN(x) ? 'undefined' : x === Infinity ? '∞' : x.toFixed(2));
// Slack values such as slack(0.8) = 0.125 need a third decimal.
const f3 = (x: number | null): string => (x === null ? '∞' : x === Infinity ? '∞' : x.toFixed(3));

/** Mean goodness of each member over the anchor tasks (free); undefined values count as the metric's worst finite goodness. */
export function memberScores(oracle: AnchorOracle, metric: Metric): number[] {
  const good = oracle.values(metric).map((row) => row.map((v) => goodness(metric.direction, v)));
  let worst = Infinity;
  for (const row of good) for (const g of row) if (Number.isFinite(g) && g < worst) worst = g;
  if (worst === Infinity) return good.map(() => -Infinity);
  return good.map((row) => row.reduce((s, g) => s + (Number.isFinite(g) ? g : worst), 0) / Math.max(1, row.length));
}

/** Index of the member a metric ranks best (earliest on ties). */
export function bestMember(oracle: AnchorOracle, metric: Metric): number {
  const scores = memberScores(oracle, metric);
  let best = 0;
  for (let m = 1; m < scores.length; m++) if ((scores[m] as number) > (scores[best] as number)) best = m;
  return best;
}

const rowCells = (oracle: AnchorOracle, member: number): Cell[] => oracle.tasks.map((_, task) => ({ member, task }));

/** Anchor GT pass rate of a member, buying its row (throws BudgetExhaustedError if unaffordable). */
function buyRowRate(oracle: AnchorOracle, member: number): number {
  const verdicts = oracle.queryAll(rowCells(oracle, member));
  return verdicts.length > 0 ? verdicts.filter((v) => v.pass).length / verdicts.length : 0;
}

/** Ground-truth non-regression of `proposed` against `current` within `slack` (buys at most two rows). */
export function checkNonRegression(oracle: AnchorOracle, current: Metric, proposed: Metric, slack: number): RegressionCheck {
  const cur = bestMember(oracle, current);
  const prop = bestMember(oracle, proposed);
  const base = { currentBest: oracle.members[cur] as string, proposedBest: oracle.members[prop] as string, slack: Number.isFinite(slack) ? slack : null };
  if (cur === prop) return { ...base, status: 'same-best', currentRate: null, proposedRate: null, drop: 0, ok: true };
  if (!(slack < 1)) return { ...base, status: 'vacuous', currentRate: null, proposedRate: null, drop: null, ok: true };
  const cells = [...rowCells(oracle, cur), ...rowCells(oracle, prop)];
  if (oracle.costOf(cells) > oracle.remaining) return { ...base, status: 'unaffordable', currentRate: null, proposedRate: null, drop: null, ok: false };
  const currentRate = buyRowRate(oracle, cur);
  const proposedRate = buyRowRate(oracle, prop);
  const drop = currentRate - proposedRate;
  // Pass rates are k/T fractions: a tiny tolerance keeps drop = slack (e.g. 2/16 vs 0.125) on the right side.
  return { ...base, status: 'measured', currentRate, proposedRate, drop, ok: drop <= slack + 1e-12 };
}

function regressionPhrase(r: RegressionCheck): string {
  switch (r.status) {
    case 'same-best':
      return `both metrics rank ${r.currentBest} best, so its GT pass rate cannot fall`;
    case 'vacuous':
      return `non-regression cannot bind (slack ${f3(r.slack)} ≥ 1)`;
    case 'unaffordable':
      return `non-regression could not be verified: the budget cannot pay for the rows of ${r.currentBest} and ${r.proposedBest}`;
    case 'measured':
      return `the best learner's anchor GT pass rate goes ${f2(r.currentRate)} (${r.currentBest}) → ${f2(r.proposedRate)} (${r.proposedBest}), drop ${f2(r.drop)} ${r.ok ? '≤' : '>'} slack ${f3(r.slack)}`;
  }
}

// Undefined statistics print as 'undefined' here; their causes are named where they matter (the reason's own clauses).
function agreementPhrase(a: Agreement): string {
  return `τ-b ${f2(a.tauB)}, κ ${f2(a.kappa)}, AUC ${f2(a.auc)} on ${a.n} anchor verdicts`;
}

function decision(
  proposal: Proposal,
  ctx: SafeguardContext,
  safeguard: string,
  spentBefore: number,
  fields: Pick<Decision, 'accepted' | 'reason' | 'agreement'> & Partial<Pick<Decision, 'outcome' | 'regression' | 'thresholds' | 'fit' | 'rollback'>>,
): Decision {
  return {
    outcome: fields.accepted ? 'accepted' : 'rejected',
    generation: ctx.generation,
    safeguard,
    metric: metricToSpec(proposal.metric),
    parent: proposal.parent,
    operator: proposal.operator,
    budgetSpent: ctx.oracle.spent - spentBefore,
    regression: null,
    thresholds: null,
    fit: null,
    rollback: null,
    ...fields,
  };
}

/** Buys up to `size` verdicts of a seeded permutation of the matrix, explored rows included (stops quietly when the budget runs out). The first k cells are the same for every size ≥ k. */
function buySample(oracle: AnchorOracle, seed: number, generation: number, size: number): void {
  const n = oracle.size;
  const order = Array.from({ length: n }, (_, i) => i);
  const rng = new Stream([seed, 'gate:sample', generation]);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  for (const i of order.slice(0, Math.min(size, n))) {
    const member = Math.floor(i / oracle.tasks.length);
    const task = i % oracle.tasks.length;
    if (!oracle.isRevealed(member, task)) {
      if (oracle.remaining < 1) return;
      oracle.query(member, task);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// (a) the anchor gate

/** Options of the anchor gate. */
export interface AgreementGateOptions {
  /** Gate strength α ∈ [0, 1]. */
  readonly alpha: number;
  /** The ground-truth metric (`groundTruthMetric(world, params)`); null if the world has none. The metric adopted at α = 1 unless `locked` is given. */
  readonly groundTruth: Metric | null;
  /** The only metric adopted at α = 1 (evolve: the designer metric — built-in bias); default `groundTruth`. */
  readonly locked?: Metric | null;
  /** Run seed: picks the agreement sample's cells. */
  readonly seed: number;
  /** Cells of the per-generation agreement sample (default n(α) = 24 · α / (1 − α): 8, 24, 72 at ¼, ½, ¾). */
  readonly sampleSize?: number;
  /** Fewest revealed verdicts the gate decides on (default sampleSize, at most every cell of the generation). */
  readonly minEvidence?: number;
  /** Cells the sample may grow to while τ-b or κ is undefined (default 2 × sampleSize). */
  readonly maxSample?: number;
}

/** The anchor gate: agreement (τ-b and κ) ≥ τ(α) and non-regression within slack(α); locked to ground truth at α = 1. */
export function agreementGate(options: AgreementGateOptions): Safeguard {
  const th = gateThresholds(options.alpha);
  const sampleSize = options.sampleSize ?? defaultSample(th);
  const minEvidence = options.minEvidence ?? sampleSize;
  const maxSample = options.maxSample ?? 2 * sampleSize;
  if (!(Number.isInteger(sampleSize) && sampleSize >= 0)) throw new RangeError(`sampleSize must be a non-negative integer, got ${sampleSize}`);
  const thresholds = { alpha: th.alpha, minAgreement: th.minAgreement, slack: Number.isFinite(th.slack) ? th.slack : null, evidence: Number.isFinite(th.evidence) ? minEvidence : null, locked: th.locked };
  const name = `anchor-gate(α=${th.alpha})`;
  const gt = options.locked === undefined ? options.groundTruth : options.locked;
  const lockedTo = options.locked === undefined ? 'ground truth' : 'the designer metric';
  const lockedName = options.locked === undefined ? 'the ground-truth metric' : 'the locked metric';
  const a = th.alpha;
  return {
    name,
    review(proposal, ctx) {
      const { oracle } = ctx;
      const spent0 = oracle.spent;
      const decide = (fields: Parameters<typeof decision>[4]): Decision => decision(proposal, ctx, name, spent0, { thresholds, ...fields });
      if (th.locked) {
        // Nothing to measure: the metric is fixed by design. Agreement is recorded from what is already bought.
        const agreement = metricAgreement(proposal.metric, oracle.evidence());
        if (gt !== null && sameMetric(proposal.metric, gt)) {
          return decide({ accepted: true, agreement, reason: `accepted: locked to ${lockedTo} (α = 1) and this is ${lockedName} ${describeMetric(gt)}.` });
        }
        const only = gt ? `only ${describeMetric(gt)} may be adopted` : `this world has no ${options.locked === undefined ? 'ground-truth' : 'designer'} metric expression, so no metric may be adopted`;
        return decide({ accepted: false, agreement, reason: `rejected: locked to ${lockedTo} (α = 1); ${only}.` });
      }
      if (a === 0) {
        const agreement = metricAgreement(proposal.metric, oracle.evidence());
        return decide({ accepted: true, agreement, reason: 'accepted: the gate is open (α = 0: τ = −1, slack = ∞), no ground truth consulted.' });
      }
      buySample(oracle, options.seed, ctx.generation, sampleSize);
      const regression = checkNonRegression(oracle, ctx.current, proposal.metric, th.slack);
      let agreement = metricAgreement(proposal.metric, oracle.evidence());
      // An undefined statistic: buy more of the same permutation (within the budget) before deciding.
      for (let size = sampleSize; (agreement.tauB === null || agreement.kappa === null) && size < maxSample && oracle.remaining >= 1; ) {
        size = Math.min(maxSample, size + Math.max(1, sampleSize));
        buySample(oracle, options.seed, ctx.generation, size);
        agreement = metricAgreement(proposal.metric, oracle.evidence());
      }
      const tau = th.minAgreement;
      // A sample as large as the generation's matrix is all the evidence there is.
      const need = Math.min(minEvidence, oracle.size);
      if (agreement.n < need) {
        return decide({
          accepted: false,
          outcome: 'undecided',
          agreement,
          regression,
          reason: `undecided: only ${agreement.n} anchor verdicts could be bought (budget ${oracle.spent}/${oracle.budget}), the gate needs ${need}; nothing changes.`,
        });
      }
      const failures: string[] = [];
      const missing: string[] = [];
      if (agreement.tauB === null) missing.push(`τ-b ${statisticText(agreement, 'tauB')}`);
      else if (agreement.tauB < tau) failures.push(`τ-b ${f2(agreement.tauB)} < τ(${a}) = ${f2(tau)}`);
      if (agreement.kappa === null) missing.push(`threshold κ ${statisticText(agreement, 'kappa')}`);
      else if (agreement.kappa < tau) failures.push(`threshold κ ${f2(agreement.kappa)} < τ(${a}) = ${f2(tau)}`);
      if (regression.status === 'unaffordable') missing.push(regressionPhrase(regression));
      else if (!regression.ok) failures.push(regressionPhrase(regression));
      if (failures.length > 0) {
        const alsoMissing = missing.length ? `; no evidence: ${missing.join('; ')}` : '';
        return decide({ accepted: false, agreement, regression, reason: `rejected: ${failures.join('; ')}${alsoMissing} (${agreementPhrase(agreement)}).` });
      }
      if (missing.length > 0) {
        return decide({
          accepted: false,
          outcome: 'undecided',
          agreement,
          regression,
          reason: `undecided: no evidence either way — ${missing.join('; ')} — so nothing changes (${agreementPhrase(agreement)}).`,
        });
      }
      return decide({
        accepted: true,
        agreement,
        regression,
        reason: `accepted: τ-b ${f2(agreement.tauB)} and κ ${f2(agreement.kappa)} ≥ τ(${a}) = ${f2(tau)} (AUC ${f2(agreement.auc)}, ${agreement.n} anchor verdicts), and ${regressionPhrase(regression)}.`,
      });
    },
  };
}

/** The anchor gate under its glossary name. */
export const anchorGate = agreementGate;

// ---------------------------------------------------------------------------------------------
// (b) ground-truth non-regression alone

/** Options of `nonRegressionOnly`: an explicit slack, or slack(α). */
export type NonRegressionOptions = { readonly slack: number } | { readonly alpha: number };

/** Accepts iff the best learner's anchor GT pass rate does not fall by more than the slack; no agreement threshold. */
export function nonRegressionOnly(options: NonRegressionOptions): Safeguard {
  const slack = 'slack' in options ? options.slack : gateThresholds(options.alpha).slack;
  if (!(slack >= 0)) throw new RangeError(`slack must be ≥ 0, got ${slack}`);
  const name = `non-regression(slack=${f3(slack)})`;
  return {
    name,
    review(proposal, ctx) {
      const spent0 = ctx.oracle.spent;
      const regression = checkNonRegression(ctx.oracle, ctx.current, proposal.metric, slack);
      const agreement = metricAgreement(proposal.metric, ctx.oracle.evidence());
      // An unaffordable check is no evidence: undecided, nothing changes.
      const outcome = regression.ok ? 'accepted' : regression.status === 'unaffordable' ? 'undecided' : 'rejected';
      return decision(proposal, ctx, name, spent0, {
        accepted: regression.ok,
        outcome,
        agreement,
        regression,
        reason: `${outcome}: ${regressionPhrase(regression)}${outcome === 'undecided' ? '; nothing changes' : ''}.`,
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// (c) quarantine: a watch on the gold curve

/** Options of the quarantine. */
export interface QuarantineOptions {
  /** Gao's form fitted to the curve for the record: `selection` (best-of-n style search) or `rl` (gradient learners). */
  readonly form: GaoForm;
  /** Observations pooled on each side of the comparison: the latest ones against the best earlier run of as many (default 2). */
  readonly window?: number;
  /** Least fall of the pooled GT pass rate, peak window → latest window, that counts (default 0.15). */
  readonly minDrop?: number;
  /** Least one-sided two-proportion z of that fall (default 2.33, p < 0.01 for a window fixed in advance). */
  readonly zCritical?: number;
  /** Judges proposals while gold has not fallen (default: accept). */
  readonly inner?: Safeguard;
}

/** One observation of the curve. */
export interface QuarantinePoint extends GoldPoint {
  readonly generation: number;
  /** Anchor GT pass rate of the current metric's best learner; `gold` is its gain over the first observation. */
  readonly rate: number;
  /** Verdicts behind `rate` (one row: the anchor tasks) and how many passed. */
  readonly n: number;
  readonly passes: number;
  /** The metric in force (adopted) when observed. */
  readonly metric: MetricSpec;
}

/** The quarantine's test of a fall: the best earlier window against the latest one. */
export interface QuarantineFall {
  /** Generations of the peak window and of the latest window. */
  readonly peak: readonly number[];
  readonly latest: readonly number[];
  readonly peakRate: number;
  readonly latestRate: number;
  readonly drop: number;
  /** One-sided two-proportion z of the drop (pooled variance); null when every verdict agrees (no variance). */
  readonly z: number | null;
  /** drop ≥ minDrop and z ≥ zCritical. */
  readonly fell: boolean;
}

/** The quarantine safeguard, with its curve for the UI and the runner. */
export interface QuarantineSafeguard extends Safeguard {
  /** Observations so far, oldest first. */
  readonly history: readonly QuarantinePoint[];
  /** Observes this generation's point (once per generation; call it every generation, proposals or not). Null if the budget cannot pay. */
  observe(context: SafeguardContext): QuarantinePoint | null;
  /** Gao's fit of the curve so far (reported; not the trigger), or null with too few points. */
  fit(): GaoFit | null;
  /** The fall test on the curve so far, or null with fewer than two windows of observations. */
  fall(): QuarantineFall | null;
  /** Forgets the curve (after the runner acted on a rollback: optimisation restarts). */
  reset(): void;
  /** Restores a history read from `history` (a resumed run). */
  restore(history: readonly QuarantinePoint[]): void;
}

const pooled = (ps: readonly QuarantinePoint[]): { n: number; passes: number } => ps.reduce((a, p) => ({ n: a.n + p.n, passes: a.passes + p.passes }), { n: 0, passes: 0 });

/**
 * Quarantine: each generation it observes gold = the anchor GT pass rate of the current metric's
 * best learner (one row of verdicts) at the distance d the runner supplies, and watches for a
 * fall: the pooled pass rate of the latest `window` observations against the best earlier run of
 * `window` consecutive ones. Once it has fallen by at least `minDrop` with a one-sided
 * two-proportion z ≥ `zCritical`, it rejects every proposal (and the metric in force, when
 * re-validated) and advises rolling back to the metric in force at the peak. Until then it defers
 * to `inner` (or accepts).
 *
 * Why not the Gao fit as the trigger (the first rule: the fitted gold turning down, with R² ≥ 0.5
 * on ≥ 4 points): in evolve runs gold does not fall along d under one proxy, as Gao's curves do;
 * it falls when the metric changes, at a d that hardly moved, so the fit's R² drops exactly when
 * the fall happens (0.05 on 28 points in the issue's run; 0.91 → 0.31 across the fall in a sensor
 * run here) and the rule never fired in 30 generations. The fall test looks at the evidence
 * itself. The peak window is chosen after the fact (the best of several), so the nominal p is
 * optimistic: hence p < 0.01 and an effect size of 0.15 besides. Gao's fit is still recorded.
 */
export function quarantine(options: QuarantineOptions): QuarantineSafeguard {
  const window = options.window ?? 2;
  const minDrop = options.minDrop ?? 0.15;
  const zCritical = options.zCritical ?? 2.33;
  if (!(Number.isInteger(window) && window >= 1)) throw new RangeError(`window must be a positive integer, got ${window}`);
  const name = `quarantine(${options.form}${options.inner ? `, ${options.inner.name}` : ''})`;
  let history: QuarantinePoint[] = [];

  const distanceOf = (ctx: SafeguardContext): number => {
    const d = ctx.distance;
    if (d === undefined || !Number.isFinite(d) || d < 0) throw new RangeError(`quarantine needs context.distance, a finite d ≥ 0 (got ${String(d)})`);
    return d;
  };

  const fall = (): QuarantineFall | null => {
    if (history.length < 2 * window) return null;
    const latest = history.slice(-window);
    let peak = history.slice(0, window);
    for (let i = 1; i + window <= history.length - window; i++) {
      const w = history.slice(i, i + window);
      const a = pooled(w);
      const b = pooled(peak);
      if (a.passes / a.n > b.passes / b.n) peak = w;
    }
    const p = pooled(peak);
    const l = pooled(latest);
    const peakRate = p.passes / p.n;
    const latestRate = l.passes / l.n;
    const drop = peakRate - latestRate;
    const all = (p.passes + l.passes) / (p.n + l.n);
    const se = Math.sqrt(all * (1 - all) * (1 / p.n + 1 / l.n));
    const z = se > 0 ? drop / se : null;
    return { peak: peak.map((x) => x.generation), latest: latest.map((x) => x.generation), peakRate, latestRate, drop, z, fell: drop >= minDrop - 1e-12 && z !== null && z >= zCritical };
  };

  const self: QuarantineSafeguard = {
    name,
    get history() {
      return history.slice();
    },
    observe(ctx) {
      const d = distanceOf(ctx);
      const seen = history.find((p) => p.generation === ctx.generation);
      if (seen) return seen;
      const best = bestMember(ctx.oracle, ctx.current);
      if (ctx.oracle.costOf(rowCells(ctx.oracle, best)) > ctx.oracle.remaining) return null;
      const verdicts = ctx.oracle.queryAll(rowCells(ctx.oracle, best));
      const passes = verdicts.filter((v) => v.pass).length;
      const rate = verdicts.length > 0 ? passes / verdicts.length : 0;
      const baseline = history[0]?.rate ?? rate;
      const point: QuarantinePoint = { generation: ctx.generation, d, rate, n: verdicts.length, passes, gold: rate - baseline, metric: metricToSpec(ctx.current) };
      history.push(point);
      return point;
    },
    fit() {
      return fitGao(history, options.form);
    },
    fall,
    reset() {
      history = [];
    },
    restore(points) {
      history = points.map((p) => ({ ...p }));
    },
    review(proposal, ctx) {
      const spent0 = ctx.oracle.spent;
      distanceOf(ctx);
      const observed = self.observe(ctx);
      const fit = self.fit();
      const test = fall();
      const agreement = () => metricAgreement(proposal.metric, ctx.oracle.evidence());
      const fitText = fit ? `Gao ${fit.form} fit a ${fit.a.toFixed(3)}, b ${fit.b.toFixed(3)}, R² ${fit.r2.toFixed(2)} on ${fit.n} points` : 'no Gao fit yet';
      const span = (gens: readonly number[]): string => (gens.length === 1 ? `gen ${gens[0]}` : `gens ${gens[0]}–${gens[gens.length - 1]}`);
      const fallText = (t: QuarantineFall): string =>
        `the best learner's anchor GT went ${t.peakRate.toFixed(2)} (${span(t.peak)}) → ${t.latestRate.toFixed(2)} (${span(t.latest)}), drop ${t.drop.toFixed(2)} (needs ≥ ${minDrop}), z ${t.z === null ? 'undefined (no variance)' : t.z.toFixed(2)} (needs ≥ ${zCritical})`;
      if (test?.fell) {
        // Roll back to the metric in force at the best observation of the peak window.
        const peakPoints = history.filter((p) => test.peak.includes(p.generation));
        let at = peakPoints[0] as QuarantinePoint;
        for (const p of peakPoints) if (p.rate > at.rate) at = p;
        const rollback: RollbackAdvice = { generation: at.generation, metric: at.metric, d: at.d, peak: at.d };
        return decision(proposal, ctx, name, spent0, {
          accepted: false,
          agreement: agreement(),
          fit,
          rollback,
          reason: `rejected: gold fell — ${fallText(test)}; ${fitText}; roll back to the metric of generation ${at.generation}, ${describeMetric(at.metric)}.`,
        });
      }
      const state = `${observed ? '' : 'no gold observed this generation (budget); '}${test ? `no fall yet (${fallText(test)})` : `not enough observations to test a fall (${history.length}, needs ${2 * window})`}; ${fitText}`;
      if (options.inner) {
        const inner = options.inner.review(proposal, ctx);
        return { ...inner, safeguard: name, budgetSpent: ctx.oracle.spent - spent0, fit, reason: `${inner.reason.replace(/\.$/, '')}; quarantine: ${state}.` };
      }
      return decision(proposal, ctx, name, spent0, { accepted: true, agreement: agreement(), fit, reason: `accepted: ${state}.` });
    },
  };
  return self;
}
