/**
 * The rollout loop of the issue-11 studies `mirage` and `schedule` (and what `refute` re-runs):
 * one learner trains on a world's fixed train suite, and at chosen training budgets its greedy
 * actions are rolled out on a held-out evaluation suite of the train distribution. The caller
 * gets those rollouts (consequences) whole, so it can score the *same* rollouts several ways
 * (all-or-nothing, per-target, continuous error) — the point of the mirage study.
 *
 * Unlike `trainingLoop` (evenly spaced curve points on a slice of the train suite), budgets are
 * any increasing list (the mirage sweep is log-spaced) and the evaluation tasks are never trained
 * on. The feedback is a function the study passes in (a channel, or `schedule`'s same-scale mix),
 * so ground truth stays with the runner: the learner sees features, its actions and feedback.
 * Results depend on (config, seed) only; physics goes through the injected BatchRunner.
 */
import { Stream } from '../core/rng.ts';
import type { EpisodeSpec } from '../core/runtime.ts';
import type { BatchRunner } from '../core/checkWorld.ts';
import type { AnyWorld, Consequence, TaskBase } from '../core/types.ts';
import type { FeedbackChannel } from '../feedback/channels.ts';
import type { MetricSense } from '../metrics/index.ts';
import { createLearner } from '../learners/registry.ts';
import type { Experience, FeedbackInfo, LearnerEnv } from '../learners/types.ts';
import { EVAL_EPISODE_BASE, trainSuite, type SuiteTask } from './training-loop.ts';

/** Feedback for one explored episode: `value` is the metric, `progress` the share of the budget done. */
export type FeedbackFn = (value: number, ctx: { readonly taskKey: string; readonly progress: number; readonly rng: Stream; readonly episode: number }) => number;

/** What one study run needs. */
export interface StudyRunSpec {
  readonly world: AnyWorld;
  readonly params: Record<string, unknown>;
  readonly learner: string;
  readonly learnerConfig: Record<string, unknown>;
  readonly seed: number;
  /** Training episodes in all (the last budget is at most this). */
  readonly episodes: number;
  readonly roundSize: number;
  readonly trainTasks: number;
  readonly evalTasks: number;
  /** Budgets (episodes trained) at which the greedy learner is rolled out on the evaluation suite; increasing. */
  readonly evalAt: readonly number[];
  /** The metric the feedback is about (compiled), evaluated on each explored consequence. */
  readonly metric: (measurements: Readonly<Record<string, number>>) => number;
  readonly feedback: FeedbackFn;
  /** What the learner is told about its feedback. */
  readonly feedbackInfo: FeedbackInfo;
  readonly batch: BatchRunner;
  readonly signal?: AbortSignal;
  /** Also roll out on this many probe tasks (the world's shifted split) at every budget; experimenter only. */
  readonly probeTasks?: number;
}

/** The training fields a study's config shares with `StudyRunSpec` (mirage, schedule and refute's re-run). */
export type StudyTrainingFields = Pick<StudyRunSpec, 'learner' | 'learnerConfig' | 'episodes' | 'roundSize' | 'trainTasks' | 'evalTasks'>;

/** The training fields of a study config, copied once so every study passes the same six to `runStudy`. */
export function studyConfigOf(config: StudyTrainingFields): StudyTrainingFields {
  return { learner: config.learner, learnerConfig: config.learnerConfig, episodes: config.episodes, roundSize: config.roundSize, trainTasks: config.trainTasks, evalTasks: config.evalTasks };
}

/** A shipped channel as a study's feedback function (the context fields the channel reads). */
export function channelFeedback(channel: FeedbackChannel, sense: MetricSense): FeedbackFn {
  return (v, c) => channel.feedback(v, sense, { taskKey: c.taskKey, progress: c.progress, rng: c.rng });
}

/**
 * Held-out evaluation tasks of the train distribution (never in the train suite: own stream key),
 * or of the probe split (shifted tasks). Task i depends on (seed, i) only, so a larger suite
 * extends a smaller one.
 */
export function evalSuite(world: AnyWorld, params: Record<string, unknown>, seed: number, n: number, split: 'train' | 'probe' = 'train'): SuiteTask[] {
  return Array.from({ length: n }, (_, i) => {
    const task = world.sampleTask(new Stream([seed, split === 'train' ? 'study-eval' : 'study-probe', i]), split, params) as TaskBase;
    return { key: `${split === 'train' ? 'eval' : 'probe'}:${i}`, task, features: world.taskFeatures?.(task, params) ?? [] };
  });
}

/**
 * Trains one learner and calls `onEval(budgetIndex, consequences)` at each budget with the greedy
 * rollouts on the evaluation suite. Returns false when aborted before the end.
 */
export async function runStudy(
  spec: StudyRunSpec,
  onEval: (index: number, consequences: readonly Consequence[], probe: readonly Consequence[]) => void | Promise<void>,
): Promise<boolean> {
  const { world, params, seed } = spec;
  if (!world.taskFeatures || !world.featureNames) throw new Error(`world '${world.id}' gives learners no task features`);
  for (let i = 1; i < spec.evalAt.length; i++) if (!((spec.evalAt[i] as number) > (spec.evalAt[i - 1] as number))) throw new RangeError('evalAt must be increasing');
  const env: LearnerEnv = { world: world.id, actionSpace: world.actionSpace(params), featureNames: world.featureNames(params), feedback: spec.feedbackInfo };
  const learner = await createLearner(spec.learner, env, spec.learnerConfig, seed);
  const suite = trainSuite({ trainTasks: spec.trainTasks, seed }, world, params);
  const evals = evalSuite(world, params, seed, spec.evalTasks);
  const probes = spec.probeTasks ? evalSuite(world, params, seed, spec.probeTasks, 'probe') : [];
  const simulate = async (tasks: readonly SuiteTask[], actions: readonly number[][], firstEpisode: number): Promise<Consequence[]> => {
    const items: EpisodeSpec[] = tasks.map((t, i) => ({ episode: firstEpisode + i, task: t.task, action: actions[i] as number[] }));
    return (await spec.batch.runBatch({ world: world.id, params, seed, episodes: { kind: 'explicit', items } })).consequences;
  };
  let evalIndex = 0;
  const evaluate = async (): Promise<void> => {
    const actions = learner.act(
      evals.map((t) => t.features),
      new Stream([seed, 'greedy', evalIndex]),
      'greedy',
    );
    const onTrain = await simulate(evals, actions, EVAL_EPISODE_BASE + evalIndex * evals.length);
    let onProbe: Consequence[] = [];
    if (probes.length) {
      const probeActions = learner.act(
        probes.map((t) => t.features),
        new Stream([seed, 'greedy-probe', evalIndex]),
        'greedy',
      );
      // Probe episodes live above every evaluation episode: their streams never collide.
      onProbe = await simulate(probes, probeActions, 2 * EVAL_EPISODE_BASE + evalIndex * probes.length);
    }
    await onEval(evalIndex, onTrain, onProbe);
    evalIndex++;
  };
  try {
    // A budget of 0 is the untrained learner.
    while (evalIndex < spec.evalAt.length && (spec.evalAt[evalIndex] as number) <= 0) await evaluate();
    for (let e = 0, round = 0; e < spec.episodes && evalIndex < spec.evalAt.length; round++) {
      if (spec.signal?.aborted) return false;
      // Rounds end exactly at budgets, so a budget's learner has seen exactly that many episodes.
      const nextBudget = spec.evalAt[evalIndex] as number;
      const b = Math.min(spec.roundSize, spec.episodes - e, nextBudget - e);
      const tasks = Array.from({ length: b }, (_, j) => suite[(e + j) % suite.length] as SuiteTask);
      const actions = learner.act(
        tasks.map((t) => t.features),
        new Stream([seed, 'explore', round]),
        'explore',
      );
      const consequences = await simulate(tasks, actions, e);
      const experience: Experience[] = [];
      consequences.forEach((c, j) => {
        const v = spec.metric(c.measurements);
        if (Number.isNaN(v)) return; // undefined metric: no feedback, as in train
        const t = tasks[j] as SuiteTask;
        const feedback = spec.feedback(v, { taskKey: t.key, progress: Math.min(1, (e + j) / spec.episodes), rng: new Stream([seed, 'feedback', e + j]), episode: e + j });
        experience.push({ features: t.features, action: actions[j] as number[], feedback, taskKey: t.key });
      });
      if (experience.length) await learner.learn(experience, new Stream([seed, 'learn', round]));
      e += b;
      while (evalIndex < spec.evalAt.length && (spec.evalAt[evalIndex] as number) <= e) await evaluate();
    }
    return evalIndex >= spec.evalAt.length;
  } finally {
    learner.dispose();
  }
}

/** `n` budgets from `lo` to `hi`, evenly spaced in log (rounded to whole episodes, strictly increasing). */
export function logBudgets(lo: number, hi: number, n: number): number[] {
  if (n < 2) return [hi];
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const b = Math.round(lo * Math.pow(hi / lo, i / (n - 1)));
    out.push(Math.max(b, (out[out.length - 1] ?? 0) + 1));
  }
  return out;
}
