/**
 * The round loop both training runners share (train.ts for one-shot worlds, train-closed-loop.ts
 * for closed-loop ones; evolve's members too): the fixed train suite, play–feedback–learn rounds
 * with ground truth measured at each curve point, and the run's result. Its own module so that
 * neither runner imports the other's file for it (no import cycle); train.ts re-exports it.
 */
import { Stream } from '../core/rng.ts';
import type { AnyWorld, Consequence, TaskBase } from '../core/types.ts';
import type { FeedbackChannel } from '../feedback/channels.ts';
import { measureInformation, type FeedbackEvent } from '../feedback/information.ts';
import { tfBackend } from '../learners/tf.ts';
import type { Learner } from '../learners/types.ts';
import type { CompiledMetric as ChannelMetric, Metric } from '../metrics/index.ts';

/** What the loop pieces read of a run's configuration (a parsed TrainConfig has all of it). */
export interface TrainLoopConfig {
  readonly learner: string;
  readonly seed: number;
  readonly episodes: number;
  readonly trainTasks: number;
  readonly evalTasks: number;
  readonly evalPoints: number;
}

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

/** One task of the fixed train suite, with its key and the features learners see. */
export interface SuiteTask {
  readonly key: string;
  readonly task: TaskBase;
  readonly features: number[];
}

/** Episode indices of evaluation runs live far above training episodes, so their streams never collide. */
export const EVAL_EPISODE_BASE = 2 ** 40;

/** The fixed train suite of a run: tasks repeat across rounds (per-task learners key on them). */
export function trainSuite(cfg: Pick<TrainLoopConfig, 'trainTasks' | 'seed'>, world: AnyWorld, params: Record<string, unknown>): SuiteTask[] {
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
  explore(tasks: readonly SuiteTask[], firstEpisode: number, round: number): Explored<X> | Promise<Explored<X>>;
  /** Plays the greedy learner on the evaluation tasks (the `evalIndex`-th evaluation). */
  greedy(tasks: readonly SuiteTask[], firstEpisode: number, evalIndex: number): Consequence[] | Promise<Consequence[]>;
  learn(batch: X[], rng: Stream): void | Promise<void>;
}

/** One explored round: its consequences and how to turn episode j's feedback into experience. */
export interface Explored<X> {
  readonly consequences: Consequence[];
  readonly experience: (j: number, feedback: number) => X;
}

/** What the round loop reads of a run's config (train's whole config, or evolve's per-member slice). */
export type LoopConfig = Pick<TrainLoopConfig, 'episodes' | 'evalTasks' | 'evalPoints' | 'seed'>;

/** The loop's context: config, the metric as the channel senses it, and the channel. */
export interface LoopContext {
  readonly cfg: LoopConfig;
  readonly sense: ChannelMetric;
  readonly channel: FeedbackChannel;
  /**
   * Prefix of the loop's stream keys (feedback noise, learning draws). Default `[cfg.seed]`;
   * evolve gives each member and generation its own, e.g. `[seed, 'member', slot, gen]`.
   */
  readonly streamKey?: readonly (number | string)[];
  /** Training progress of loop episode e, for scheduled channels. Default e / cfg.episodes. */
  readonly progress?: (episode: number) => number;
  /**
   * Sees every feedback event with the ground-truth margin it was about (the experimenter's
   * log, e.g. the `feedback` study's bits per feedback); never reaches the learner (wall 1).
   */
  readonly onFeedback?: (event: LoggedFeedback) => void;
}

/** One feedback event as the experimenter logs it: what the learner was told and the margin it was about. */
export interface LoggedFeedback {
  readonly episode: number;
  readonly taskKey: string;
  readonly feedback: number;
  /** The metric value the channel turned into feedback. */
  readonly value: number;
  /** The episode's first ground-truth margin (0 when the world has no check). */
  readonly margin: number;
}

/**
 * The round loop both runners share: play a round, turn each metric value into feedback through
 * the channel, learn, and at each curve point measure greedy ground truth on the evaluation
 * tasks. Ground truth and the bits-per-feedback log stay here, never with the learner.
 */
export async function trainingLoop<X>(
  ctx: LoopContext,
  suite: readonly SuiteTask[],
  hooks: RoundHooks<X>,
  onPoint?: (p: CurvePoint, total: number) => void,
): Promise<{ curve: CurvePoint[]; undefinedMetric: number }> {
  const { cfg, sense, channel } = ctx;
  const key = ctx.streamKey ?? [cfg.seed];
  const progress = ctx.progress ?? ((episode: number) => Math.min(1, episode / cfg.episodes));
  const value = sense.value;
  const evalSuite = suite.slice(0, Math.min(cfg.evalTasks, suite.length));
  const curve: CurvePoint[] = [];
  let events: FeedbackEvent[] = [];
  let undefinedMetric = 0;
  let evalCount = 0;
  const evaluate = async (episodes: number): Promise<CurvePoint> => {
    const cs = await hooks.greedy(evalSuite, EVAL_EPISODE_BASE + evalCount * evalSuite.length, evalCount);
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
    const { consequences, experience } = await hooks.explore(tasks, e, round);
    const batch: X[] = [];
    consequences.forEach((c, j) => {
      const t = tasks[j] as SuiteTask;
      const v = value(c.measurements);
      if (Number.isNaN(v)) {
        undefinedMetric++;
        return;
      }
      const feedback = channel.feedback(v, sense, { taskKey: t.key, progress: progress(e + j), rng: new Stream([...key, 'feedback', e + j]) });
      batch.push(experience(j, feedback));
      // The runner, not the learner, pairs feedback with the ground-truth margin it was about.
      events.push({ feedback, target: c.verdicts[0]?.margin ?? 0 });
      ctx.onFeedback?.({ episode: e + j, taskKey: t.key, feedback, value: v, margin: c.verdicts[0]?.margin ?? 0 });
    });
    if (batch.length) await hooks.learn(batch, new Stream([...key, 'learn', round]));
    e += b;
    if (e >= nextEval || e >= cfg.episodes) {
      const p = await evaluate(e);
      curve.push(p);
      onPoint?.(p, cfg.episodes);
      nextEval += evalEvery;
    }
  }
  return { curve, undefinedMetric };
}

/** Assembles a run's result once the loop is done. */
export async function trainResult(
  ctx: { cfg: Pick<TrainLoopConfig, 'learner' | 'seed'>; world: AnyWorld; metric: Metric; channel: FeedbackChannel },
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
