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
import { InputError, WorldRuntime, type EpisodeSpec } from '../core/runtime.ts';
import type { PolicySpec } from '../core/policy.ts';
import { isClosedLoop, type AnyClosedLoopWorld, type AnyWorld, type Consequence } from '../core/types.ts';
import type { FeedbackChannel } from '../feedback/channels.ts';
import type { CompiledMetric as ChannelMetric } from '../metrics/index.ts';
import { experienceFromConsequence, isClosedLoopFamily, isClosedLoopLearner, type ClosedLoopEnv, type EpisodeExperience } from '../learners/policy-gradient.ts';
import { createLearner, getLearnerFamily, LEARNER_IDS } from '../learners/registry.ts';
import type { Metric } from '../metrics/index.ts';
import { trainingLoop, trainResult, trainSuite, type CurvePoint, type SuiteTask, type TrainConfig, type TrainResult } from './train.ts';

/** What `runTraining` has resolved before handing a closed-loop world over. */
export interface ClosedLoopTrainingSetup {
  readonly cfg: TrainConfig;
  readonly world: AnyClosedLoopWorld;
  readonly params: Record<string, unknown>;
  readonly metric: Metric;
  readonly sense: ChannelMetric;
  readonly channel: FeedbackChannel;
}

/**
 * Runs one closed-loop training experiment. Rounds hold the learner's `roundSize` episodes (a
 * learner hyperparameter, so `--set roundSize=…` reaches it; the config's `roundSize` is for
 * one-shot learners). Returns the same TrainResult as the one-shot runner.
 */
export async function runClosedLoopTraining(setup: ClosedLoopTrainingSetup, onPoint?: (p: CurvePoint, total: number) => void): Promise<TrainResult> {
  const { cfg, world, params, metric, sense, channel } = setup;
  const observationSpace = world.observationSpace(params);
  const actionSpace = world.actionSpace(params);
  const env: ClosedLoopEnv = { world: world.id, actionSpace, featureNames: world.featureNames?.(params) ?? [], observationSpace };
  const learner = await createLearner(cfg.learner, env, cfg.learnerConfig, cfg.seed);
  try {
    if (!isClosedLoopLearner(learner)) {
      throw new InputError('learner', cfg.learner, `a closed-loop learner for world '${world.id}' (it plays a policy every step): policy-gradient`);
    }
    const names = { observations: observationSpace.names, actions: actionSpace.names };
    const runtime = new WorldRuntime(world);
    const play = (tasks: readonly SuiteTask[], policy: PolicySpec, firstEpisode: number, trajectory: boolean): Consequence[] => {
      const items: EpisodeSpec[] = tasks.map((t, i) => ({ episode: firstEpisode + i, task: t.task }));
      return runtime.runBatch({ world: world.id, params, seed: cfg.seed, episodes: { kind: 'explicit', items }, policy, trajectory }).consequences;
    };
    // The same fixed train suite and round loop as the one-shot runner; rounds hold the
    // learner's own roundSize episodes, all playing one policy (the lanes share its forward pass).
    const loop = trainingLoop<EpisodeExperience>({ cfg, sense, channel }, trainSuite(cfg, world, params), {
      roundSize: learner.roundSize,
      explore(tasks, firstEpisode) {
        const policy = learner.policy('explore');
        const consequences = play(tasks, policy, firstEpisode, true);
        const experience = (j: number, feedback: number): EpisodeExperience => {
          const t = tasks[j] as SuiteTask;
          return experienceFromConsequence(consequences[j] as Consequence, policy, names, { features: t.features, feedback, taskKey: t.key });
        };
        return { consequences, experience };
      },
      greedy: (tasks, firstEpisode) => play(tasks, learner.policy('greedy'), firstEpisode, false),
      learn: (batch, rng) => learner.learn(batch, rng),
    }, onPoint);
    return await trainResult({ cfg, world, metric, channel }, learner, loop);
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
