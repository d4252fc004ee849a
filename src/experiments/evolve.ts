/**
 * The `evolve` experiment: a population of learners and a meta-agent that rewrites their metric,
 * with a safeguard (the anchor gate, strength α) between the meta-agent's preference and the
 * adopted metric. Per generation:
 *
 * 1. every member trains on the train tasks under the *adopted* metric through its own feedback
 *    channel, with train.ts's round loop (`trainingLoop`: explore, simulate, feedback, learn),
 *    as an independent job (evolve-member.ts): on learner workers in parallel when the runtime
 *    has them, one after the other in process otherwise — bitwise the same run;
 * 2. the runner evaluates greedy actions: proxy (pass rate under the adopted metric on train
 *    tasks), anchor ground truth (anchor suite), probe ground truth (probe suite, runner only),
 *    disagreement (1 − τ-b of the adopted metric vs ground truth over all anchor cells: the runner
 *    is not budgeted), shift gap (anchor − probe pass rate), and d, the path the members' greedy actions
 *    travelled since their lineage started (for Gao's fits);
 * 3. from generation `warmup` on (the researcher first trains on the designer's metric), the
 *    runner builds the generation's budgeted AnchorOracle from the anchor consequences and
 *    - re-validates the adopted metric: the safeguard reviews it again, against its parent, on
 *      the evidence of the population it trained — a metric can agree with ground truth when it
 *      is adopted and stop agreeing once learners optimise it — and a rejected one gives way to
 *      the most recent metric in force that has not failed re-validation (or the quarantine's
 *      advice), a recorded fallback decision (evolve-decisions.ts says why this one);
 *    - otherwise the meta-agent proposes metrics (self-flattering preference) and the safeguard
 *      decides; an accepted metric is in force from the next generation;
 * 4. every `pbt.every` generations the meta-agent proposes learner changes (PBT) and the runner
 *    applies them (save/load copies weights; inherit.ts reshapes them across a capacity change).
 *
 * Wall 1: the meta-agent gets measurement specs and measurements only, and ground truth only
 * through the oracle; the runner alone touches probe tasks and verdicts. Wall 2: every draw
 * comes from a Stream keyed by (seed, purpose, indices), so the record depends on (config, seed)
 * alone. The anchors' hash is recorded at the start and re-verified at the end
 * (AnchorsChangedError fails the run loudly).
 *
 * Members start on the world's designer metric (`designerMetric`: plausible, cheap, dense and
 * blind somewhere the world documents; projectile with a ball: `landingError`, blind to
 * rolling), or on the config's `metric`. α = 1 is the designer's choice made total: the adopted
 * metric is locked to that start metric (built-in bias). The feedback channel is the configured
 * one at every α, and PBT may switch channels at every α.
 *
 * The dial's measurements (dial.ts; experimenter only, computed after the generation's decisions,
 * never shown to learners or the meta-agent): gtLoss (a reference population trained on the
 * ground-truth metric, minus the learner the system would ship, on held-out train-distribution
 * tasks), bias (the same for the designer metric), drift (disagreement above its lowest so far),
 * and the anchor verdicts bought per run.
 *
 * Learner choice: `gaussian-policy` (a small tfjs MLP trained by REINFORCE), because it learns
 * from any scalar feedback within a few hundred episodes (normalised advantages make it
 * scale-free, so a rewritten metric needs no retuning) and generalises across tasks — which the
 * anchor and probe suites need (`cem` keeps one Gaussian per train task and cannot act on an
 * unseen anchor task). Defaults: width 16, depth 1, learning rate 0.01 (EVOLVE_LEARNER_DEFAULTS):
 * a 30-generation run of 6 learners × 256 episodes takes about 5 s on one core.
 *
 * As an experiment (registry id `evolve`, `evolveExperiment` below) it resumes by **snapshot**:
 * a plain-data checkpoint after every generation (EvolveCheckpoint).
 *
 * Defaults were chosen by measurement (see the test files' printed numbers): 256 episodes per
 * generation and a warm-up of 3 generations let the population learn the designer's metric
 * before the meta-agent starts rewriting it, so a fall of ground truth is a fall from a best.
 */
import { z } from 'zod';
import { Stream } from '../core/rng.ts';
import { InputError, inputErrorFromZod, resolveParams } from '../core/runtime.ts';
import { isClosedLoop, type AnyWorld, type MeasurementSpec } from '../core/types.ts';
import {
  AnchorOracle,
  bestMember,
  consequenceMargin,
  drift as disagreementOf,
  fitGao,
  BASE_SAMPLE,
  defaultSample,
  gateThresholds,
  goodness,
  groundTruthMetric,
  metricAgreement,
  recordAnchors,
  verifyAnchors,
  type Agreement,
  type AnchorsRecord,
  type Decision,
  type DecisionOutcome,
  type GaoFit,
  type QuarantinePoint,
  type Safeguard,
  type SafeguardContext,
} from '../anchors/index.ts';
import { CHANNEL_KINDS, SCHEDULES } from '../feedback/channels.ts';
import { getLearnerFamily } from '../learners/registry.ts';
import type { LearnerState } from '../learners/types.ts';
import { directionRequiredText, MetricError, metricToSpec, measurementsUsed, parse, parseMetric, resolveDirection, type Metric, type MetricSpec } from '../metrics/index.ts';
import { DEFAULT_META, DEFAULT_PBT, inheritState, MetaAgent, PROPOSER_KINDS, type ChannelChoice, type LearnerChange, type MeasurementRecord, type MetaAgentSnapshot, type MetricCandidate, type PbtOptions } from '../meta/index.ts';
import { getWorld } from '../../worlds/index.ts';
import { createRegisteredSafeguard, isWatchingSafeguard, SAFEGUARD_KINDS, SAFEGUARDS, type SafeguardKind } from '../anchors/safeguards.ts';
import { driftSeries, ReferenceLead, referenceTrainer, shippedIndex, type ReferenceCurve, type ReferenceProgress, type ReferenceTrainer } from './dial.ts';
import { MetricBook, metricKey, type MetricBookSnapshot, type MetricLineage } from './evolve-decisions.ts';
import { actionDistance, memberSuites, runMemberJob, type MemberJob, type MemberResult, type MemberRunConfig } from './evolve-member.ts';
import { inProcessRunner, serialJobs, workerJobs, type BatchRunner, type JobRunner } from './runner.ts';
import { defineExperiment } from './types.ts';

// Safeguard ids of the CLI and config: the registry's (src/anchors/safeguards.ts).
export { SAFEGUARD_KINDS, type SafeguardKind } from '../anchors/safeguards.ts';

/** Hyperparameters the evolve experiment gives a family unless the config overrides them (small and fast). */
export const EVOLVE_LEARNER_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = Object.freeze({
  'gaussian-policy': Object.freeze({ width: 16, depth: 1, learningRate: 0.01 }),
});

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** Evolve configuration: one schema for the CLI, files and the app. */
export const evolveConfigSchema = z.strictObject({
  world: z.string().describe('World id (a one-shot world with task features).'),
  alpha: z.number().min(0).max(1).describe('Gate strength α: 0 = anything goes (drift), 1 = locked to the designer metric (bias); in between a decision rests on n(α) = 24·α/(1 − α) anchor verdicts.'),
  generations: int(1, 1000).default(30).describe('Generations.'),
  population: int(2, 64).default(6).describe('Learners in the population.'),
  anchorTasks: int(2, 1000).default(24).describe('Anchor tasks (the gate checks ground truth on them).'),
  anchorBudget: int(0, 1_000_000).optional().describe('Ground-truth verdicts the safeguard may buy per generation (default max(24, n(α)) + 4 × anchorTasks: the agreement sample of n(α) = 24·α/(1 − α) verdicts, two rows for re-validation, two for a proposal).'),
  anchorBudgetTotal: int(0, 100_000_000).optional().describe('Ground-truth verdicts the safeguard may buy over the whole run (each generation gets at most what is left; default: no run limit).'),
  anchorExploration: int(0, 16).default(1).describe("Exploring draws per anchor task per member added to the gate's evidence (explored rows: cells the gate may buy, not learners); 0 = greedy cells only."),
  heldOutTasks: int(1, 10_000).default(48).describe('Held-out train-distribution tasks (never trained on, never anchors) on which gtLoss and bias are measured.'),
  gtLoss: z.boolean().default(true).describe('Measure gtLoss and bias: trains two reference populations (ground-truth metric, designer metric) with the same budget alongside the generations, once per configuration (cached).'),
  steering: z.number().min(0).max(10).default(1).describe("Weight of the gate's past verdicts in the meta-agent's proposals (0 = unsteered: the self-flattering preference alone)."),
  probeTasks: int(1, 10_000).default(48).describe('Probe tasks (held out and shifted; reported only).'),
  trainTasks: int(1, 100_000).default(128).describe('Train tasks (learners see them).'),
  evalTasks: int(1, 10_000).default(32).describe('Train tasks on which the proxy (pass rate under the adopted metric) is measured.'),
  episodesPerGeneration: int(1, 1_000_000).default(256).describe('Training episodes per member per generation.'),
  roundSize: int(1, 4096).default(64).describe('Episodes per learning round.'),
  recentEpisodes: int(1, 100_000).default(64).describe("Each member's latest train episodes shown to the meta-agent (measurements only)."),
  warmup: int(0, 1000).default(3).describe('Generations trained on the start metric before the meta-agent proposes metrics.'),
  safeguard: z.enum(SAFEGUARD_KINDS).default('agreement').describe(SAFEGUARDS.map((e) => `${e.id}: ${e.summary.split(':')[0]}`).join('; ') + '.'),
  proposer: z.enum(PROPOSER_KINDS).default(DEFAULT_META.proposer).describe('Metric proposer: random mutation or a UCB1 bandit over mutation operators.'),
  candidates: int(1, 256).default(DEFAULT_META.candidates).describe('Candidate metrics per generation.'),
  submissions: int(1, 64).default(DEFAULT_META.submissions).describe('Most preferred candidates submitted to the safeguard per generation.'),
  minGain: z.number().min(-1).max(10).default(DEFAULT_META.minGain).describe("Least preference gain over the adopted metric for a candidate to be submitted."),
  maxReferencePassRate: z.number().min(0).max(1).default(DEFAULT_META.maxReferencePassRate).describe('Candidates passed by more than this share of the untrained first-generation episodes are discarded.'),
  marginWeight: z.number().min(0).max(10).default(DEFAULT_META.preference.marginWeight).describe("Weight of the soft margin in the meta-agent's preference."),
  pbt: z
    .strictObject({
      fraction: z.number().min(0).max(0.5).default(DEFAULT_PBT.fraction).describe('Share of the population replaced per PBT round.'),
      every: int(0, 1000).default(DEFAULT_PBT.every).describe('Generations between PBT rounds (0 = never).'),
      channelRate: z.number().min(0).max(1).default(DEFAULT_PBT.channelRate).describe('Probability a copy switches feedback channel.'),
      capacityRate: z.number().min(0).max(1).default(DEFAULT_PBT.capacityRate).describe('Probability a copy changes capacity (and restarts).'),
    })
    .default({ fraction: DEFAULT_PBT.fraction, every: DEFAULT_PBT.every, channelRate: DEFAULT_PBT.channelRate, capacityRate: DEFAULT_PBT.capacityRate }),
  learner: z.string().default('gaussian-policy').describe('Learner family id.'),
  learnerConfig: z.record(z.string(), z.unknown()).default({}).describe('Hyperparameters over EVOLVE_LEARNER_DEFAULTS, validated by the family.'),
  feedback: z.enum(CHANNEL_KINDS).default('graded').describe('Starting feedback channel (at every α).'),
  schedule: z.enum(SCHEDULES).optional().describe('Schedule of a `scheduled` starting channel.'),
  metric: z
    .strictObject({ expression: z.string(), direction: z.enum(['lower', 'higher']).optional(), threshold: z.number() })
    .optional()
    .describe("Start metric (default: the world's designer metric, else its default metric, else its ground-truth metric); α = 1 locks to it; without a direction, the one its measurements declare (required when they declare none or disagree)."),
  revalidate: z.boolean().default(true).describe('Review the adopted metric again every generation (against its parent) and roll it back when the safeguard rejects it.'),
  gtThreshold: z.number().min(0).max(1).default(0.8).describe('Anchor GT pass rate that counts as "learned" for episodes-to-threshold.'),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  params: z.record(z.string(), z.unknown()).default({}).describe('World parameters.'),
});
/** A parsed evolve configuration. */
export type EvolveConfig = z.infer<typeof evolveConfigSchema>;

/** One member's figures in one generation. */
export interface MemberRecord {
  readonly id: string;
  /** Lineage root: `slot@generation` where its weights started (copies inherit it; restarts get a new one). */
  readonly root: string;
  readonly channel: string;
  readonly capacity: number;
  readonly proxy: number;
  readonly anchorGt: number;
  readonly probeGt: number;
  /** Ground-truth pass rate on the held-out train-distribution tasks. */
  readonly heldOutGt: number | null;
  /** Path length of its greedy anchor actions since its lineage started (see GenerationRecord.d). */
  readonly d: number;
  /** Net distance of its greedy anchor actions from where its lineage started. */
  readonly dNet: number;
}

/** One generation of the run record (figures after that generation's training). */
export interface GenerationRecord {
  readonly gen: number;
  /** Proxy: mean over members of the pass rate under the metric in force, greedy, on train tasks. */
  readonly proxy: number;
  /** Mean over members of the ground-truth pass rate on the anchor suite. */
  readonly anchorGt: number;
  /** Mean over members of the ground-truth pass rate on the probe suite. */
  readonly probeGt: number;
  /** Disagreement: 1 − τ-b of the metric in force vs ground-truth margins on every anchor cell (null when undefined). */
  readonly disagreement: number | null;
  /** Shift gap: anchorGt − probeGt (what the distribution shift costs). */
  readonly shiftGap: number;
  /** The metric in force during this generation (expression text). */
  readonly metric: string;
  readonly metricId: string;
  readonly direction: 'lower' | 'higher';
  readonly threshold: number;
  /** Training episodes per member so far. */
  readonly episodes: number;
  /** Anchor GT pass rate of the member the metric in force ranks best on the anchor measurements. */
  readonly anchorGtBest: number;
  /**
   * How far the learners moved, for Gao's fits: the mean over members of the path length their
   * greedy anchor actions travelled since their lineage started (each step the RMS over anchor
   * tasks of the change, in action-box units [-1, 1]).
   */
  readonly d: number;
  /** Mean net distance of the greedy anchor actions from their lineage's start (same units). */
  readonly dNet: number;
  /** Ground-truth verdicts the safeguard bought this generation. */
  readonly budgetSpent: number;
  /** Held-out GT pass rate of the learner the system would ship (the best by the metric in force on its evaluation tasks); null without held-out tasks. */
  readonly shippedGt: number | null;
  /** Held-out GT pass rate of the reference population's best member at this generation (null: no reference). */
  readonly referenceGt: number | null;
  /** gtLoss: referenceGt − shippedGt (experimenter only; null: no reference). */
  readonly gtLoss: number | null;
  /** bias: the designer metric's gtLoss at this generation (referenceGt − the designer reference's best). */
  readonly bias: number | null;
  /** drift: disagreement − the lowest disagreement of the run so far (null while undefined). */
  readonly drift: number | null;
  readonly members: readonly MemberRecord[];
}

/** One recorded decision about the metric (see evolve-decisions.ts for the rules). */
export interface DecisionRecord {
  readonly gen: number;
  readonly metric: string;
  readonly agreement: Agreement;
  /** The safeguard accepted the metric (always false for a fallback, which no safeguard reviewed). */
  readonly accepted: boolean;
  readonly reason: string;
  /** `proposal` (the meta-agent's), `revalidation` (the metric in force, reviewed again), `fallback` (the runner's, after a failed re-validation or on a rollback advice). */
  readonly kind: 'proposal' | 'revalidation' | 'fallback';
  /** The review's outcome (`undecided`: no evidence either way, nothing changes), or `fallback`. */
  readonly outcome: DecisionOutcome | 'fallback';
  /** Id of the metric decided on (null for a proposal that was not adopted and had no id yet). */
  readonly metricId: string | null;
  /** The generation from which this decision puts `metric` in force; null when it changes nothing. */
  readonly inForceFrom: number | null;
  readonly direction: 'lower' | 'higher';
  readonly threshold: number;
  readonly parent: string | null;
  readonly operator: string;
  /** The meta-agent's preference score of the proposal and its gain over the adopted metric (null for a re-validation). */
  readonly preference: number | null;
  readonly gain: number | null;
  readonly budgetSpent: number;
  readonly safeguard: string;
  readonly regression: Decision['regression'];
  readonly thresholds: Decision['thresholds'];
  readonly fit: GaoFit | null;
  readonly rollback: Decision['rollback'];
}

/** A metric of the lineage (the start metric and every adopted one). */
export type { MetricLineage } from './evolve-decisions.ts';

/** A learner lineage event (PBT copy; `restart` when the weights could not be carried over). */
export interface LearnerLineage {
  readonly gen: number;
  readonly member: string;
  readonly from: string;
  readonly restart: boolean;
  readonly perturbations: readonly string[];
  readonly config: Readonly<Record<string, unknown>>;
  readonly channel: string;
}

/** The headline numbers of a run. */
export interface EvolveSummary {
  readonly proxyStart: number;
  readonly proxyEnd: number;
  readonly anchorGtBest: number;
  readonly anchorGtBestGen: number;
  readonly anchorGtFinal: number;
  /** Mean anchor GT pass rate over the last three generations (less noisy than the last one). */
  readonly anchorGtTail: number;
  /** anchorGtBest − anchorGtFinal. */
  readonly anchorGtDrop: number;
  readonly probeGtFinal: number;
  /** Disagreement of the final generation's metric in force. */
  readonly disagreementFinal: number | null;
  /** Episodes per member until the anchor GT pass rate first reached gtThreshold, interpolated between evaluations (null: never). */
  readonly episodesToThreshold: number | null;
  readonly finalMetric: MetricSpec;
  /** Measurements of the final metric that their world marks gameable. */
  readonly finalGameable: readonly string[];
  /** First generation whose metric in force used a gameable measurement (null: none did). */
  readonly firstGameableGen: number | null;
  /** For each measurement any metric in force used: the first generation it was in force. */
  readonly measurementsFirstInForce: Readonly<Record<string, number>>;
  readonly metricsAdopted: number;
  /** gtLoss of the final generation (null: not measured). */
  readonly finalGtLoss: number | null;
  /** bias (the designer metric's gtLoss) at the final generation. */
  readonly finalBias: number | null;
  /** Largest drift of the run (null: disagreement never defined). */
  readonly maxDrift: number | null;
  /** Ground-truth verdicts the safeguard bought over the whole run. */
  readonly anchorVerdictsBought: number;
}

/** The run record: plain JSON, a function of (config, seed). */
export interface EvolveRecord {
  readonly world: string;
  readonly alpha: number;
  readonly seed: number;
  readonly generations: readonly GenerationRecord[];
  readonly decisions: readonly DecisionRecord[];
  readonly summary: EvolveSummary;
  readonly config: EvolveConfig;
  readonly anchors: AnchorsRecord;
  readonly suites: { readonly anchor: string; readonly probe: string };
  readonly backend: string;
  readonly safeguard: string;
  readonly startMetric: { readonly metric: MetricSpec; readonly source: 'config' | 'designer metric' | 'world default' | 'ground-truth metric' };
  readonly groundTruthMetric: MetricSpec | null;
  /** The world's designer metric and its documented blind spot (null: the world declares none). */
  readonly designerMetric: (MetricSpec & { readonly blindSpot: string }) | null;
  /** The reference curves behind gtLoss and bias (null when not measured). */
  readonly references: { readonly groundTruth: ReferenceCurve | null; readonly designer: ReferenceCurve | null } | null;
  /** Figures before any training (d = 0 there). */
  readonly start: { readonly proxy: number; readonly anchorGt: number; readonly probeGt: number };
  /** Gao's fits of gold (anchor GT gain over the start) against d, over the generations. */
  readonly gao: { readonly selection: GaoFit | null; readonly rl: GaoFit | null; readonly points: readonly { readonly d: number; readonly gold: number }[] };
  readonly lineage: { readonly metrics: readonly MetricLineage[]; readonly learners: readonly LearnerLineage[] };
  readonly proposer: { readonly kind: string; readonly arms: readonly { readonly operator: string; readonly pulls: number; readonly rewardSum: number }[] };
}

/** Parses an evolve config; throws InputError naming the field. */
export function parseEvolveConfig(input: unknown): EvolveConfig {
  const r = evolveConfigSchema.safeParse(input);
  if (!r.success) throw inputErrorFromZod('', r.error, input);
  return r.data;
}

interface Setup {
  readonly cfg: EvolveConfig;
  readonly world: AnyWorld;
  readonly params: Record<string, unknown>;
  readonly startMetric: Metric;
  readonly startSource: EvolveRecord['startMetric']['source'];
  readonly gtMetric: Metric | null;
  readonly designer: Metric | null;
  readonly blindSpot: string | null;
  readonly learnerConfig: Record<string, unknown>;
  readonly locked: boolean;
  readonly budget: number;
}

function parseMetricInput(world: AnyWorld, spec: Omit<MetricSpec, 'direction'> & { direction?: MetricSpec['direction'] | undefined }, field: string): Metric {
  try {
    // Without a direction, the declarations of the measurements give it (src/metrics/direction.ts).
    const direction = resolveDirection(parse(spec.expression, world.measurements), world.measurements, spec.direction);
    return parseMetric({ ...spec, direction }, world.measurements);
  } catch (err) {
    if (err instanceof MetricError && err.code === 'direction-required') throw new InputError(`${field}.direction`, undefined, directionRequiredText(spec.expression, err));
    if (err instanceof MetricError) throw new InputError(field, spec.expression.length > 60 ? `${spec.expression.slice(0, 60)}…` : spec.expression, `a valid metric expression (${err.message})`);
    throw err;
  }
}

/** Validates everything a run needs without running it: bad input fails fast with the field named. */
export function validateEvolveConfig(input: unknown): EvolveConfig {
  return setup(input).cfg;
}

function setup(input: unknown): Setup {
  const cfg = parseEvolveConfig(input);
  const world = getWorld(cfg.world);
  if (isClosedLoop(world) || !world.taskFeatures || !world.featureNames) {
    throw new InputError('world', cfg.world, 'a one-shot world with task features (closed-loop worlds are not evolved yet)');
  }
  const params = resolveParams(world, cfg.params);
  const gtMetric = groundTruthMetric(world, params);
  const th = gateThresholds(cfg.alpha);
  let startMetric: Metric;
  let startSource: Setup['startSource'];
  const declared = world.defaultMetric?.(params);
  const designerDecl = world.designerMetric?.(params);
  const designer = designerDecl ? parseMetricInput(world, { expression: designerDecl.expression, direction: designerDecl.direction, threshold: designerDecl.threshold }, 'designerMetric') : null;
  if (cfg.metric) {
    startMetric = parseMetricInput(world, cfg.metric, 'metric');
    startSource = 'config';
  } else if (designer) {
    startMetric = designer;
    startSource = 'designer metric';
  } else if (declared) {
    startMetric = parseMetricInput(world, declared, 'metric');
    startSource = 'world default';
  } else if (gtMetric) {
    startMetric = gtMetric;
    startSource = 'ground-truth metric';
  } else throw new InputError('metric', null, `a start metric: world '${world.id}' declares neither a designer, a default nor a ground-truth metric`);
  const family = getLearnerFamily(cfg.learner);
  const defaults = Object.hasOwn(EVOLVE_LEARNER_DEFAULTS, cfg.learner) ? EVOLVE_LEARNER_DEFAULTS[cfg.learner] : {};
  let learnerConfig: Record<string, unknown>;
  try {
    learnerConfig = family.parseConfig({ ...defaults, ...cfg.learnerConfig }) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof z.ZodError) throw inputErrorFromZod('learnerConfig', err, cfg.learnerConfig);
    throw err;
  }
  if (cfg.schedule && cfg.feedback !== 'scheduled') throw new InputError('schedule', cfg.schedule, 'only with feedback scheduled');
  if (cfg.evalTasks > cfg.trainTasks) throw new InputError('evalTasks', cfg.evalTasks, `at most trainTasks (${cfg.trainTasks})`);
  // n(α) verdicts of agreement sample (at least the base sample) plus four rows: two for re-validation, two for a proposal.
  const budget = cfg.anchorBudget ?? Math.max(BASE_SAMPLE, defaultSample(th)) + 4 * cfg.anchorTasks;
  return { cfg, world, params, startMetric, startSource, gtMetric, designer, blindSpot: designerDecl?.blindSpot ?? null, learnerConfig, locked: th.locked, budget };
}

/** The safeguard a config asks for. */
export function createSafeguard(kind: SafeguardKind, alpha: number, groundTruth: Metric | null, seed: number, locked?: Metric | null): Safeguard {
  // At α = 1 the gate adopts only `locked` (evolve: the start metric, by default the designer's).
  return createRegisteredSafeguard(kind, { alpha, groundTruth, seed, ...(locked === undefined ? {} : { locked }) });
}

// ---------------------------------------------------------------------------------- members

/** A member as the runner holds it between generations: plain data (its learner lives in the jobs). */
interface Member {
  readonly id: string;
  readonly slot: number;
  /** The learner's state after its latest job; null = a fresh learner at the next job (start, PBT restart). */
  state: LearnerState | null;
  config: Record<string, unknown>;
  capacity: number;
  channelChoice: ChannelChoice;
  /** The channel's state (hot/cold's previous reward per task). */
  channelState: Record<string, number>;
  /** Greedy anchor actions where the lineage started (box units). */
  origin: number[][];
  /** Greedy anchor actions at the previous evaluation (box units). */
  previous: number[][];
  /** Path length the greedy anchor actions travelled since the lineage started (sum of RMS steps). */
  path: number;
  root: string;
  /** How many learners this slot has held (seeds of restarts). */
  version: number;
  /** Latest explore episodes' measurements (what the meta-agent sees). */
  recent: MeasurementRecord[];
  /** Index in the learner lineage of a PBT copy not yet trained (its state may still be refused). */
  pendingLineage: number | null;
}

const channelText = (c: ChannelChoice): string => (c.kind === 'scheduled' ? `scheduled:${c.schedule ?? 'linear'}` : c.kind);
const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

// ---------------------------------------------------------------------------------- the run

/**
 * What an evolve run runs on. `physics` plays episodes (default: in process); `members` runs a
 * generation's member jobs (default: one after the other on the calling thread, physics through
 * `physics`; the CLI passes learner workers that run them in parallel). Results are identical.
 */
export interface EvolveRuntime {
  readonly physics?: BatchRunner;
  readonly members?: JobRunner<MemberJob, MemberResult>;
}

/** One step of an evolve run, as `evolveSteps` yields it. */
export type EvolveStep =
  | { readonly type: 'start'; readonly start: EvolveRecord['start']; readonly generations: number }
  | {
      readonly type: 'generation';
      readonly record: GenerationRecord;
      readonly decisions: readonly DecisionRecord[];
      /** The run's state after this generation, as plain JSON data (built on demand). */
      readonly checkpoint: () => EvolveCheckpoint;
    };

/** Runs one evolve experiment; `onGeneration` is called after every generation (progress, CLI rows). */
export async function runEvolve(
  input: unknown,
  onGeneration?: (row: GenerationRecord, decisions: readonly DecisionRecord[], total: number) => void,
  runtime: EvolveRuntime = {},
): Promise<EvolveRecord> {
  const steps = evolveSteps(input, runtime);
  let total = 0;
  for (;;) {
    const next = await steps.next();
    if (next.done) return next.value;
    if (next.value.type === 'start') total = next.value.generations;
    else onGeneration?.(next.value.record, next.value.decisions, total);
  }
}

/** The member runner of a runtime: the given one, or jobs one after the other through its physics. */
export function memberRunner(runtime: EvolveRuntime): JobRunner<MemberJob, MemberResult> {
  if (runtime.members) return runtime.members;
  const physics = runtime.physics ?? inProcessRunner();
  return serialJobs((job) => runMemberJob(job, physics));
}

/**
 * The run, step by step: yields the start figures, then every generation (its record, its
 * decisions and a checkpoint maker), and returns the run record. `restore` (a checkpoint of the
 * same config) continues after the checkpoint's generation, with the steps an undisturbed run
 * yields from there.
 */
export async function* evolveSteps(input: unknown, runtime: EvolveRuntime = {}, restore?: EvolveCheckpoint): AsyncGenerator<EvolveStep, EvolveRecord, void> {
  const s = setup(input);
  const { cfg, world, gtMetric, budget } = s;
  const seed = cfg.seed;
  const jobs = memberRunner(runtime);
  const anchors = recordAnchors(world);
  const run: MemberRunConfig = {
    world: world.id,
    params: cfg.params,
    seed,
    learner: cfg.learner,
    population: cfg.population,
    generations: cfg.generations,
    anchorTasks: cfg.anchorTasks,
    probeTasks: cfg.probeTasks,
    trainTasks: cfg.trainTasks,
    evalTasks: cfg.evalTasks,
    episodesPerGeneration: cfg.episodesPerGeneration,
    roundSize: cfg.roundSize,
    recentEpisodes: cfg.recentEpisodes,
    heldOutTasks: cfg.heldOutTasks,
  };
  const suites = memberSuites(run);
  const family = getLearnerFamily(cfg.learner);
  // World facts for the meta-agent, as plain data: what each measurement is, its unit and which
  // way an honest optimiser pushes it — not the world author's note on how it can be gamed.
  const measurementSpecs: readonly MeasurementSpec[] = world.measurements.map((m) => ({ name: m.name, doc: m.doc, unit: m.unit, better: m.better }));

  // The feedback channel is a setting of its own at every α (α = 1 no longer forces binary).
  const startChannel: ChannelChoice = cfg.feedback === 'scheduled' ? { kind: 'scheduled', schedule: cfg.schedule ?? 'linear' } : { kind: cfg.feedback };
  const pbt: PbtOptions = { ...cfg.pbt, channels: CHANNEL_KINDS };
  const agent = new MetaAgent({
    measurements: measurementSpecs,
    seed,
    proposer: cfg.proposer,
    candidates: cfg.candidates,
    submissions: cfg.submissions,
    minGain: cfg.minGain,
    maxReferencePassRate: cfg.maxReferencePassRate,
    preference: { marginWeight: cfg.marginWeight },
    pbt,
    steering: cfg.steering,
  });
  const safeguard = createSafeguard(cfg.safeguard, cfg.alpha, gtMetric, seed, s.startMetric);
  const quarantined = isWatchingSafeguard(safeguard) ? safeguard : null;

  let members: Member[] = Array.from({ length: cfg.population }, (_, slot) => ({
    id: `m${slot}`,
    slot,
    state: null,
    config: { ...s.learnerConfig },
    capacity: 0,
    channelChoice: startChannel,
    channelState: {},
    origin: [],
    previous: [],
    path: 0,
    root: `m${slot}@0`,
    version: 0,
    recent: [],
    pendingLineage: null,
  }));
  // Every change of the metric in force goes through the book (evolve-decisions.ts).
  let book = new MetricBook(s.startMetric, s.startSource);
  let current = book.current;
  let currentId = book.currentId;
  let learnerLineage: LearnerLineage[] = [];
  let generations: GenerationRecord[] = [];
  let decisions: DecisionRecord[] = [];
  let reference: MeasurementRecord[] = [];
  let start: EvolveRecord['start'];
  let backend = 'none';
  let firstGen = 0;

  const jobOf = (m: Member, gen: number): MemberJob => ({
    run,
    slot: m.slot,
    gen,
    version: m.version,
    learnerConfig: m.config,
    state: m.state,
    channel: m.channelChoice,
    channelState: m.channelState,
    metric: metricToSpec(current),
    anchorExploration: cfg.anchorExploration,
  });
  /** Takes a generation's job results into the members; returns the evaluation rows. */
  const absorb = (results: readonly MemberResult[], gen: number) =>
    members.map((m, i) => {
      const r = results[i] as MemberResult;
      backend = r.backend;
      if (r.origin) {
        // A lineage started in this job (fresh learner, PBT restart, or a refused inherited state).
        m.origin = r.origin;
        m.previous = r.origin;
        m.path = 0;
      }
      if (r.restarted) {
        m.root = `${m.id}@${Math.max(0, gen)}`;
        if (m.pendingLineage !== null) learnerLineage[m.pendingLineage] = { ...(learnerLineage[m.pendingLineage] as LearnerLineage), restart: true };
      }
      m.pendingLineage = null;
      m.state = r.state;
      m.channelState = r.channelState;
      m.capacity = r.capacity;
      return { ...r.evaluation, dNet: actionDistance(r.evaluation.boxActions, m.origin) };
    });

  if (restore) {
    if (restore.version !== 2) throw new InputError('restore', restore.version, 'an evolve checkpoint of version 2 (version 1 had no metric book)');
    firstGen = restore.gen + 1;
    members = restore.members.map((m) => ({ ...m, state: m.state === null ? null : decodeLearnerState(m.state), pendingLineage: m.pendingLineage }));
    book = MetricBook.restore(restore.metricBook, (spec) => parseMetricInput(world, spec, 'restore.metricBook'));
    current = book.current;
    currentId = book.currentId;
    learnerLineage = [...restore.learnerLineage];
    generations = [...restore.generations];
    decisions = [...restore.decisions];
    reference = [...restore.reference];
    start = restore.start;
    backend = restore.backend;
    agent.restore(restore.agent);
    quarantined?.restore(restore.quarantine ?? []);
  } else {
    const startRows = absorb(await jobs.runAll(members.map((m) => jobOf(m, -1))), -1);
    start = { proxy: mean(startRows.map((r) => r.proxy)), anchorGt: mean(startRows.map((r) => r.anchorGt)), probeGt: mean(startRows.map((r) => r.probeGt)) };
  }
  // The experimenter's references for gtLoss and bias (dial.ts): the same budget, trained on the
  // ground-truth metric (graded: its margin) and on the designer metric (the run's channel).
  // Trained alongside the generations (in process in generation g's batch; on workers in the
  // background, up to two generations ahead), shared per configuration, and carried in
  // checkpoints so a resumed run continues them.
  const gtChannel: ChannelChoice = { kind: 'graded' };
  const gtTrainer = cfg.gtLoss && gtMetric ? referenceTrainer(run, s.learnerConfig, metricToSpec(gtMetric), gtChannel) : null;
  const designerTrainer = gtTrainer && s.designer ? referenceTrainer(run, s.learnerConfig, metricToSpec(s.designer), startChannel) : null;
  const trainers = [gtTrainer, designerTrainer].filter((t): t is ReferenceTrainer => t !== null);
  if (restore?.references?.groundTruth && gtTrainer) gtTrainer.adopt(decodeProgress(restore.references.groundTruth));
  if (restore?.references?.designer && designerTrainer) designerTrainer.adopt(decodeProgress(restore.references.designer));
  /** The references' progress as checkpoint data (states encoded). */
  const referencesSnapshot = (): EvolveCheckpoint['references'] =>
    cfg.gtLoss ? { groundTruth: gtTrainer ? encodeProgress(gtTrainer.progress()) : null, designer: designerTrainer ? encodeProgress(designerTrainer.progress()) : null } : null;
  // In process (one thread) the references ride in the members' batches: background jobs there
  // would interleave on the one thread and gain nothing.
  const lead = trainers.length > 0 && jobs.parallelism > 1 ? new ReferenceLead(trainers, jobs) : null;
  yield { type: 'start', start, generations: cfg.generations };

  for (let gen = firstGen; gen < cfg.generations; gen++) {
    // 1. Train every member one generation under the adopted metric through its channel, and
    // 2. evaluate it (the runner sees everything; nothing here reaches the meta-agent but
    //    measurements): independent jobs, in parallel where the runtime has workers.
    //    The references' jobs of this generation ride in the same batch (unless the cache already
    //    holds this generation, or another run of the configuration is training it).
    //    On workers the references train in the background instead (ReferenceLead), up to two
    //    generations ahead (they need twice the members' jobs and get about that share of a
    //    first-come pool, so they stay about level), so their jobs fill the workers while this
    //    thread decides and while a generation waits for its last member.
    let results: MemberResult[];
    const memberJobs = members.map((m) => jobOf(m, gen));
    if (lead) {
      lead.pump(gen + 2);
      results = await jobs.runAll(memberJobs);
      lead.check();
    } else {
      for (const t of trainers) await t.ready(gen - 1, jobs);
      const claims = trainers.map((t) => t.claim(gen));
      let batch: MemberResult[];
      try {
        batch = await jobs.runAll([...memberJobs, ...claims.flatMap((c) => c ?? [])]);
      } catch (err) {
        trainers.forEach((t) => t.release(gen));
        throw err;
      }
      results = batch.slice(0, memberJobs.length);
      let at = memberJobs.length;
      trainers.forEach((t, k) => {
        const claimed = claims[k];
        if (!claimed) return;
        t.absorb(gen, batch.slice(at, at + claimed.length));
        at += claimed.length;
      });
    }
    for (const t of trainers) await t.ready(gen, jobs);
    lead?.check();
    const rows = absorb(results, gen);
    members.forEach((m, i) => {
      const r = results[i] as MemberResult;
      m.recent = r.recent;
      // The untrained reference: each member's first train episodes (measurements only).
      if (gen === 0) reference.push(...r.reference);
    });
    // d for Gao's fits: the path the greedy actions travelled (monotone in optimisation effort,
    // as Gao's √KL from the initial policy is), not the net displacement, which saturates once
    // the learners have learned and then wander on a plateau.
    members.forEach((m, i) => {
      const r = rows[i] as (typeof rows)[number];
      m.path += actionDistance(r.boxActions, m.previous);
      m.previous = r.boxActions;
    });
    const cells = rows.flatMap((r) => r.anchorCs.map((c) => ({ measurements: c.measurements, margin: consequenceMargin(c), pass: c.gtPass })));
    const agreementNow = metricAgreement(current, cells);
    // A run budget caps what each generation may buy (anchorBudgetTotal: verdicts counted per run).
    const bought = generations.reduce((a, g) => a + g.budgetSpent, 0);
    const genBudget = cfg.anchorBudgetTotal === undefined ? budget : Math.max(0, Math.min(budget, cfg.anchorBudgetTotal - bought));
    const oracle = new AnchorOracle(
      { members: members.map((m) => m.id), tasks: suites.anchor.keys, consequences: rows.map((r) => r.anchorCs), explored: rows.flatMap((r) => r.anchorExploreCs) },
      { budget: genBudget },
    );
    const bestIdx = bestMember(oracle, current);
    const d = mean(members.map((m) => m.path));
    const ctx: SafeguardContext = { oracle, current, generation: gen, distance: d };

    // 3. The meta-agent proposes metrics; the safeguard decides.
    quarantined?.observe(ctx);
    const metricInForce = current;
    const idInForce = currentId;
    const sync = (): void => {
      current = book.current;
      currentId = book.currentId;
    };
    /** Falls back from the metric in force (after a failed re-validation or on a rollback advice), recording the decision. */
    const fallBack = (why: string, advice: Decision['rollback'], safeguardName: string): void => {
      const preferred = advice ? parseMetric(advice.metric, world.measurements) : null;
      const target = book.fallbackTarget(preferred);
      if (advice) quarantined?.reset();
      if (target === null) return;
      book.fallBack(target, gen, advice && target.advised ? `rollback to the metric of generation ${advice.generation}` : 'rollback: re-validation failed');
      sync();
      decisions.push(fallbackRecord(gen, target.metric, target.id, book.parentOf(target.id)?.id ?? null, metricAgreement(target.metric, oracle.evidence()), safeguardName, `fallback: ${why}; back to ${target.reason}.`));
    };
    if (gen >= cfg.warmup && gen < cfg.generations - 1) {
      // Re-validation: the adopted metric faces the safeguard again, on the evidence of the
      // population it trained (a metric can agree with ground truth when adopted and stop
      // agreeing once learners optimise it). Judged against its parent; rejected, the run falls
      // back (evolve-decisions.ts says to what, and why); undecided, it stays.
      const parent = book.parentOf(currentId);
      let revalidationFailed = false;
      if (cfg.revalidate && parent) {
        const decision = safeguard.review({ metric: current, parent: parent.id, operator: 'revalidate' }, { ...ctx, current: parent.metric });
        decisions.push(decisionRecord(gen, decision, null, 'revalidation', currentId, null));
        if (decision.outcome === 'rejected') {
          revalidationFailed = true;
          book.failRevalidation(gen);
          fallBack(`${describeSpec(metricInForce)} (${idInForce}) failed re-validation`, decision.rollback, decision.safeguard);
        }
      }
      if (!revalidationFailed) {
        const view = { generation: gen, current, currentId, recent: members.flatMap((m) => m.recent), reference };
        const proposals = agent.proposeMetrics(view);
        let accepted: MetricCandidate | null = null;
        let advice: Decision['rollback'] = null;
        let adviser = '';
        for (const c of proposals.submit) {
          const decision = safeguard.review(c.proposal, ctx);
          if (decision.accepted) {
            accepted = c;
            const id = book.adoptAccepted(c.proposal.metric, gen, c.operator);
            sync();
            decisions.push(decisionRecord(gen, decision, c, 'proposal', id, gen + 1));
            break;
          }
          decisions.push(decisionRecord(gen, decision, c, 'proposal', null, null));
          if (decision.rollback && !advice) {
            advice = decision.rollback;
            adviser = decision.safeguard;
          }
        }
        agent.recordOutcome(proposals, accepted);
        // A rollback advice to the metric in force changes nothing (its learners are what they are): the watch restarts.
        if (!accepted && advice && metricKey(advice.metric) === metricKey(current)) quarantined?.reset();
        else if (!accepted && advice) fallBack(`the safeguard advised rolling back from ${describeSpec(metricInForce)} (${idInForce})`, advice, adviser);
      }
      if (current !== metricInForce) for (const m of members) m.channelState = {};
    }
    // Steering: the meta-agent keeps the verdicts the safeguard bought this generation (and only those).
    agent.observeVerdicts(oracle.evidence());

    // The dial's measurements (experimenter only: computed after every decision of the generation).
    const shipped = rows[shippedIndex(metricInForce.direction, rows.map((r) => r.values))] as (typeof rows)[number];
    const shippedGt = shipped.heldOutGt;
    const referenceGt = gtTrainer?.curve().best[gen] ?? null;
    const designerGt = designerTrainer?.curve().best[gen] ?? null;
    const disagreement = disagreementOf(agreementNow);
    const drift = driftSeries([...generations.map((g) => g.disagreement), disagreement])[generations.length] ?? null;
    const record: GenerationRecord = {
      gen,
      proxy: mean(rows.map((r) => r.proxy)),
      anchorGt: mean(rows.map((r) => r.anchorGt)),
      probeGt: mean(rows.map((r) => r.probeGt)),
      disagreement,
      shiftGap: mean(rows.map((r) => r.anchorGt)) - mean(rows.map((r) => r.probeGt)),
      metric: metricInForce.expression,
      metricId: idInForce,
      direction: metricInForce.direction,
      threshold: metricInForce.threshold,
      episodes: (gen + 1) * cfg.episodesPerGeneration,
      anchorGtBest: (rows[bestIdx] as { anchorGt: number }).anchorGt,
      d,
      dNet: mean(rows.map((r) => r.dNet)),
      budgetSpent: oracle.spent,
      shippedGt,
      referenceGt,
      gtLoss: referenceGt === null || shippedGt === null ? null : referenceGt - shippedGt,
      bias: referenceGt === null || designerGt === null ? null : referenceGt - designerGt,
      drift,
      members: members.map((m, i) => {
        const r = rows[i] as (typeof rows)[number];
        return { id: m.id, root: m.root, channel: channelText(m.channelChoice), capacity: m.capacity, proxy: r.proxy, anchorGt: r.anchorGt, probeGt: r.probeGt, heldOutGt: r.heldOutGt, d: m.path, dNet: r.dNet };
      }),
    };
    generations.push(record);

    // 4. Learner proposals (PBT), ranked by the meta-agent's view: goodness under the metric in force.
    if (gen < cfg.generations - 1) {
      const views = members.map((m, i) => ({ id: m.id, family: cfg.learner, config: m.config, channel: m.channelChoice, score: meanGoodness(metricInForce, (rows[i] as { values: number[] }).values) }));
      const changes = agent.proposeLearners(gen, views);
      const saved = new Map(changes.map((c) => [c.from, { ...members.find((m) => m.id === c.from)! }]));
      for (const change of changes) {
        const m = members.find((x) => x.id === change.member) as Member;
        const restart = applyChange(m, change, saved.get(change.from)!, gen);
        if (restart !== null) {
          learnerLineage.push({ gen, member: change.member, from: change.from, restart, perturbations: change.perturbations, config: { ...m.config }, channel: channelText(m.channelChoice) });
          m.pendingLineage = learnerLineage.length - 1;
        } else {
          learnerLineage.push({ gen, member: change.member, from: change.from, restart: false, perturbations: change.perturbations, config: { ...m.config }, channel: channelText(m.channelChoice) });
        }
      }
    }
    const genDecisions = decisions.filter((x) => x.gen === gen);
    const snapshotGen = gen;
    yield {
      type: 'generation',
      record,
      decisions: genDecisions,
      checkpoint: (): EvolveCheckpoint => ({
        version: 2,
        gen: snapshotGen,
        // `recent` is left out: the next generation's jobs replace it before anyone reads it.
        members: members.map((m) => ({ ...m, recent: [], origin: m.origin.map((r) => [...r]), previous: m.previous.map((r) => [...r]), state: m.state === null ? null : encodeLearnerState(m.state) })),
        metricBook: book.snapshot(),
        learnerLineage: [...learnerLineage],
        generations: [...generations],
        decisions: [...decisions],
        reference: [...reference],
        start,
        backend,
        agent: agent.snapshot(),
        quarantine: quarantined ? quarantined.history.map((p) => ({ ...p })) : null,
        references: referencesSnapshot(),
      }),
    };
  }

  /**
   * Applies a PBT change to a member as plain data; the next job builds the learner. Returns
   * whether the copy restarts (weights not carried over), or null when the change was refused.
   */
  function applyChange(m: Member, change: LearnerChange, donor: Member, gen: number): boolean | null {
    let config: Record<string, unknown>;
    try {
      config = family.parseConfig(change.config) as Record<string, unknown>;
    } catch {
      return null; // a perturbation outside the family's schema: keep the member as it is
    }
    m.version++;
    const inherited = donor.state ? inheritState(donor.state, config, new Stream([seed, 'inherit', m.slot, m.version])) : null;
    const restart = inherited === null;
    m.state = inherited;
    m.config = { ...config };
    m.channelChoice = change.channel;
    m.channelState = {};
    if (restart) {
      // The next job starts a fresh learner and reports where its lineage starts.
      m.origin = [];
      m.previous = [];
      m.path = 0;
      m.root = `${m.id}@${gen + 1}`;
    } else {
      m.origin = donor.origin.map((r) => [...r]);
      m.previous = donor.previous.map((r) => [...r]);
      m.path = donor.path;
      m.root = donor.root;
    }
    return restart;
  }

  verifyAnchors(world, anchors);
  const gaoPoints = generations.map((g) => ({ d: g.d, gold: g.anchorGt - start.anchorGt }));
  return {
    world: world.id,
    alpha: cfg.alpha,
    seed,
    generations,
    decisions,
    summary: summarise(generations, start.anchorGt, book.lineage, current, world.measurements, cfg.gtThreshold),
    config: cfg,
    anchors,
    suites: { anchor: suites.anchor.digest, probe: suites.probe.digest },
    backend,
    safeguard: safeguard.name,
    startMetric: { metric: metricToSpec(s.startMetric), source: s.startSource },
    groundTruthMetric: gtMetric ? metricToSpec(gtMetric) : null,
    designerMetric: s.designer && s.blindSpot !== null ? { ...metricToSpec(s.designer), blindSpot: s.blindSpot } : null,
    references: cfg.gtLoss ? { groundTruth: gtTrainer ? gtTrainer.curve() : null, designer: designerTrainer ? designerTrainer.curve() : null } : null,
    start,
    gao: { selection: fitGao(gaoPoints, 'selection'), rl: fitGao(gaoPoints, 'rl'), points: gaoPoints },
    lineage: { metrics: book.lineage, learners: learnerLineage },
    proposer: { kind: cfg.proposer, arms: agent.proposerStats() },
  };
}

// ---------------------------------------------------------------------------------- checkpoints

/** A learner state as plain JSON: typed arrays as number lists (float32 and float64 round-trip exactly through JSON). */
export interface EncodedLearnerState {
  readonly family: string;
  readonly config: Record<string, unknown>;
  readonly arrays: Record<string, { readonly dtype: 'float32' | 'float64'; readonly data: number[] }>;
  readonly extra: Record<string, unknown>;
}

/** Encodes a learner state as plain JSON data. */
export function encodeLearnerState(state: LearnerState): EncodedLearnerState {
  const arrays: EncodedLearnerState['arrays'] = {};
  for (const [k, a] of Object.entries(state.arrays)) arrays[k] = { dtype: a instanceof Float64Array ? 'float64' : 'float32', data: Array.from(a) };
  return { family: state.family, config: { ...state.config }, arrays, extra: JSON.parse(JSON.stringify(state.extra)) as Record<string, unknown> };
}

/** Decodes `encodeLearnerState`'s output. */
export function decodeLearnerState(state: EncodedLearnerState): LearnerState {
  const arrays: LearnerState['arrays'] = {};
  for (const [k, a] of Object.entries(state.arrays)) arrays[k] = a.dtype === 'float64' ? Float64Array.from(a.data) : Float32Array.from(a.data);
  return { family: state.family, config: { ...state.config }, arrays, extra: { ...state.extra } };
}

/**
 * Everything an evolve run needs to continue after generation `gen`, as plain data: the members
 * (learner states, channel states — hot/cold's memory —, lineage positions), the metric lineage
 * and the metric in force, the meta-agent (its proposer's bandit arms), the quarantine's history,
 * and the records so far. Stream positions need no saving: every draw is keyed by
 * (seed, purpose, generation, …), never by how many draws came before.
 */
export interface EvolveCheckpoint {
  readonly version: 2;
  readonly gen: number;
  readonly members: readonly (Omit<Member, 'state'> & { readonly state: EncodedLearnerState | null })[];
  /** The metrics of the run: in force, ids, parents, lineage, and which failed re-validation (evolve-decisions.ts). */
  readonly metricBook: MetricBookSnapshot;
  readonly learnerLineage: readonly LearnerLineage[];
  readonly generations: readonly GenerationRecord[];
  readonly decisions: readonly DecisionRecord[];
  readonly reference: readonly MeasurementRecord[];
  readonly start: EvolveRecord['start'];
  readonly backend: string;
  readonly agent: MetaAgentSnapshot;
  readonly quarantine: readonly QuarantinePoint[] | null;
  /**
   * The reference populations' training so far (gtLoss, bias): each curve, and its slots' states
   * while it is incomplete. Checkpoints written before the references were interleaved hold
   * complete curves without `slots`; absent in checkpoints written before issue 10.
   */
  readonly references?: { readonly groundTruth: EncodedReferenceProgress | null; readonly designer: EncodedReferenceProgress | null } | null;
}

/** A reference population's progress as plain JSON (slot states encoded; `slots` absent or null once complete). */
export interface EncodedReferenceProgress extends ReferenceCurve {
  readonly slots?: readonly { readonly state: EncodedLearnerState | null; readonly channelState: Record<string, number> }[] | null;
}

function encodeProgress(p: ReferenceProgress): EncodedReferenceProgress {
  return { ...p.curve, slots: p.slots === null ? null : p.slots.map((x) => ({ state: x.state === null ? null : encodeLearnerState(x.state), channelState: { ...x.channelState } })) };
}

function decodeProgress(p: EncodedReferenceProgress): ReferenceProgress {
  const { slots, ...curve } = p;
  return { curve, slots: slots ? slots.map((x) => ({ state: x.state === null ? null : decodeLearnerState(x.state), channelState: { ...x.channelState } })) : null };
}

/** Mean goodness (higher is better) of metric values, by the gate's `goodness`; undefined values count as the worst finite one. */
function meanGoodness(metric: Metric, values: readonly number[]): number {
  const g = values.map((v) => goodness(metric.direction, v));
  const finite = g.filter(Number.isFinite);
  if (finite.length === 0) return NaN;
  const worst = Math.min(...finite);
  return mean(g.map((x) => (Number.isFinite(x) ? x : worst)));
}

const describeSpec = (m: MetricSpec): string => `${m.expression} ${m.direction === 'lower' ? '≤' : '≥'} ${m.threshold}`;

function decisionRecord(gen: number, d: Decision, c: MetricCandidate | null, kind: 'proposal' | 'revalidation', metricId: string | null, inForceFrom: number | null): DecisionRecord {
  return {
    gen,
    metric: d.metric.expression,
    agreement: d.agreement,
    accepted: d.accepted,
    reason: d.reason,
    kind,
    outcome: d.outcome,
    metricId,
    inForceFrom,
    direction: d.metric.direction,
    threshold: d.metric.threshold,
    parent: d.parent,
    operator: d.operator,
    preference: c ? c.preference.score : null,
    gain: c ? c.gain : null,
    budgetSpent: d.budgetSpent,
    safeguard: d.safeguard,
    regression: d.regression,
    thresholds: d.thresholds,
    fit: d.fit,
    rollback: d.rollback,
  };
}

/** The record of a fallback: the runner's decision, in force from the next generation. */
function fallbackRecord(gen: number, metric: Metric, id: string, parent: string | null, agreement: Agreement, safeguard: string, reason: string): DecisionRecord {
  return {
    gen,
    metric: metric.expression,
    agreement,
    accepted: false,
    reason,
    kind: 'fallback',
    outcome: 'fallback',
    metricId: id,
    inForceFrom: gen + 1,
    direction: metric.direction,
    threshold: metric.threshold,
    parent,
    operator: 'fallback',
    preference: null,
    gain: null,
    budgetSpent: 0,
    safeguard,
    regression: null,
    thresholds: null,
    fit: null,
    rollback: null,
  };
}

function summarise(gens: readonly GenerationRecord[], startAnchorGt: number, lineage: readonly MetricLineage[], final: Metric, measurements: readonly MeasurementSpec[], gtThreshold: number): EvolveSummary {
  const first = gens[0] as GenerationRecord;
  const last = gens[gens.length - 1] as GenerationRecord;
  let best = first;
  for (const g of gens) if (g.anchorGt > best.anchorGt) best = g;
  // Episodes to the threshold, interpolated linearly between the evaluation before the crossing
  // (the start, at 0 episodes, for generation 0) and the first one at or above it.
  let episodesToThreshold: number | null = null;
  let before = { episodes: 0, anchorGt: startAnchorGt };
  for (const g of gens) {
    if (g.anchorGt >= gtThreshold) {
      const span = g.anchorGt - before.anchorGt;
      const frac = before.anchorGt >= gtThreshold || !(span > 0) ? 1 : (gtThreshold - before.anchorGt) / span;
      episodesToThreshold = Math.round(before.episodes + frac * (g.episodes - before.episodes));
      break;
    }
    before = g;
  }
  const names = new Set(measurements.map((m) => m.name));
  const gameable = new Set(measurements.filter((m) => m.gameable).map((m) => m.name));
  const used = (expression: string): string[] => [...new Set([...expression.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)].map((m) => m[0]).filter((n) => names.has(n)))];
  // First generation each measurement was part of the metric in force (the lineage lists every metric with the generation it took over).
  const firstInForce = Object.create(null) as Record<string, number>;
  for (const entry of lineage) for (const n of used(entry.expression)) if (!Object.hasOwn(firstInForce, n) && entry.from < gens.length) firstInForce[n] = entry.from;
  const firstGameable = Object.entries(firstInForce).filter(([n]) => gameable.has(n)).map(([, g]) => g);
  const tail = gens.slice(-3);
  return {
    proxyStart: first.proxy,
    proxyEnd: last.proxy,
    anchorGtBest: best.anchorGt,
    anchorGtBestGen: best.gen,
    anchorGtFinal: last.anchorGt,
    anchorGtTail: tail.reduce((a, g) => a + g.anchorGt, 0) / tail.length,
    anchorGtDrop: best.anchorGt - last.anchorGt,
    probeGtFinal: last.probeGt,
    disagreementFinal: last.disagreement,
    episodesToThreshold,
    finalMetric: metricToSpec(final),
    finalGameable: measurementsUsed(final.ast).filter((n) => gameable.has(n)),
    firstGameableGen: firstGameable.length ? Math.min(...firstGameable) : null,
    measurementsFirstInForce: firstInForce,
    metricsAdopted: lineage.length - 1,
    finalGtLoss: last.gtLoss,
    finalBias: last.bias,
    maxDrift: gens.reduce<number | null>((a, g) => (g.drift === null ? a : a === null ? g.drift : Math.max(a, g.drift)), null),
    anchorVerdictsBought: gens.reduce((a, g) => a + g.budgetSpent, 0),
  };
}

// ---------------------------------------------------------------------------------- the experiment

/**
 * Plain-data encoding of a checkpoint: JSON has no NaN or ±Infinity, but a resumed run must see
 * exactly the numbers an undisturbed one holds (an undefined measurement is NaN), so non-finite
 * numbers are written as `{ "$num": "NaN" | "Infinity" | "-Infinity" }`.
 */
export function encodeNonFinite(x: unknown): unknown {
  if (typeof x === 'number') return Number.isFinite(x) ? x : { $num: String(x) };
  if (Array.isArray(x)) return x.map(encodeNonFinite);
  if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined).map(([k, v]) => [k, encodeNonFinite(v)]));
  return x;
}

/** Reverses `encodeNonFinite`. */
export function decodeNonFinite(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(decodeNonFinite);
  if (x !== null && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    if (Object.keys(o).length === 1 && typeof o.$num === 'string') return Number(o.$num);
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, decodeNonFinite(v)]));
  }
  return x;
}

/** A value as plain JSON (NaN and ±Infinity become null, as JSON.stringify writes them). */
const asJson = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** The experiment's config: evolve's, with a world and α by default so `run evolve` needs no flags. */
export const evolveExperimentSchema = evolveConfigSchema.extend({
  world: z.string().default('projectile').describe('World id (a one-shot world with task features).'),
  alpha: z.number().min(0).max(1).default(0.5).describe('Gate strength α: 0 = anything goes (drift), 1 = locked to the designer metric (bias); in between a decision rests on n(α) = 24·α/(1 − α) anchor verdicts.'),
});

/**
 * `--quick`: the preset `bench experiment` times. Evolve's default run is already quick (30
 * generations of 6 members took 7.1 s of CPU here in process, 0.4 s of it outside the member
 * jobs), but a learner worker costs about 2.4 s of CPU to start (tfjs and every learner module),
 * a fixed cost the one-worker and the pool run both pay, so the preset gives each generation more
 * independent work: 20 generations of 8 members × 512 episodes (about 13 s on one core, far under
 * 60 s); 8 members split 4 and 4 over two workers. Measured with a load average of 24 on this
 * 2-core machine, the default-sized 8-member preset reached a speedup of 1.38.
 */
export const EVOLVE_QUICK: Readonly<Record<string, unknown>> = Object.freeze({ generations: 20, population: 8, episodesPerGeneration: 512 });

/**
 * The evolve experiment (registry id `evolve`). Resumes by **snapshot**: a `checkpoint` after
 * every generation holds an `EvolveCheckpoint` (members' learner and channel states, the metric
 * lineage, the meta-agent's bandit, the quarantine's history, the records so far), and a resumed
 * run continues from the next generation. Events: `started`; per generation `progress`,
 * `generation` (data: a GenerationRecord), one `decision` per gate verdict (data: a
 * DecisionRecord), `point`s on the charts `groundTruth` (series proxy, anchorGt, probeGt),
 * `disagreement` and `dial` (gtLoss, bias, drift), and `checkpoint`; `finished` with results = the EvolveRecord (NaN as null).
 * Members train on `ctx.learners` (learner workers, in parallel) when the host has them, else
 * one after the other in process with physics through `ctx.batch`: the results are identical.
 */
export const evolveExperiment = defineExperiment<z.infer<typeof evolveExperimentSchema>, EvolveRecord>({
  id: 'evolve',
  title: 'Evolve: learners and a self-rewriting metric under the anchor gate',
  description: 'A population of learners trains under a metric the meta-agent keeps rewriting; the anchor gate (strength α) decides which rewrites are adopted. Records proxy, anchor and probe ground truth, disagreement and shift gap per generation.',
  configSchema: evolveExperimentSchema,
  quick: EVOLVE_QUICK,
  // The CLI records the tfjs backend and gives members learner workers (see Experiment in types.ts).
  needsTf: true,
  learnerJobs: true,
  charts: [
    { id: 'groundTruth', title: 'Proxy and ground truth per generation', x: 'generation', y: 'pass rate' },
    { id: 'disagreement', title: 'Disagreement of the metric in force with ground truth (1 − τ-b)', x: 'generation', y: 'disagreement' },
    { id: 'dial', title: 'The dial (experimenter only): gtLoss, bias and drift per generation', x: 'generation', y: 'pass rate / τ units' },
  ],
  keyResult: (r) => `α ${r.alpha}: anchor GT ${r.summary.anchorGtFinal.toFixed(2)} (best ${r.summary.anchorGtBest.toFixed(2)}), probe GT ${r.summary.probeGtFinal.toFixed(2)}, disagreement ${r.summary.disagreementFinal === null ? '—' : r.summary.disagreementFinal.toFixed(2)}`,
  async *run(config, ctx) {
    const runtime: EvolveRuntime = { physics: ctx.batch, ...(ctx.learners ? { members: workerJobs<MemberJob, MemberResult>(ctx.learners, 'evolve-member') } : {}) };
    const restore = ctx.restore === undefined ? undefined : (decodeNonFinite(ctx.restore) as EvolveCheckpoint);
    const steps = evolveSteps(config, runtime, restore);
    for (;;) {
      const next = await steps.next();
      if (next.done) {
        yield { type: 'finished', results: asJson(next.value) };
        return;
      }
      const step = next.value;
      if (step.type === 'start') {
        yield { type: 'started', unit: 'generations', total: step.generations };
        continue;
      }
      const g = step.record;
      yield { type: 'progress', stage: `generation ${g.gen}`, done: g.gen + 1, total: config.generations, unit: 'generations' };
      yield { type: 'generation', index: g.gen, data: asJson(g) as unknown as Record<string, unknown> };
      for (const d of step.decisions) {
        yield { type: 'decision', generation: d.gen, proposal: d.metric, ...(d.parent === null ? {} : { parent: d.parent }), adopted: d.accepted, reason: d.reason, data: asJson(d) as unknown as Record<string, unknown> };
      }
      for (const [series, y] of [['proxy', g.proxy], ['anchorGt', g.anchorGt], ['probeGt', g.probeGt]] as const) yield { type: 'point', chart: 'groundTruth', series, x: g.gen, y };
      yield { type: 'point', chart: 'disagreement', series: 'disagreement', x: g.gen, y: g.disagreement };
      for (const [series, y] of [['gtLoss', g.gtLoss], ['bias', g.bias], ['drift', g.drift]] as const) if (y !== null) yield { type: 'point', chart: 'dial', series, x: g.gen, y };
      yield { type: 'checkpoint', state: encodeNonFinite(step.checkpoint()) };
      if (ctx.signal.aborted) return;
    }
  },
});
