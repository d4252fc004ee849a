/**
 * The training experiment: one learner learns on a world's train tasks through one feedback
 * channel, and the runner records a learning curve. Ground truth is the runner's business only
 * (wall 1): the learner gets features, its actions and the channel's feedback, nothing else.
 *
 * The learner trains on the calling thread; its episodes go through an injected BatchRunner
 * (the physics pool for the CLI and the app, in process in tests); a result depends on
 * (config, seed) alone (wall 2), never on the runner. Registry id `train` (`trainExperiment`
 * at the end of this file); it resumes by replay.
 */
import { z } from 'zod';
import { Stream } from '../core/rng.ts';
import { InputError, inputErrorFromZod, resolveParams, type EpisodeSpec } from '../core/runtime.ts';
import type { BatchRunner } from '../core/checkWorld.ts';
import { inProcessRunner } from '../runs/in-process.ts';
import { defineExperiment, type ExperimentEvent } from './types.ts';
import { isClosedLoop, type AnyWorld, type Consequence, type TaskBase } from '../core/types.ts';
import { paramRanges } from '../core/checkWorld.ts';
import { buildProbeSuite, runProbe, type ProbeReport } from '../anchors/probe.ts';
import { suiteFeatures } from '../anchors/suites.ts';
import { CHANNEL_KINDS, createChannel, parseChannelConfig, SCHEDULES, type ChannelConfig, type FeedbackChannel } from '../feedback/channels.ts';
import type { CompiledMetric as ChannelMetric } from '../metrics/index.ts';
import { assertLearnerFits } from '../learners/compat.ts';
import { createLearner, getLearnerFamily } from '../learners/registry.ts';
import type { Experience, FeedbackInfo, LearnerEnv } from '../learners/types.ts';
import { compile, directionRequiredText, MetricError, parse, parseMetric, resolveDirection, type Metric } from '../metrics/index.ts';
import { getWorld } from '../../worlds/index.ts';
import { runClosedLoopTraining } from './train-closed-loop.ts';
import { trainingLoop, trainResult, trainSuite, type CurvePoint, type LoggedFeedback, type SuiteTask, type TrainResult } from './training-loop.ts';

// The shared round loop lives in training-loop.ts; re-exported so callers keep one import.
export { EVAL_EPISODE_BASE, trainingLoop, trainResult, trainSuite } from './training-loop.ts';
export type { CurvePoint, Explored, LoggedFeedback, LoopConfig, LoopContext, RoundHooks, SuiteTask, TrainLoopConfig, TrainResult } from './training-loop.ts';

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
  vary: z
    .record(z.string(), z.tuple([z.number(), z.number()]))
    .optional()
    .describe('World parameters drawn per train task, uniformly in [lo, hi], as task overrides (e.g. {"gravity": [6, 14]}): the learner sees them vary in its features.'),
  probeTasks: z.number().int().min(1).max(10_000).optional().describe("Probe tasks (the world's held-out and shifted split) the trained learner is scored on at the end (absent: none)."),
});
/** A parsed training configuration. */
export type TrainConfig = z.infer<typeof trainConfigSchema>;

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

/** What the learner is told about its feedback (a channel's kind and noise, and the metric). */
export function feedbackInfo(channel: FeedbackChannel, metric: Metric): FeedbackInfo {
  const c = channel.config;
  return {
    kind: c.kind,
    flip: 'flip' in c ? c.flip : 0,
    jitter: 'jitter' in c ? c.jitter : 0,
    tolerance: c.kind === 'hotcold' ? c.tolerance : 0,
    metric: { expression: metric.expression, direction: metric.direction, threshold: metric.threshold },
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
  const metric = resolveMetric(world, params, cfg);
  const channel = channelConfig(cfg);
  const family = getLearnerFamily(cfg.learner);
  assertLearnerFits(world, params, cfg.learner, { channel: channel.kind, metric: metric.expression });
  if (cfg.vary) varyTasks(world, params, cfg.vary, trainSuite({ trainTasks: 1, seed: cfg.seed }, world, params));
  if (cfg.probeTasks !== undefined && isClosedLoop(world)) throw new InputError('probeTasks', cfg.probeTasks, `a one-shot world (probe scoring of closed-loop policies is not built; ${world.id} is closed-loop)`);
  if (cfg.vary && isClosedLoop(world)) throw new InputError('vary', cfg.vary, `a one-shot world (${world.id} is closed-loop)`);
  try {
    family.parseConfig(cfg.learnerConfig);
  } catch (err) {
    if (err instanceof z.ZodError) throw inputErrorFromZod('learnerConfig', err, cfg.learnerConfig);
    throw err;
  }
  return cfg;
}

/**
 * The train suite with `vary`'s parameters drawn per task (uniform in [lo, hi], one stream per
 * task, independent of the task draw) and set as task overrides; features are recomputed from
 * the overridden params. A parameter the world lacks, a range outside its schema, or an override
 * the world's tasks do not accept is an InputError (exit 2).
 */
export function varyTasks(world: AnyWorld, params: Record<string, unknown>, vary: Readonly<Record<string, readonly [number, number]>>, suite: readonly SuiteTask[], seed = 0): SuiteTask[] {
  const ranges = paramRanges(world);
  for (const [k, [lo, hi]] of Object.entries(vary)) {
    const r = ranges[k];
    if (!r || r.type !== 'number') throw new InputError(`vary.${k}`, k, `a numeric parameter of ${world.id} (${Object.entries(ranges).flatMap(([n, x]) => (x.type === 'number' ? [n] : [])).join(', ')})`);
    if (!(lo <= hi) || (r.min !== undefined && lo < r.min) || (r.max !== undefined && hi > r.max)) throw new InputError(`vary.${k}`, [lo, hi], `lo ≤ hi within [${r.min ?? '−∞'}, ${r.max ?? '∞'}]`);
  }
  return suite.map((t, i) => {
    const draw = new Stream([seed, 'train-vary', i]);
    const overrides: Record<string, number> = { ...((t.task.overrides ?? {}) as Record<string, number>) };
    for (const [k, [lo, hi]] of Object.entries(vary)) overrides[k] = draw.uniform(lo, hi);
    const task = { ...t.task, overrides } as TaskBase;
    const ok = world.task.safeParse(task);
    if (!ok.success) throw new InputError('vary', Object.keys(vary).join(', '), `parameters ${world.id}'s tasks may override (its task schema refused: ${ok.error.issues[0]?.message ?? 'invalid'})`);
    const resolved = resolveParams(world, { ...params, ...overrides });
    return { key: t.key, task, features: world.taskFeatures?.(task, resolved) ?? [] };
  });
}

/** Plays the trained learner greedily on tasks the experimenter chose; only consequences come back. */
export type GreedyPlay = (tasks: readonly TaskBase[], firstEpisode: number) => Promise<Consequence[]>;

/** Experimenter-side hooks of a training run (studies use them; the learner never sees them). */
export interface TrainHooks {
  /** Every feedback event with the ground-truth margin it was about. */
  readonly onFeedback?: (event: LoggedFeedback) => void;
  /** Called once training is done, before the learner is freed: score it on any tasks. */
  readonly afterTraining?: (play: GreedyPlay) => Promise<void>;
}

/** Probe tasks' episode numbers: far above training and evaluation episodes (EVAL_EPISODE_BASE = 2^40). */
export const PROBE_EPISODE_BASE = 2 ** 44;

/** A run's probe report (`probeTasks`): greedy GT on the world's probe split and the shift gap. */
export interface TrainProbe {
  readonly tasks: number;
  readonly report: ProbeReport;
  /** Final train GT − probe GT (null when the probe has no pass rate). */
  readonly shiftGap: number | null;
}

/** Runs one training experiment; `onPoint` is called at every curve point (progress for UIs). */
export async function runTraining(
  input: unknown,
  onPoint?: (p: CurvePoint, total: number) => void,
  physics: BatchRunner = inProcessRunner(),
  hooks: TrainHooks = {},
): Promise<TrainResult & { probe?: TrainProbe }> {
  const cfg = parseTrainConfig(input);
  const world = getWorld(cfg.world);
  const params = resolveParams(world, cfg.params);
  const metric = resolveMetric(world, params, cfg);
  const value = compile(metric.ast);
  const sense: ChannelMetric = { expression: metric.expression, direction: metric.direction, threshold: metric.threshold, value };
  const channel = createChannel(channelConfig(cfg));
  // A misfit is refused before anything runs (exit 2, the unmet need named).
  assertLearnerFits(world, params, cfg.learner, { channel: channel.kind, metric: metric.expression });
  const feedback = feedbackInfo(channel, metric);
  // Closed-loop worlds: the learner plays a policy every step (train-closed-loop.ts).
  if (isClosedLoop(world)) return runClosedLoopTraining({ cfg, world, params, metric, sense, channel, physics, feedback }, onPoint);
  if (!world.taskFeatures || !world.featureNames) throw new InputError('world', cfg.world, 'a world that gives learners task features');
  const env: LearnerEnv = { world: world.id, actionSpace: world.actionSpace(params), featureNames: world.featureNames(params), feedback };
  const learner = await createLearner(cfg.learner, env, cfg.learnerConfig, cfg.seed);
  try {
    // Physics through the injected runner (in process, the Node pool, the browser pool): same results.
    const simulate = async (tasks: readonly SuiteTask[], actions: readonly number[][], firstEpisode: number): Promise<Consequence[]> => {
      const items: EpisodeSpec[] = tasks.map((t, i) => ({ episode: firstEpisode + i, task: t.task, action: actions[i] as number[] }));
      return (await physics.runBatch({ world: world.id, params, seed: cfg.seed, episodes: { kind: 'explicit', items } })).consequences;
    };
    const base = trainSuite(cfg, world, params);
    const suite = cfg.vary ? varyTasks(world, params, cfg.vary, base, cfg.seed) : base;
    const loop = await trainingLoop<Experience>({ cfg, sense, channel, ...(hooks.onFeedback ? { onFeedback: hooks.onFeedback } : {}) }, suite, {
      roundSize: cfg.roundSize,
      async explore(tasks, firstEpisode, round) {
        const actions = learner.act(tasks.map((t) => t.features), new Stream([cfg.seed, 'explore', round]), 'explore');
        const consequences = await simulate(tasks, actions, firstEpisode);
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
    // Greedy play on experimenter-chosen tasks (features from each task's overridden params).
    let probeRound = 0;
    const play: GreedyPlay = (tasks, firstEpisode) => {
      const rows = tasks.map((task) => ({ key: 'probe', task, features: world.taskFeatures?.(task, task.overrides ? resolveParams(world, { ...params, ...task.overrides }) : params) ?? [] }));
      return simulate(rows, learner.act(rows.map((r) => r.features), new Stream([cfg.seed, 'greedy-probe', probeRound++]), 'greedy'), firstEpisode);
    };
    if (hooks.afterTraining) await hooks.afterTraining(play);
    const result = await trainResult({ cfg, world, metric, channel }, learner, loop);
    if (cfg.probeTasks === undefined) return result;
    // The world's probe split (held-out and shifted tasks), scored by the experimenter only.
    const probeSuite = buildProbeSuite(world, params, cfg.seed, cfg.probeTasks);
    const actions = learner.act(suiteFeatures(world, params, probeSuite), new Stream([cfg.seed, 'greedy-probe-suite']), 'greedy');
    const report = await runProbe(probeSuite, actions, async (items) => (await physics.runBatch({ world: world.id, params, seed: cfg.seed, episodes: { kind: 'explicit', items } })).consequences, PROBE_EPISODE_BASE);
    return { ...result, probe: { tasks: cfg.probeTasks, report, shiftGap: report.passRate === null ? null : result.final.gtPassRate - report.passRate } };
  } finally {
    learner.dispose();
  }
}

// ---------------------------------------------------------------------------------- the experiment

/** The experiment's config: train's, with a world and a learner by default so `run train` needs no flags. */
export const trainExperimentSchema = trainConfigSchema.extend({
  world: z.string().default('projectile').describe('World id.'),
  learner: z.string().default('gaussian-policy').describe('Learner family id.'),
});

/**
 * The training experiment (registry id `train`). Resumes by **replay**: it yields no checkpoint
 * (a default run is a few thousand episodes; replaying it costs seconds). The learner trains on
 * the calling thread; its episodes go through `ctx.batch` (the physics pool by default), with
 * results identical in process. Events: `started`, per curve point `progress` and `point`s on the
 * charts `groundTruth` (greedy GT pass rate), `metric` and `bitsPerFeedback`; `finished` with
 * results = the TrainResult (NaN as null).
 */
export const trainExperiment = defineExperiment<z.infer<typeof trainExperimentSchema>, TrainResult>({
  id: 'train',
  title: 'Train: one learner, one world, one feedback channel',
  description: 'A learner trains on a world’s train tasks through one feedback channel; the learning curve records greedy ground truth, the metric and the bits each feedback event carried.',
  configSchema: trainExperimentSchema,
  quick: { episodes: 2000, evalPoints: 10 },
  charts: [
    { id: 'groundTruth', title: 'Greedy ground-truth pass rate on train tasks', x: 'episodes', y: 'GT pass rate' },
    { id: 'metric', title: 'Mean metric of greedy actions', x: 'episodes', y: 'metric' },
    { id: 'bitsPerFeedback', title: 'Bits per feedback event (measured)', x: 'episodes', y: 'bits' },
  ],
  keyResult: (r) => `${r.learner} on ${r.world} (${r.feedback}): GT pass rate ${r.final.gtPassRate.toFixed(3)}`,
  async *run(config, ctx) {
    validateTrainConfig(config);
    yield { type: 'started', unit: 'episodes', total: config.episodes };
    // runTraining reports curve points through a callback; they are yielded as they arrive.
    const queue: ExperimentEvent[] = [];
    let wake: (() => void) | null = null;
    let outcome: { result: TrainResult } | { error: unknown } | null = null;
    const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
    void runTraining(
      config,
      (p, total) => {
        queue.push(
          { type: 'progress', stage: 'episodes', done: p.episodes, total, unit: 'episodes' },
          { type: 'point', chart: 'groundTruth', series: 'gtPassRate', x: p.episodes, y: p.gtPassRate },
          { type: 'point', chart: 'metric', series: 'metric', x: p.episodes, y: finite(p.metric) },
          { type: 'point', chart: 'bitsPerFeedback', series: 'bitsPerFeedback', x: p.episodes, y: finite(p.bitsPerFeedback) },
        );
        wake?.();
      },
      ctx.batch,
    ).then(
      (result) => {
        outcome = { result };
        wake?.();
      },
      (error: unknown) => {
        outcome = { error };
        wake?.();
      },
    );
    for (;;) {
      while (queue.length > 0) yield queue.shift() as ExperimentEvent;
      if (outcome) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
    const done = outcome as { result: TrainResult } | { error: unknown };
    if ('error' in done) throw done.error;
    yield { type: 'finished', results: JSON.parse(JSON.stringify(done.result)) as TrainResult };
  },
});
