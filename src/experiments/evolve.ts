/**
 * The `evolve` experiment: a population of learners and a meta-agent that rewrites their metric,
 * with a safeguard (the anchor gate, strength α) between the meta-agent's preference and the
 * adopted metric. Per generation:
 *
 * 1. every member trains on the train tasks under the *adopted* metric through its own feedback
 *    channel (the approach of train.ts: explore, simulate, feedback, learn, in rounds);
 * 2. the runner evaluates greedy actions: proxy (pass rate under the adopted metric on train
 *    tasks), anchor ground truth (anchor suite), probe ground truth (probe suite, runner only),
 *    drift (1 − τ-b of the adopted metric vs ground truth over all anchor cells: the runner is
 *    not budgeted), bias (anchor − probe pass rate), and d, the path the members' greedy actions
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
 * α = 1 is the designer's choice made total: the adopted metric is locked to the ground-truth
 * metric and every member learns from it through the `binary` channel (the check itself,
 * sparse feedback); for α < 1 members start on the world's default metric with the configured
 * channel, and PBT may switch channels.
 *
 * Learner choice: `gaussian-policy` (a small tfjs MLP trained by REINFORCE), because it learns
 * from any scalar feedback within a few hundred episodes (normalised advantages make it
 * scale-free, so a rewritten metric needs no retuning) and generalises across tasks — which the
 * anchor and probe suites need (`cem` keeps one Gaussian per train task and cannot act on an
 * unseen anchor task). Defaults: width 16, depth 1, learning rate 0.01 (EVOLVE_LEARNER_DEFAULTS):
 * a 30-generation run of 6 learners × 256 episodes takes about 5 s on one core.
 *
 * Defaults were chosen by measurement (see the test files' printed numbers): 256 episodes per
 * generation and a warm-up of 3 generations let the population learn the designer's metric
 * before the meta-agent starts rewriting it, so a fall of ground truth is a fall from a best.
 */
import { z } from 'zod';
import { Stream } from '../core/rng.ts';
import { InputError, inputErrorFromZod, resolveParams, WorldRuntime, type EpisodeSpec } from '../core/runtime.ts';
import { isClosedLoop, type AnyWorld, type Consequence, type MeasurementSpec, type TaskBase } from '../core/types.ts';
import {
  agreementGate,
  AnchorOracle,
  buildAnchorSuite,
  consequenceMargin,
  drift as driftOf,
  fitGao,
  gateThresholds,
  groundTruthMetric,
  metricAgreement,
  nonRegressionOnly,
  quarantine,
  recordAnchors,
  suiteEpisodes,
  suiteFeatures,
  verifyAnchors,
  type Agreement,
  type AnchorsRecord,
  type Decision,
  type DecisionOutcome,
  type GaoFit,
  type QuarantineSafeguard,
  type Safeguard,
  type SafeguardContext,
  type TaskSuite,
} from '../anchors/index.ts';
import { buildProbeSuite, runProbe } from '../anchors/probe.ts';
import { CHANNEL_KINDS, createChannel, SCHEDULES, type FeedbackChannel } from '../feedback/channels.ts';
import type { CompiledMetric as ChannelMetric } from '../metrics/index.ts';
import { getLearnerFamily } from '../learners/registry.ts';
import { tfBackend } from '../learners/tf.ts';
import type { Experience, Learner, LearnerEnv, LearnerState } from '../learners/types.ts';
import { compile, directionRequiredText, MetricError, metricPasses, metricToSpec, measurementsUsed, parse, parseMetric, resolveDirection, type Metric, type MetricSpec } from '../metrics/index.ts';
import { DEFAULT_META, DEFAULT_PBT, inheritState, MetaAgent, PROPOSER_KINDS, type ChannelChoice, type LearnerChange, type MeasurementRecord, type MetricCandidate, type PbtOptions } from '../meta/index.ts';
import { getWorld } from '../../worlds/index.ts';
import { MetricBook, metricKey, type MetricLineage } from './evolve-decisions.ts';

/** Safeguard ids of the CLI and config. */
export const SAFEGUARD_KINDS = ['agreement', 'non-regression', 'quarantine'] as const;
/** One safeguard id. */
export type SafeguardKind = (typeof SAFEGUARD_KINDS)[number];

/** Hyperparameters the evolve experiment gives a family unless the config overrides them (small and fast). */
export const EVOLVE_LEARNER_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = Object.freeze({
  'gaussian-policy': Object.freeze({ width: 16, depth: 1, learningRate: 0.01 }),
});

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** Evolve configuration: one schema for the CLI, files and the app. */
export const evolveConfigSchema = z.strictObject({
  world: z.string().describe('World id (a one-shot world with task features).'),
  alpha: z.number().min(0).max(1).describe('Gate strength α: 0 = anything goes (drift), 1 = locked to the ground-truth check (bias).'),
  generations: int(1, 1000).default(30).describe('Generations.'),
  population: int(2, 64).default(6).describe('Learners in the population.'),
  anchorTasks: int(2, 1000).default(24).describe('Anchor tasks (the gate checks ground truth on them).'),
  anchorBudget: int(0, 1_000_000).optional().describe('Ground-truth verdicts the safeguard may buy per generation (default 24 + 4 × anchorTasks: the agreement sample, two rows for re-validation, two for a proposal).'),
  probeTasks: int(1, 10_000).default(48).describe('Probe tasks (held out and shifted; reported only).'),
  trainTasks: int(1, 100_000).default(128).describe('Train tasks (learners see them).'),
  evalTasks: int(1, 10_000).default(32).describe('Train tasks on which the proxy (pass rate under the adopted metric) is measured.'),
  episodesPerGeneration: int(1, 1_000_000).default(256).describe('Training episodes per member per generation.'),
  roundSize: int(1, 4096).default(64).describe('Episodes per learning round.'),
  recentEpisodes: int(1, 100_000).default(64).describe("Each member's latest train episodes shown to the meta-agent (measurements only)."),
  warmup: int(0, 1000).default(3).describe('Generations trained on the start metric before the meta-agent proposes metrics.'),
  safeguard: z.enum(SAFEGUARD_KINDS).default('agreement').describe('agreement: the anchor gate; non-regression: GT non-regression alone; quarantine: a watch on the gold curve around the anchor gate.'),
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
  feedback: z.enum(CHANNEL_KINDS).default('graded').describe('Starting feedback channel (α = 1 forces binary).'),
  schedule: z.enum(SCHEDULES).optional().describe('Schedule of a `scheduled` starting channel.'),
  metric: z
    .strictObject({ expression: z.string(), direction: z.enum(['lower', 'higher']).optional(), threshold: z.number() })
    .optional()
    .describe("Start metric (default: the world's default metric, else its ground-truth metric); without a direction, the one its measurements declare (required when they declare none or disagree)."),
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
  /** 1 − τ-b of the metric in force vs ground-truth margins on every anchor cell (null when undefined). */
  readonly drift: number | null;
  /** anchorGt − probeGt. */
  readonly bias: number;
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
  readonly driftFinal: number | null;
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
  readonly startMetric: { readonly metric: MetricSpec; readonly source: 'config' | 'world default' | 'ground-truth metric' };
  readonly groundTruthMetric: MetricSpec | null;
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
  if (cfg.metric) {
    startMetric = parseMetricInput(world, cfg.metric, 'metric');
    startSource = 'config';
  } else if (declared) {
    startMetric = parseMetricInput(world, declared, 'metric');
    startSource = 'world default';
  } else if (gtMetric) {
    startMetric = gtMetric;
    startSource = 'ground-truth metric';
  } else throw new InputError('metric', null, `a start metric: world '${world.id}' declares neither a default metric nor a ground-truth metric`);
  // Locked: the designer's check is the metric, whatever the start metric was.
  if (th.locked && gtMetric) {
    startMetric = gtMetric;
    startSource = 'ground-truth metric';
  }
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
  const budget = cfg.anchorBudget ?? 24 + 4 * cfg.anchorTasks;
  return { cfg, world, params, startMetric, startSource, gtMetric, learnerConfig, locked: th.locked, budget };
}

/** The safeguard a config asks for. */
export function createSafeguard(kind: SafeguardKind, alpha: number, groundTruth: Metric | null, seed: number): Safeguard {
  const gate = agreementGate({ alpha, groundTruth, seed });
  if (kind === 'non-regression') return nonRegressionOnly({ alpha });
  if (kind === 'quarantine') return quarantine({ form: 'rl', inner: gate });
  return gate;
}

// ---------------------------------------------------------------------------------- members

interface Member {
  readonly id: string;
  readonly slot: number;
  learner: Learner;
  config: Record<string, unknown>;
  channelChoice: ChannelChoice;
  channel: FeedbackChannel;
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
}

interface SuiteTask {
  readonly key: string;
  readonly task: TaskBase;
  readonly features: number[];
}

/** Episode numbers of the evaluation suites live far above training episodes, so their streams never collide. */
const EVAL_BASE = 2 ** 44;
const ANCHOR_BASE = 2 ** 45;
const PROBE_BASE = 2 ** 46;

const channelText = (c: ChannelChoice): string => (c.kind === 'scheduled' ? `scheduled:${c.schedule ?? 'linear'}` : c.kind);
const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const seedFor = (seed: number, slot: number, version: number): number => new Stream([seed, 'member', slot, version]).int(0, 2 ** 31 - 1);

function makeChannel(choice: ChannelChoice): FeedbackChannel {
  return createChannel(choice.kind === 'scheduled' ? { kind: 'scheduled', schedule: choice.schedule ?? 'linear' } : { kind: choice.kind });
}

/** An action in the box [-1, 1]^k of the action space. */
function toBox(world: AnyWorld, params: Record<string, unknown>, action: readonly number[]): number[] {
  const space = world.actionSpace(params);
  return action.map((a, k) => {
    const lo = space.low[k] as number;
    const hi = space.high[k] as number;
    return (2 * (a - lo)) / (hi - lo) - 1;
  });
}

/** RMS distance between two sets of box actions. */
function actionDistance(a: readonly number[][], b: readonly number[][]): number {
  let s = 0;
  let n = 0;
  a.forEach((row, i) =>
    row.forEach((x, k) => {
      s += (x - ((b[i] as number[])[k] as number)) ** 2;
      n++;
    }),
  );
  return n ? Math.sqrt(s / n) : 0;
}

// ---------------------------------------------------------------------------------- the run

/** Runs one evolve experiment; `onGeneration` is called after every generation (progress, CLI rows). */
export async function runEvolve(input: unknown, onGeneration?: (row: GenerationRecord, decisions: readonly DecisionRecord[], total: number) => void): Promise<EvolveRecord> {
  const s = setup(input);
  const { cfg, world, params, gtMetric, locked, budget } = s;
  const seed = cfg.seed;
  const anchors = recordAnchors(world);
  const anchorSuite: TaskSuite = buildAnchorSuite(world, params, seed, cfg.anchorTasks);
  const probeSuite: TaskSuite = buildProbeSuite(world, params, seed, cfg.probeTasks);
  const anchorFeatures = suiteFeatures(world, params, anchorSuite);
  const probeFeatures = suiteFeatures(world, params, probeSuite);
  const trainSuite: SuiteTask[] = Array.from({ length: cfg.trainTasks }, (_, i) => {
    const task = world.sampleTask(new Stream([seed, 'evolve:train-suite', i]), 'train', params) as TaskBase;
    const resolved = task.overrides ? resolveParams(world, { ...params, ...task.overrides }) : params;
    return { key: `train:${i}`, task, features: world.taskFeatures!(task, resolved) };
  });
  const evalSuite = trainSuite.slice(0, cfg.evalTasks);
  const runtime = new WorldRuntime(world);
  const simulate = (items: EpisodeSpec[]): Consequence[] => runtime.runBatch({ world: world.id, params, seed, episodes: { kind: 'explicit', items } }).consequences;
  const env: LearnerEnv = { world: world.id, actionSpace: world.actionSpace(params), featureNames: world.featureNames!(params) };
  const family = getLearnerFamily(cfg.learner);
  // World facts for the meta-agent, as plain data: what each measurement is, its unit and which
  // way an honest optimiser pushes it — not the world author's note on how it can be gamed.
  const measurementSpecs: readonly MeasurementSpec[] = world.measurements.map((m) => ({ name: m.name, doc: m.doc, unit: m.unit, better: m.better }));

  const startChannel: ChannelChoice = locked ? { kind: 'binary' } : cfg.feedback === 'scheduled' ? { kind: 'scheduled', schedule: cfg.schedule ?? 'linear' } : { kind: cfg.feedback };
  const pbt: PbtOptions = { ...cfg.pbt, channels: locked ? ['binary'] : CHANNEL_KINDS };
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
  });
  const safeguard = createSafeguard(cfg.safeguard, cfg.alpha, gtMetric, seed);
  const quarantined = cfg.safeguard === 'quarantine' ? (safeguard as QuarantineSafeguard) : null;

  const greedy = (m: Member, features: readonly (readonly number[])[]): number[][] => m.learner.act(features, new Stream([seed, 'greedy']), 'greedy');
  const originOf = (m: Member): number[][] => greedy(m, anchorFeatures).map((a) => toBox(world, params, a));

  const members: Member[] = [];
  try {
    for (let slot = 0; slot < cfg.population; slot++) {
      const learner = await family.create(env, s.learnerConfig, seedFor(seed, slot, 0));
      const m: Member = { id: `m${slot}`, slot, learner, config: { ...s.learnerConfig }, channelChoice: startChannel, channel: makeChannel(startChannel), origin: [], previous: [], path: 0, root: `m${slot}@0`, version: 0, recent: [] };
      m.origin = originOf(m);
      m.previous = m.origin;
      members.push(m);
    }

    // Every change of the metric in force goes through the book (evolve-decisions.ts).
    const book = new MetricBook(s.startMetric, s.startSource);
    let current = book.current;
    let currentId = book.currentId;
    const metricLineage = book.lineage;
    const learnerLineage: LearnerLineage[] = [];
    const generations: GenerationRecord[] = [];
    const decisions: DecisionRecord[] = [];
    const totalEpisodes = cfg.generations * cfg.episodesPerGeneration;
    const reference: MeasurementRecord[] = [];

    /** Greedy evaluation of every member: proxy on train tasks, anchor and probe ground truth. */
    const evaluate = async (metric: Metric) => {
      const value = compile(metric.ast);
      const rows = [];
      for (const m of members) {
        const evalCs = simulate(suiteEpisodesOf(evalSuite, greedy(m, evalSuite.map((t) => t.features)), EVAL_BASE));
        const values = evalCs.map((c) => value(c.measurements));
        const anchorActions = greedy(m, anchorFeatures);
        const boxActions = anchorActions.map((a) => toBox(world, params, a));
        const anchorCs = simulate(suiteEpisodes(anchorSuite, anchorActions, ANCHOR_BASE));
        const probe = await runProbe(probeSuite, greedy(m, probeFeatures), (eps) => simulate(eps), PROBE_BASE);
        rows.push({
          values,
          proxy: values.filter((v) => metricPasses(metric, v)).length / values.length,
          anchorCs,
          anchorGt: anchorCs.filter((c) => c.gtPass).length / anchorCs.length,
          probeGt: probe.passRate ?? 0,
          boxActions,
          dNet: actionDistance(boxActions, m.origin),
        });
      }
      return rows;
    };

    const startRows = await evaluate(current);
    const start = { proxy: mean(startRows.map((r) => r.proxy)), anchorGt: mean(startRows.map((r) => r.anchorGt)), probeGt: mean(startRows.map((r) => r.probeGt)) };

    for (let gen = 0; gen < cfg.generations; gen++) {
      // 1. Train every member under the adopted metric through its channel.
      const value = compile(current.ast);
      const sense: ChannelMetric = { expression: current.expression, direction: current.direction, threshold: current.threshold, value };
      for (const m of members) {
        const recent: MeasurementRecord[] = [];
        for (let done = 0, round = 0; done < cfg.episodesPerGeneration; round++) {
          const b = Math.min(cfg.roundSize, cfg.episodesPerGeneration - done);
          const at = gen * cfg.episodesPerGeneration + done;
          const tasks = Array.from({ length: b }, (_, j) => trainSuite[(at + j + m.slot * 7) % trainSuite.length] as SuiteTask);
          const actions = m.learner.act(tasks.map((t) => t.features), new Stream([seed, 'explore', m.slot, gen, round]), 'explore');
          const first = ((gen * cfg.population + m.slot) * cfg.episodesPerGeneration + done) as number;
          const cs = simulate(tasks.map((t, j) => ({ episode: first + j, task: t.task, action: actions[j] as number[] })));
          const batch: Experience[] = [];
          cs.forEach((c, j) => {
            recent.push(c.measurements);
            const v = value(c.measurements);
            if (Number.isNaN(v)) return; // undefined metric: no feedback for this episode
            const t = tasks[j] as SuiteTask;
            const feedback = m.channel.feedback(v, sense, { taskKey: t.key, progress: Math.min(1, (at + j) / totalEpisodes), rng: new Stream([seed, 'feedback', m.slot, at + j]) });
            batch.push({ features: t.features, action: actions[j] as number[], feedback, taskKey: t.key });
          });
          if (batch.length) m.learner.learn(batch, new Stream([seed, 'learn', m.slot, gen, round]));
          done += b;
        }
        m.recent = recent.slice(-cfg.recentEpisodes);
        // The untrained reference: each member's first train episodes (measurements only).
        if (gen === 0) reference.push(...recent.slice(0, cfg.recentEpisodes));
      }

      // 2. Evaluate (the runner sees everything; nothing here reaches the meta-agent but measurements).
      const rows = await evaluate(current);
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
      const oracle = new AnchorOracle({ members: members.map((m) => m.id), tasks: anchorSuite.keys, consequences: rows.map((r) => r.anchorCs) }, { budget });
      const bestIdx = bestByMetric(oracle, current);
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
        if (current !== metricInForce) for (const m of members) m.channel.reset();
      }

      const record: GenerationRecord = {
        gen,
        proxy: mean(rows.map((r) => r.proxy)),
        anchorGt: mean(rows.map((r) => r.anchorGt)),
        probeGt: mean(rows.map((r) => r.probeGt)),
        drift: driftOf(agreementNow),
        bias: mean(rows.map((r) => r.anchorGt)) - mean(rows.map((r) => r.probeGt)),
        metric: metricInForce.expression,
        metricId: idInForce,
        direction: metricInForce.direction,
        threshold: metricInForce.threshold,
        episodes: (gen + 1) * cfg.episodesPerGeneration,
        anchorGtBest: (rows[bestIdx] as { anchorGt: number }).anchorGt,
        d,
        dNet: mean(rows.map((r) => r.dNet)),
        budgetSpent: oracle.spent,
        members: members.map((m, i) => {
          const r = rows[i] as (typeof rows)[number];
          return { id: m.id, root: m.root, channel: channelText(m.channelChoice), capacity: m.learner.capacity, proxy: r.proxy, anchorGt: r.anchorGt, probeGt: r.probeGt, d: m.path, dNet: r.dNet };
        }),
      };
      generations.push(record);

      // 4. Learner proposals (PBT), ranked by the meta-agent's view: goodness under the metric in force.
      if (gen < cfg.generations - 1) {
        const views = members.map((m, i) => ({ id: m.id, family: cfg.learner, config: m.config, channel: m.channelChoice, score: meanGoodness(metricInForce, (rows[i] as { values: number[] }).values) }));
        const changes = agent.proposeLearners(gen, views);
        const states = new Map(changes.map((c) => [c.from, members.find((m) => m.id === c.from)!]));
        const saved = new Map([...states].map(([id, m]) => [id, { state: m.learner.save(), origin: m.origin, previous: m.previous, path: m.path, root: m.root }]));
        for (const change of changes) {
          const m = members.find((x) => x.id === change.member) as Member;
          const restart = await applyChange(m, change, saved.get(change.from)!, gen);
          learnerLineage.push({ gen, member: change.member, from: change.from, restart, perturbations: change.perturbations, config: { ...m.config }, channel: channelText(m.channelChoice) });
        }
      }
      onGeneration?.(record, decisions.filter((x) => x.gen === gen), cfg.generations);
    }

    async function applyChange(m: Member, change: LearnerChange, donor: { state: LearnerState; origin: number[][]; previous: number[][]; path: number; root: string }, gen: number): Promise<boolean> {
      let config: Record<string, unknown>;
      try {
        config = family.parseConfig(change.config) as Record<string, unknown>;
      } catch {
        return false; // a perturbation outside the family's schema: keep the member as it is
      }
      m.version++;
      const learner = await family.create(env, config, seedFor(seed, m.slot, m.version));
      const inherited = inheritState(donor.state, config, new Stream([seed, 'inherit', m.slot, m.version]));
      let restart = inherited === null;
      if (inherited) {
        try {
          learner.load(inherited);
        } catch {
          restart = true; // the family refused the state: start this member over
        }
      }
      m.learner.dispose();
      m.learner = learner;
      m.config = { ...config };
      m.channelChoice = change.channel;
      m.channel = makeChannel(change.channel);
      if (restart) {
        m.origin = originOf(m);
        m.previous = m.origin;
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
      summary: summarise(generations, start.anchorGt, metricLineage, current, world.measurements, cfg.gtThreshold),
      config: cfg,
      anchors,
      suites: { anchor: anchorSuite.digest, probe: probeSuite.digest },
      backend: (await tfBackend())?.backend ?? 'none',
      safeguard: safeguard.name,
      startMetric: { metric: metricToSpec(s.startMetric), source: s.startSource },
      groundTruthMetric: gtMetric ? metricToSpec(gtMetric) : null,
      start,
      gao: { selection: fitGao(gaoPoints, 'selection'), rl: fitGao(gaoPoints, 'rl'), points: gaoPoints },
      lineage: { metrics: metricLineage, learners: learnerLineage },
      proposer: { kind: cfg.proposer, arms: agent.proposerStats() },
    };
  } finally {
    for (const m of members) m.learner.dispose();
  }
}

function suiteEpisodesOf(tasks: readonly SuiteTask[], actions: readonly number[][], first: number): EpisodeSpec[] {
  return tasks.map((t, i) => ({ episode: first + i, task: t.task, action: actions[i] as number[] }));
}

/** Mean goodness (higher is better) of metric values; undefined values count as the worst finite one. */
function meanGoodness(metric: Metric, values: readonly number[]): number {
  const g = values.map((v) => (Number.isNaN(v) ? NaN : metric.direction === 'lower' ? -v : v));
  const finite = g.filter((x) => !Number.isNaN(x));
  if (finite.length === 0) return NaN;
  const worst = Math.min(...finite);
  return mean(g.map((x) => (Number.isNaN(x) ? worst : x)));
}

/** The member a metric ranks best on the anchor measurements (free; earliest on ties). */
function bestByMetric(oracle: AnchorOracle, metric: Metric): number {
  const scores = oracle.values(metric).map((row) => meanGoodness(metric, row));
  let best = 0;
  scores.forEach((x, i) => {
    if (x > (scores[best] as number) || Number.isNaN(scores[best] as number)) best = i;
  });
  return best;
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
    driftFinal: last.drift,
    episodesToThreshold,
    finalMetric: metricToSpec(final),
    finalGameable: measurementsUsed(final.ast).filter((n) => gameable.has(n)),
    firstGameableGen: firstGameable.length ? Math.min(...firstGameable) : null,
    measurementsFirstInForce: firstInForce,
    metricsAdopted: lineage.length - 1,
  };
}
