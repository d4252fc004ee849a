/**
 * The safeguard registry: every safeguard `evolve --safeguard`, the `safeguards` leaderboard and
 * the app can use, one entry each. Registering a safeguard = one entry in `SAFEGUARDS` below
 * (docs/safeguards.md, "Adding a safeguard"): its id, one line on what it does, when it does
 * nothing, how to build it for a run, and which of its recorded refusals are its own. Data only:
 * no side effects on import.
 */
import type { Metric } from '../metrics/index.ts';
import { agreementGate, nonRegressionOnly, quarantine, type Decision, type QuarantineSafeguard, type Safeguard } from './gate.ts';

/** What a run gives a safeguard when it builds it. */
export interface SafeguardOptions {
  /** Gate strength α ∈ [0, 1] of the run. */
  readonly alpha: number;
  /** The world's ground-truth metric (null when it has none). */
  readonly groundTruth: Metric | null;
  /** Run seed (e.g. the agreement sample's cells). */
  readonly seed: number;
  /** The only metric a gate adopts at α = 1 (evolve: the start metric, by default the designer's); absent: the ground-truth metric. */
  readonly locked?: Metric | null;
}

/** What a refusal looks like in a run record (evolve's DecisionRecord has these fields). */
export interface RecordedRefusal {
  readonly kind: 'proposal' | 'revalidation' | 'fallback';
  readonly outcome: string;
  readonly reason: string;
  readonly rollback: Decision['rollback'];
}

/** One registered safeguard. */
export interface SafeguardEntry {
  /** The id of `--safeguard` and of config files (stable: runs record it). */
  readonly id: string;
  /** One line: what it checks. */
  readonly summary: string;
  /** One line: when it does nothing (docs/safeguards.md says more). */
  readonly idle: string;
  /** Builds the safeguard for one run (a fresh one per run: safeguards may keep state). */
  create(options: SafeguardOptions): Safeguard;
  /**
   * Whether a refusal in a record was this safeguard's own (what the leaderboard counts as it
   * firing). Default: every refusal. A safeguard that defers to an inner gate counts only its own
   * rule, so the leaderboard does not credit it with the gate's refusals.
   */
  readonly ownRefusal?: (d: RecordedRefusal) => boolean;
}

/** The registered safeguards, in listing order. */
export const SAFEGUARDS = [
  {
    id: 'agreement',
    summary: 'the anchor gate: agreement (τ-b, κ) with ground truth ≥ τ(α) and GT non-regression within slack(α)',
    idle: 'at α = 0 (open gate); when the evidence is silent (undefined statistics: undecided); non-regression when both metrics crown the same learner',
    create: ({ alpha, groundTruth, seed, locked }) => agreementGate({ alpha, groundTruth, seed, ...(locked === undefined ? {} : { locked }) }),
  },
  {
    id: 'non-regression',
    summary: "GT non-regression alone: the learner a proposal crowns may not pass ground truth less often than the current best by more than slack(α)",
    idle: 'when both metrics crown the same learner, at α = 0 (slack ∞), when the budget cannot pay for the two rows',
    create: ({ alpha }) => nonRegressionOnly({ alpha }),
  },
  {
    id: 'quarantine',
    summary: "a watch on the gold curve (the current best learner's anchor GT) around the anchor gate: rejects and rolls back once gold has fallen by ≥ 0.15 with z ≥ 2.33",
    idle: 'before four observations (and four after each rollback), while gold falls slowly or by less than 0.15, on rows too small for a significant fall',
    create: ({ alpha, groundTruth, seed, locked }) => quarantine({ form: 'rl', inner: agreementGate({ alpha, groundTruth, seed, ...(locked === undefined ? {} : { locked }) }) }),
    // Its own rule is the fall test, the only refusal that carries a rollback advice; the rest are its inner gate's.
    ownRefusal: (d) => d.rollback !== null,
  },
] as const satisfies readonly SafeguardEntry[];

/** One registered safeguard id. */
export type SafeguardKind = (typeof SAFEGUARDS)[number]['id'];

/** The registered ids (a non-empty tuple, for zod enums). */
export const SAFEGUARD_KINDS = SAFEGUARDS.map((s) => s.id) as unknown as readonly [SafeguardKind, ...SafeguardKind[]];

/** The entry of a registered id (the id comes from a parsed config, so it exists). */
export function safeguardEntry(id: SafeguardKind): SafeguardEntry {
  return SAFEGUARDS.find((s) => s.id === id) as SafeguardEntry;
}

/** Builds the registered safeguard `id` for one run. */
export function createRegisteredSafeguard(id: SafeguardKind, options: SafeguardOptions): Safeguard {
  return safeguardEntry(id).create(options);
}

/** A safeguard with a watch the runner feeds every generation and checkpoints (the quarantine's shape). */
export function isWatchingSafeguard(s: Safeguard): s is QuarantineSafeguard {
  const w = s as Partial<QuarantineSafeguard>;
  return typeof w.observe === 'function' && typeof w.reset === 'function' && typeof w.restore === 'function' && Array.isArray(w.history);
}

/**
 * Whether a recorded decision changed the gate's decision: the open gate (α = 0) accepts every
 * review, so a proposal not accepted (rejected or undecided) or a metric in force rejected at
 * re-validation is a decision the safeguard changed. A fallback is the runner's consequence of
 * such a rejection, not a review.
 */
export function changedDecision(d: Pick<RecordedRefusal, 'kind' | 'outcome'>): boolean {
  return (d.kind === 'proposal' && d.outcome !== 'accepted') || (d.kind === 'revalidation' && d.outcome === 'rejected');
}

/** Whether a recorded decision is the registered safeguard `id` firing: a changed decision by its own rule. */
export function safeguardFired(id: SafeguardKind, d: RecordedRefusal): boolean {
  const own = safeguardEntry(id).ownRefusal;
  return changedDecision(d) && (own ? own(d) : true);
}
