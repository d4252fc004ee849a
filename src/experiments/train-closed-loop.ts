/**
 * The training experiment for closed-loop worlds (balance, …): `runTraining` hands over here
 * when the world is closed-loop. Each round the learner gives one policy as plain data
 * (`policy('explore')`); the runtime plays it on a round of train tasks in lockstep (one batched
 * forward pass per control step serves every lane), recording observations and exploration
 * draws; the feedback channel scores each episode; the learner learns from the recorded steps.
 * The curve is the greedy policy's ground-truth pass rate and metric on the evaluation tasks.
 *
 * Same walls as the one-shot runner: ground truth stays here (wall 1), the learner sees
 * observations, its own noise draws and feedback; streams come from (config, seed) (wall 2);
 * the policy crosses into the physics as plain data (wall 3).
 */
import { Stream } from '../core/rng.ts';
import { InputError, WorldRuntime, type EpisodeSpec } from '../core/runtime.ts';
import type { PolicySpec } from '../core/policy.ts';
import { isClosedLoop, type AnyClosedLoopWorld, type AnyWorld, type Consequence, type TaskBase } from '../core/types.ts';
import type { FeedbackChannel } from '../feedback/channels.ts';
import { measureInformation, type FeedbackEvent } from '../feedback/information.ts';
import type { Metric as ChannelMetric } from '../feedback/metric.ts';
import { experienceFromConsequence, isClosedLoopFamily, isClosedLoopLearner, type ClosedLoopEnv, type EpisodeExperience } from '../learners/policy-gradient.ts';
import { createLearner, getLearnerFamily, LEARNER_IDS } from '../learners/registry.ts';
import { tfBackend } from '../learners/tf.ts';
import type { Metric } from '../metrics/index.ts';
import type { CurvePoint, TrainConfig, TrainResult } from './train.ts';

/** What `runTraining` has resolved before handing a closed-loop world over. */
export interface ClosedLoopTrainingSetup {
  readonly cfg: TrainConfig;
  readonly world: AnyClosedLoopWorld;
  readonly params: Record<string, unknown>;
  readonly metric: Metric;
  readonly sense: ChannelMetric;
  readonly channel: FeedbackChannel;
}

interface SuiteTask {
  readonly key: string;
  readonly task: TaskBase;
  readonly features: number[];
}

/** Evaluation episodes live far above training episodes, so their streams never collide. */
const EVAL_EPISODE_BASE = 2 ** 40;

/**
 * Runs one closed-loop training experiment. Rounds hold the learner's `roundSize` episodes (a
 * learner hyperparameter, so `--set roundSize=…` reaches it; the config's `roundSize` is for
 * one-shot learners). Returns the same TrainResult as the one-shot runner.
 */
export async function runClosedLoopTraining(setup: ClosedLoopTrainingSetup, onPoint?: (p: CurvePoint, total: number) => void): Promise<TrainResult> {
  const { cfg, world, params, metric, sense, channel } = setup;
  const value = sense.value;
  const observationSpace = world.observationSpace(params);
  const actionSpace = world.actionSpace(params);
  const env: ClosedLoopEnv = { world: world.id, actionSpace, featureNames: world.featureNames?.(params) ?? [], observationSpace };
  const learner = await createLearner(cfg.learner, env, cfg.learnerConfig, cfg.seed);
  try {
    if (!isClosedLoopLearner(learner)) {
      throw new InputError('learner', cfg.learner, `a closed-loop learner for world '${world.id}' (it plays a policy every step): policy-gradient`);
    }
    const names = { observations: observationSpace.names, actions: actionSpace.names };
    // The same fixed train suite as the one-shot runner: tasks repeat across rounds.
    const suite: SuiteTask[] = Array.from({ length: cfg.trainTasks }, (_, i) => {
      const task = world.sampleTask(new Stream([cfg.seed, 'train-suite', i]), 'train', params) as TaskBase;
      return { key: `train:${i}`, task, features: world.taskFeatures?.(task, params) ?? [] };
    });
    const evalSuite = suite.slice(0, Math.min(cfg.evalTasks, suite.length));
    const runtime = new WorldRuntime(world);
    const play = (tasks: readonly SuiteTask[], policy: PolicySpec, firstEpisode: number, trajectory: boolean): Consequence[] => {
      const items: EpisodeSpec[] = tasks.map((t, i) => ({ episode: firstEpisode + i, task: t.task }));
      return runtime.runBatch({ world: world.id, params, seed: cfg.seed, episodes: { kind: 'explicit', items }, policy, trajectory }).consequences;
    };

    const curve: CurvePoint[] = [];
    let events: FeedbackEvent[] = [];
    let undefinedMetric = 0;
    let evalCount = 0;
    const evaluate = (episodes: number): CurvePoint => {
      const cs = play(evalSuite, learner.policy('greedy'), EVAL_EPISODE_BASE + evalCount * evalSuite.length, false);
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
      const b = Math.min(learner.roundSize, cfg.episodes - e);
      const tasks = Array.from({ length: b }, (_, j) => suite[(e + j) % suite.length] as SuiteTask);
      // One policy for the whole round: the runtime's lanes share its forward pass.
      const policy = learner.policy('explore');
      const cs = play(tasks, policy, e, true);
      const batch: EpisodeExperience[] = [];
      cs.forEach((c, j) => {
        const t = tasks[j] as SuiteTask;
        const v = value(c.measurements);
        if (Number.isNaN(v)) {
          undefinedMetric++;
          return;
        }
        const feedback = channel.feedback(v, sense, { taskKey: t.key, progress: Math.min(1, (e + j) / cfg.episodes), rng: new Stream([cfg.seed, 'feedback', e + j]) });
        batch.push(experienceFromConsequence(c, policy, names, { features: t.features, feedback, taskKey: t.key }));
        events.push({ feedback, target: c.verdicts[0]?.margin ?? 0 });
      });
      if (batch.length) learner.learn(batch, new Stream([cfg.seed, 'learn', round]));
      e += b;
      if (e >= nextEval || e >= cfg.episodes) {
        const p = evaluate(e);
        curve.push(p);
        onPoint?.(p, cfg.episodes);
        nextEval += evalEvery;
      }
    }
    const last = curve[curve.length - 1] as CurvePoint;
    return {
      world: world.id,
      learner: cfg.learner,
      feedback: channel.kind,
      seed: cfg.seed,
      metric: { expression: metric.expression, direction: metric.direction, threshold: metric.threshold },
      capacity: learner.capacity,
      priors: learner.priors,
      curve,
      final: { gtPassRate: last.gtPassRate, metric: last.metric },
      undefinedMetricEpisodes: undefinedMetric,
      backend: (await tfBackend())?.backend ?? 'none',
    };
  } finally {
    learner.dispose();
  }
}

/**
 * Throws an InputError unless the learner family fits the world's kind: closed-loop worlds need
 * a learner that plays a policy every step, and such learners have nothing to play elsewhere.
 */
export function assertLearnerFitsWorld(world: AnyWorld, learnerId: string): void {
  const wantsClosedLoop = isClosedLoop(world);
  if (isClosedLoopFamily(getLearnerFamily(learnerId)) === wantsClosedLoop) return;
  const fitting = LEARNER_IDS.filter((id) => isClosedLoopFamily(getLearnerFamily(id)) === wantsClosedLoop);
  const kind = wantsClosedLoop ? 'closed-loop' : 'one-shot';
  throw new InputError('learner', learnerId, `a ${kind} learner for ${kind} world '${world.id}': one of ${fitting.map((i) => JSON.stringify(i)).join(', ')}`);
}
