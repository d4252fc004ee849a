/**
 * The training experiment: one learner learns on a world's train tasks through one feedback
 * channel, and the runner records a learning curve. Ground truth is the runner's business only
 * (wall 1): the learner gets features, its actions and the channel's feedback, nothing else.
 *
 * Runs anywhere (in a learner worker for the CLI and the app, in process in tests); a result
 * depends on (config, seed) alone (wall 2).
 */
import { z } from 'zod';
import { Stream } from '../core/rng.ts';
import { InputError, inputErrorFromZod, resolveParams, WorldRuntime, type EpisodeSpec } from '../core/runtime.ts';
import { isClosedLoop, type AnyWorld, type Consequence, type TaskBase } from '../core/types.ts';
import { CHANNEL_KINDS, createChannel, parseChannelConfig, SCHEDULES, type ChannelConfig, type FeedbackChannel } from '../feedback/channels.ts';
import { measureInformation, type FeedbackEvent } from '../feedback/information.ts';
import type { CompiledMetric as ChannelMetric } from '../metrics/index.ts';
import { createLearner, getLearnerFamily } from '../learners/registry.ts';
import { tfBackend } from '../learners/tf.ts';
import type { Experience, Learner, LearnerEnv } from '../learners/types.ts';
import { compile, directionRequiredText, MetricError, parse, parseMetric, resolveDirection, type Metric } from '../metrics/index.ts';
import { getWorld } from '../../worlds/index.ts';
import { assertLearnerFitsWorld, runClosedLoopTraining } from './train-closed-loop.ts';

/** Training configuration: one schema for the CLI, files and the app. */
export const trainConfigSchema = z.strictObject({
  world: z.string().describe('World id.'),
  learner: z.string().describe('Learner family id.'),
  learnerConfig: z.record(z.string(), z.unknown()).default({}).describe("Hyperparameters, validated by the family's schema."),
  feedback: z.union([z.enum(CHANNEL_KINDS), z.looseObject({ kind: z.string() })]).default('graded').describe('Feedback channel id or full channel config.'),
  schedule: z.enum(SCHEDULES).optional().describe('Schedule of the `scheduled` channel (shorthand).'),
  metric: z.string().optional().describe("Metric expression over measurements; default: the world's default metric."),
  direction: z.enum(['lower', 'higher']).optional().describe("Metric direction (default: the default metric's, or the one the measurements of --metric declare; required when they declare none or disagree)."),
  threshold: z.number().optional().describe("Pass threshold for binary feedback (default: the default metric's)."),
  episodes: z.number().int().min(1).max(10_000_000).default(5000).describe('Training episodes.'),
  roundSize: z.number().int().min(1).max(4096).default(64).describe('Episodes per learning round.'),
  trainTasks: z.number().int().min(1).max(100_000).default(256).describe('Size of the fixed train task suite (tasks repeat across rounds).'),
  evalTasks: z.number().int().min(1).max(10_000).default(128).describe('Train tasks on which greedy ground truth is measured.'),
  evalPoints: z.number().int().min(1).max(500).default(20).describe('Points on the learning curve.'),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  params: z.record(z.string(), z.unknown()).default({}).describe('World parameters.'),
});
/** A parsed training configuration. */
export type TrainConfig = z.infer<typeof trainConfigSchema>;

/** One point of the learning curve. */
export interface CurvePoint {
  episodes: number;
  /** Ground-truth pass rate of greedy actions on the evaluation tasks (train split). */
  gtPassRate: number;
  /** Mean metric value of those greedy actions (NaN values left out). */
  metric: number;
  /** Measured bits per feedback event since the previous point: I(feedback; ground-truth margin). */
  bitsPerFeedback: number;
}

/** A training run's result (plain data). */
export interface TrainResult {
  world: string;
  learner: string;
  feedback: string;
  seed: number;
  metric: { expression: string; direction: 'lower' | 'higher'; threshold: number };
  capacity: number;
  priors: readonly string[];
  curve: CurvePoint[];
  final: { gtPassRate: number; metric: number };
  /** Episodes whose metric was undefined (NaN): no feedback was given for them. */
  undefinedMetricEpisodes: number;
  /** The tfjs backend the learner ran on ('none' for learners without tfjs). */
  backend: string;
}

/** Parses a training config; throws InputError naming the field. */
export function parseTrainConfig(input: unknown): TrainConfig {
  const r = trainConfigSchema.safeParse(input);
  if (!r.success) throw inputErrorFromZod('', r.error, input);
  return r.data;
}

/**
 * The metric of a run: the config's expression or the world's default, parsed by the metric
 * language. An expression's direction, unless given, comes from the `better` of the measurements
 * it reads (src/metrics/direction.ts); when they give none, the config must (InputError, exit 2).
 */
export function resolveMetric(world: AnyWorld, params: Record<string, unknown>, cfg: Pick<TrainConfig, 'metric' | 'direction' | 'threshold'>): Metric {
  const d = world.defaultMetric?.(params);
  if (!d && (cfg.metric === undefined || cfg.threshold === undefined)) throw new InputError('metric', cfg.metric ?? null, `--metric and --threshold: world '${world.id}' declares no default metric`);
  const expression = cfg.metric ?? d!.expression;
  const threshold = cfg.threshold ?? d!.threshold;
  try {
    const ast = parse(expression, world.measurements);
    // The world's default metric declares its own direction; any other expression takes it from its measurements.
    const direction = cfg.metric === undefined ? (cfg.direction ?? d!.direction) : resolveDirection(ast, world.measurements, cfg.direction);
    return parseMetric({ expression, direction, threshold }, world.measurements);
  } catch (err) {
    if (err instanceof MetricError && err.code === 'direction-required') throw new InputError('direction', undefined, directionRequiredText(expression, err));
    if (err instanceof MetricError) throw new InputError('metric', expression, `a valid metric expression (${err.message})`);
    throw err;
  }
}

function channelConfig(cfg: TrainConfig): ChannelConfig {
  const base = typeof cfg.feedback === 'string' ? { kind: cfg.feedback } : cfg.feedback;
  const withSchedule = cfg.schedule ? { ...base, kind: base.kind, schedule: cfg.schedule } : base;
  if (cfg.schedule && withSchedule.kind !== 'scheduled') throw new InputError('schedule', cfg.schedule, "only with --feedback scheduled");
  try {
    return parseChannelConfig(withSchedule);
  } catch (err) {
    if (err instanceof z.ZodError) throw inputErrorFromZod('feedback', err, withSchedule);
    throw err;
  }
}

/** One task of the fixed train suite, with its key and the features learners see. */
export interface SuiteTask {
  readonly key: string;
  readonly task: TaskBase;
  readonly features: number[];
}

/** Episode indices of evaluation runs live far above training episodes, so their streams never collide. */
export const EVAL_EPISODE_BASE = 2 ** 40;

/** The fixed train suite of a run: tasks repeat across rounds (per-task learners key on them). */
export function trainSuite(cfg: TrainConfig, world: AnyWorld, params: Record<string, unknown>): SuiteTask[] {
  return Array.from({ length: cfg.trainTasks }, (_, i) => {
    const task = world.sampleTask(new Stream([cfg.seed, 'train-suite', i]), 'train', params) as TaskBase;
    return { key: `train:${i}`, task, features: world.taskFeatures?.(task, params) ?? [] };
  });
}

/** What a runner plugs into `trainingLoop`: how one round is played and learned from. */
export interface RoundHooks<X> {
  /** Episodes per learning round. */
  readonly roundSize: number;
  /** Plays a round with exploration; `experience(j, feedback)` builds episode j's experience. */
  explore(tasks: readonly SuiteTask[], firstEpisode: number, round: number): { consequences: Consequence[]; experience: (j: number, feedback: number) => X };
  /** Plays the greedy learner on the evaluation tasks (the `evalIndex`-th evaluation). */
  greedy(tasks: readonly SuiteTask[], firstEpisode: number, evalIndex: number): Consequence[];
  learn(batch: X[], rng: Stream): void;
}

/**
 * The round loop both runners share: play a round, turn each metric value into feedback through
 * the channel, learn, and at each curve point measure greedy ground truth on the evaluation
 * tasks. Ground truth and the bits-per-feedback log stay here, never with the learner.
 */
export function trainingLoop<X>(
  ctx: { cfg: TrainConfig; sense: ChannelMetric; channel: FeedbackChannel },
  suite: readonly SuiteTask[],
  hooks: RoundHooks<X>,
  onPoint?: (p: CurvePoint, total: number) => void,
): { curve: CurvePoint[]; undefinedMetric: number } {
  const { cfg, sense, channel } = ctx;
  const value = sense.value;
  const evalSuite = suite.slice(0, Math.min(cfg.evalTasks, suite.length));
  const curve: CurvePoint[] = [];
  let events: FeedbackEvent[] = [];
  let undefinedMetric = 0;
  let evalCount = 0;
  const evaluate = (episodes: number): CurvePoint => {
    const cs = hooks.greedy(evalSuite, EVAL_EPISODE_BASE + evalCount * evalSuite.length, evalCount);
    evalCount++;
    const values = cs.map((c) => value(c.measurements)).filter((v) => !Number.isNaN(v));
    const point: CurvePoint = {
      episodes,
      gtPassRate: cs.filter((c) => c.gtPass).length / cs.length,
      metric: values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN,
      bitsPerFeedback: events.length ? measureInformation(events).bitsPerFeedback : 0,
    };
    events = [];
    return point;
  };

  const evalEvery = Math.max(1, Math.floor(cfg.episodes / cfg.evalPoints));
  let nextEval = evalEvery;
  for (let e = 0, round = 0; e < cfg.episodes; round++) {
    const b = Math.min(hooks.roundSize, cfg.episodes - e);
    const tasks = Array.from({ length: b }, (_, j) => suite[(e + j) % suite.length] as SuiteTask);
    const { consequences, experience } = hooks.explore(tasks, e, round);
    const batch: X[] = [];
    consequences.forEach((c, j) => {
      const t = tasks[j] as SuiteTask;
      const v = value(c.measurements);
      if (Number.isNaN(v)) {
        undefinedMetric++;
        return;
      }
      const feedback = channel.feedback(v, sense, { taskKey: t.key, progress: Math.min(1, (e + j) / cfg.episodes), rng: new Stream([cfg.seed, 'feedback', e + j]) });
      batch.push(experience(j, feedback));
      // The runner, not the learner, pairs feedback with the ground-truth margin it was about.
      events.push({ feedback, target: c.verdicts[0]?.margin ?? 0 });
    });
    if (batch.length) hooks.learn(batch, new Stream([cfg.seed, 'learn', round]));
    e += b;
    if (e >= nextEval || e >= cfg.episodes) {
      const p = evaluate(e);
      curve.push(p);
      onPoint?.(p, cfg.episodes);
      nextEval += evalEvery;
    }
  }
  return { curve, undefinedMetric };
}

/** Assembles a run's result once the loop is done. */
export async function trainResult(
  ctx: { cfg: TrainConfig; world: AnyWorld; metric: Metric; channel: FeedbackChannel },
  learner: Pick<Learner, 'capacity' | 'priors'>,
  loop: { curve: CurvePoint[]; undefinedMetric: number },
): Promise<TrainResult> {
  const { cfg, world, metric, channel } = ctx;
  const last = loop.curve[loop.curve.length - 1] as CurvePoint;
  return {
    world: world.id,
    learner: cfg.learner,
    feedback: channel.kind,
    seed: cfg.seed,
    metric: { expression: metric.expression, direction: metric.direction, threshold: metric.threshold },
    capacity: learner.capacity,
    priors: learner.priors,
    curve: loop.curve,
    final: { gtPassRate: last.gtPassRate, metric: last.metric },
    undefinedMetricEpisodes: loop.undefinedMetric,
    backend: (await tfBackend())?.backend ?? 'none',
  };
}

/**
 * Validates everything a run needs (config, world, params, metric, channel, learner
 * hyperparameters) without running it, so bad input fails fast with the field named.
 */
export function validateTrainConfig(input: unknown): TrainConfig {
  const cfg = parseTrainConfig(input);
  const world = getWorld(cfg.world);
  const params = resolveParams(world, cfg.params);
  resolveMetric(world, params, cfg);
  channelConfig(cfg);
  const family = getLearnerFamily(cfg.learner);
  assertLearnerFitsWorld(world, cfg.learner);
  try {
    family.parseConfig(cfg.learnerConfig);
  } catch (err) {
    if (err instanceof z.ZodError) throw inputErrorFromZod('learnerConfig', err, cfg.learnerConfig);
    throw err;
  }
  return cfg;
}

/** Runs one training experiment; `onPoint` is called at every curve point (progress for UIs). */
export async function runTraining(input: unknown, onPoint?: (p: CurvePoint, total: number) => void): Promise<TrainResult> {
  const cfg = parseTrainConfig(input);
  const world = getWorld(cfg.world);
  const params = resolveParams(world, cfg.params);
  const metric = resolveMetric(world, params, cfg);
  const value = compile(metric.ast);
  const sense: ChannelMetric = { expression: metric.expression, direction: metric.direction, threshold: metric.threshold, value };
  const channel = createChannel(channelConfig(cfg));
  // Closed-loop worlds: the learner plays a policy every step (train-closed-loop.ts).
  assertLearnerFitsWorld(world, cfg.learner);
  if (isClosedLoop(world)) return runClosedLoopTraining({ cfg, world, params, metric, sense, channel }, onPoint);
  if (!world.taskFeatures || !world.featureNames) throw new InputError('world', cfg.world, 'a world that gives learners task features');
  const env: LearnerEnv = { world: world.id, actionSpace: world.actionSpace(params), featureNames: world.featureNames(params) };
  const learner = await createLearner(cfg.learner, env, cfg.learnerConfig, cfg.seed);
  try {
    const runtime = new WorldRuntime(world);
    const simulate = (tasks: readonly SuiteTask[], actions: readonly number[][], firstEpisode: number): Consequence[] => {
      const items: EpisodeSpec[] = tasks.map((t, i) => ({ episode: firstEpisode + i, task: t.task, action: actions[i] as number[] }));
      return runtime.runBatch({ world: world.id, params, seed: cfg.seed, episodes: { kind: 'explicit', items } }).consequences;
    };
    const loop = trainingLoop<Experience>({ cfg, sense, channel }, trainSuite(cfg, world, params), {
      roundSize: cfg.roundSize,
      explore(tasks, firstEpisode, round) {
        const actions = learner.act(tasks.map((t) => t.features), new Stream([cfg.seed, 'explore', round]), 'explore');
        const consequences = simulate(tasks, actions, firstEpisode);
        const experience = (j: number, feedback: number): Experience => {
          const t = tasks[j] as SuiteTask;
          return { features: t.features, action: actions[j] as number[], feedback, taskKey: t.key };
        };
        return { consequences, experience };
      },
      greedy(tasks, firstEpisode, evalIndex) {
        return simulate(tasks, learner.act(tasks.map((t) => t.features), new Stream([cfg.seed, 'greedy', evalIndex]), 'greedy'), firstEpisode);
      },
      learn: (batch, rng) => learner.learn(batch, rng),
    }, onPoint);
    return await trainResult({ cfg, world, metric, channel }, learner, loop);
  } finally {
    learner.dispose();
  }
}
