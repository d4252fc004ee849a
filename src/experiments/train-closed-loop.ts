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
import type { EpisodeSpec } from '../core/runtime.ts';
import type { BatchRunner } from '../core/checkWorld.ts';
import type { PolicySpec } from '../core/policy.ts';
import type { AnyClosedLoopWorld, Consequence } from '../core/types.ts';
import type { FeedbackChannel } from '../feedback/channels.ts';
import type { CompiledMetric as ChannelMetric } from '../metrics/index.ts';
import { experienceFromConsequence } from '../learners/closed-loop.ts';
import { createLearner } from '../learners/registry.ts';
import { isClosedLoopLearner, type ClosedLoopEnv, type EpisodeExperience, type FeedbackInfo } from '../learners/types.ts';
import type { Metric } from '../metrics/index.ts';
import { trainingLoop, trainResult, trainSuite, type CurvePoint, type SuiteTask, type TrainLoopConfig, type TrainResult } from './training-loop.ts';

/** What `runTraining` has resolved before handing a closed-loop world over. */
export interface ClosedLoopTrainingSetup {
  readonly cfg: TrainLoopConfig & { readonly learnerConfig: Record<string, unknown> };
  readonly world: AnyClosedLoopWorld;
  readonly params: Record<string, unknown>;
  readonly metric: Metric;
  readonly sense: ChannelMetric;
  readonly channel: FeedbackChannel;
  /** Physics (in process or a pool): the policy crosses as plain data, so any runner plays it. */
  readonly physics: BatchRunner;
  /** What the learner is told about its feedback. */
  readonly feedback: FeedbackInfo;
}

/**
 * Runs one closed-loop training experiment. Rounds hold the learner's `roundSize` episodes (a
 * learner hyperparameter, so `--set roundSize=…` reaches it; the config's `roundSize` is for
 * one-shot learners). Returns the same TrainResult as the one-shot runner.
 */
export async function runClosedLoopTraining(setup: ClosedLoopTrainingSetup, onPoint?: (p: CurvePoint, total: number) => void): Promise<TrainResult> {
  const { cfg, world, params, metric, sense, channel, physics, feedback } = setup;
  const observationSpace = world.observationSpace(params);
  const actionSpace = world.actionSpace(params);
  const env: ClosedLoopEnv = { world: world.id, actionSpace, featureNames: world.featureNames?.(params) ?? [], observationSpace, feedback };
  const learner = await createLearner(cfg.learner, env, cfg.learnerConfig, cfg.seed);
  try {
    if (!isClosedLoopLearner(learner)) {
      // assertLearnerFits has refused one-shot families already: reaching here is a bug.
      throw new Error(`learner '${cfg.learner}' declares closed-loop needs but built no closed-loop learner`);
    }
    const names = { observations: observationSpace.names, actions: actionSpace.names };
    const play = async (tasks: readonly SuiteTask[], policy: PolicySpec, firstEpisode: number, trajectory: boolean): Promise<Consequence[]> => {
      const items: EpisodeSpec[] = tasks.map((t, i) => ({ episode: firstEpisode + i, task: t.task }));
      return (await physics.runBatch({ world: world.id, params, seed: cfg.seed, episodes: { kind: 'explicit', items }, policy, trajectory })).consequences;
    };
    // The same fixed train suite and round loop as the one-shot runner; rounds hold the
    // learner's own roundSize episodes, all playing one policy (the lanes share its forward pass).
    const loop = await trainingLoop<EpisodeExperience>({ cfg, sense, channel }, trainSuite(cfg, world, params), {
      roundSize: learner.roundSize,
      async explore(tasks, firstEpisode) {
        const policy = learner.policy('explore');
        const consequences = await play(tasks, policy, firstEpisode, true);
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
