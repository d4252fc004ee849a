/**
 * One evolve member for one generation, as a job: a pure function of plain data. The job
 * rebuilds the member's learner from its saved state, trains it one generation with the shared
 * round loop (`trainingLoop`, train.ts) under the metric in force through its channel, then
 * evaluates its greedy actions (proxy on train tasks, anchor and probe ground truth) and hands
 * back the new state. Because nothing but the job's input decides its output, the members of a
 * generation can run in parallel on learner workers (workers/learner-api.ts), and a job whose
 * worker died is simply run again: the result is bitwise that of a serial run.
 *
 * Wall 1: the learner sees features, its actions and the channel's feedback; ground truth and the
 * probe suite stay with the runner side of this file (the loop and `evaluate`). Wall 3: the job,
 * its result and the learner state are plain data (typed arrays inside).
 *
 * Stream keys (changed when evolve moved onto `trainingLoop`): exploration
 * `[seed, 'explore', slot, gen, round]`, feedback `[seed, 'member', slot, gen, 'feedback', e]`,
 * learning `[seed, 'member', slot, gen, 'learn', round]`; round r of generation g plays train
 * tasks `(r · roundSize + j) mod trainTasks` (the loop's order), physics episode numbers
 * `(g · population + slot) · episodesPerGeneration + e`.
 */
import { Stream } from '../core/rng.ts';
import { resolveParams, type EpisodeSpec } from '../core/runtime.ts';
import type { AnyWorld, Consequence, TaskBase } from '../core/types.ts';
import { buildAnchorSuite, suiteEpisodes, suiteFeatures, type TaskSuite } from '../anchors/index.ts';
import type { AnchorConsequence } from '../anchors/oracle.ts';
import { buildProbeSuite, runProbe } from '../anchors/probe.ts';
import { createChannel, type FeedbackChannel } from '../feedback/channels.ts';
import { getLearnerFamily } from '../learners/registry.ts';
import { tfBackend } from '../learners/tf.ts';
import type { Experience, Learner, LearnerEnv, LearnerState } from '../learners/types.ts';
import { compile, metricPasses, parseMetric, type CompiledMetric, type MetricSpec } from '../metrics/index.ts';
import type { ChannelChoice, MeasurementRecord } from '../meta/index.ts';
import { getWorld } from '../../worlds/index.ts';
import type { BatchRunner } from './runner.ts';
import { trainingLoop, type SuiteTask } from './train.ts';

/** What a member job reads of the evolve config (a plain slice of it). */
export interface MemberRunConfig {
  readonly world: string;
  readonly params: Record<string, unknown>;
  readonly seed: number;
  readonly learner: string;
  readonly population: number;
  readonly generations: number;
  readonly anchorTasks: number;
  readonly probeTasks: number;
  readonly trainTasks: number;
  readonly evalTasks: number;
  readonly episodesPerGeneration: number;
  readonly roundSize: number;
  readonly recentEpisodes: number;
  /** Held-out tasks of the train distribution (never trained on, never anchors) on which ground truth is measured for gtLoss; 0 or absent = none. */
  readonly heldOutTasks?: number;
}

/** One member's work for one generation (or its start evaluation, `gen` = -1): plain data. */
export interface MemberJob {
  readonly run: MemberRunConfig;
  readonly slot: number;
  /** Generation to train; -1 = evaluate only (the figures before any training). */
  readonly gen: number;
  /** How many learners this slot has held: seeds a fresh learner. */
  readonly version: number;
  /** The family's validated hyperparameters. */
  readonly learnerConfig: Record<string, unknown>;
  /** The learner's state; null = a fresh learner (start of a lineage). */
  readonly state: LearnerState | null;
  readonly channel: ChannelChoice;
  /** The channel's state (hot/cold's previous reward per task). */
  readonly channelState: Readonly<Record<string, number>>;
  /** The metric in force: what the member learns from and the proxy it is scored by. */
  readonly metric: MetricSpec;
  /** Exploring draws per anchor task for the gate's evidence (0 or absent: none; never at gen -1). */
  readonly anchorExploration?: number;
}

/** A member's greedy figures after the job. */
export interface MemberEvaluation {
  /** Metric values on the evaluation tasks (NaN: undefined). */
  readonly values: number[];
  readonly proxy: number;
  /** The anchor consequences (for the gate's oracle; the runner's side only). */
  readonly anchorCs: Consequence[];
  readonly anchorGt: number;
  readonly probeGt: number;
  /** Ground-truth pass rate on the held-out train-distribution tasks (null without them): the experimenter's gtLoss reads it. */
  readonly heldOutGt: number | null;
  /** Greedy anchor actions in action-box units [-1, 1]. */
  readonly boxActions: number[][];
  /**
   * The consequences of its exploring actions on the anchor tasks, one row per draw (the gate's
   * explored rows: see AnchorOracle). Runner's side only, like anchorCs.
   */
  readonly anchorExploreCs: AnchorConsequence[][];
}

/** What a member job hands back: plain data. */
export interface MemberResult {
  readonly slot: number;
  readonly state: LearnerState;
  readonly channelState: Record<string, number>;
  readonly capacity: number;
  /** The given state was refused by the family: the member started over from a fresh learner. */
  readonly restarted: boolean;
  /** Greedy anchor box actions before training, when the lineage started in this job (fresh or restarted). */
  readonly origin: number[][] | null;
  /** Measurements of the latest explore episodes (what the meta-agent sees). */
  readonly recent: MeasurementRecord[];
  /** Generation 0 only: the first explore episodes' measurements (the untrained reference). */
  readonly reference: MeasurementRecord[];
  readonly evaluation: MemberEvaluation;
  /** The tfjs backend the job ran on ('none' without tfjs). */
  readonly backend: string;
}

/** Episode numbers of the evaluation suites live far above training episodes, so their streams never collide. */
export const EVAL_BASE = 2 ** 44;
export const ANCHOR_BASE = 2 ** 45;
export const PROBE_BASE = 2 ** 46;
export const HELD_OUT_BASE = 2 ** 47;
export const ANCHOR_EXPLORE_BASE = 2 ** 48;

/** Seed of the `version`-th learner of a slot. */
export const seedFor = (seed: number, slot: number, version: number): number => new Stream([seed, 'member', slot, version]).int(0, 2 ** 31 - 1);

/** An action in the box [-1, 1]^k of the action space. */
export function toBox(world: AnyWorld, params: Record<string, unknown>, action: readonly number[]): number[] {
  const space = world.actionSpace(params);
  return action.map((a, k) => {
    const lo = space.low[k] as number;
    const hi = space.high[k] as number;
    return (2 * (a - lo)) / (hi - lo) - 1;
  });
}

/** RMS distance between two sets of box actions. */
export function actionDistance(a: readonly number[][], b: readonly number[][]): number {
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

/** A channel from the meta-agent's choice. */
export function makeChannel(choice: ChannelChoice): FeedbackChannel {
  return createChannel(choice.kind === 'scheduled' ? { kind: 'scheduled', schedule: choice.schedule ?? 'linear' } : { kind: choice.kind });
}

function episodesOf(tasks: readonly SuiteTask[], actions: readonly number[][], first: number): EpisodeSpec[] {
  return tasks.map((t, i) => ({ episode: first + i, task: t.task, action: actions[i] as number[] }));
}

/** The suites a run's members play, derived from (config, seed) alone. */
export interface MemberSuites {
  readonly world: AnyWorld;
  readonly params: Record<string, unknown>;
  readonly env: LearnerEnv;
  readonly train: SuiteTask[];
  /** Held-out train-distribution tasks (gtLoss): drawn from their own stream, so never a train or anchor task's draw. */
  readonly heldOut: SuiteTask[];
  readonly anchor: TaskSuite;
  readonly probe: TaskSuite;
  readonly anchorFeatures: number[][];
  readonly probeFeatures: number[][];
}

/** Builds the suites of a run (the runner and every job build the same ones). */
export function memberSuites(run: MemberRunConfig): MemberSuites {
  const world = getWorld(run.world);
  const params = resolveParams(world, run.params);
  const anchor = buildAnchorSuite(world, params, run.seed, run.anchorTasks);
  const probe = buildProbeSuite(world, params, run.seed, run.probeTasks);
  const train: SuiteTask[] = Array.from({ length: run.trainTasks }, (_, i) => {
    const task = world.sampleTask(new Stream([run.seed, 'evolve:train-suite', i]), 'train', params) as TaskBase;
    const resolved = task.overrides ? resolveParams(world, { ...params, ...task.overrides }) : params;
    return { key: `train:${i}`, task, features: world.taskFeatures!(task, resolved) };
  });
  const heldOut: SuiteTask[] = Array.from({ length: run.heldOutTasks ?? 0 }, (_, i) => {
    const task = world.sampleTask(new Stream([run.seed, 'evolve:held-out', i]), 'train', params) as TaskBase;
    const resolved = task.overrides ? resolveParams(world, { ...params, ...task.overrides }) : params;
    return { key: `held-out:${i}`, task, features: world.taskFeatures!(task, resolved) };
  });
  const env: LearnerEnv = { world: world.id, actionSpace: world.actionSpace(params), featureNames: world.featureNames!(params) };
  return { world, params, env, train, heldOut, anchor, probe, anchorFeatures: suiteFeatures(world, params, anchor), probeFeatures: suiteFeatures(world, params, probe) };
}

// A worker serves many jobs of one run: build its suites once.
let cached: { key: string; suites: MemberSuites } | undefined;
function suitesFor(run: MemberRunConfig): MemberSuites {
  const key = JSON.stringify([run.world, run.params, run.seed, run.anchorTasks, run.probeTasks, run.trainTasks, run.heldOutTasks ?? 0]);
  if (cached?.key !== key) cached = { key, suites: memberSuites(run) };
  return cached.suites;
}

/**
 * Runs one member job: rebuild the learner, train one generation through `trainingLoop`
 * (unless `gen` = -1), evaluate, save. Physics goes through `physics` (in process, the pool).
 */
export async function runMemberJob(job: MemberJob, physics: BatchRunner): Promise<MemberResult> {
  const { run, slot, gen } = job;
  const s = suitesFor(run);
  const { world, params } = s;
  const family = getLearnerFamily(run.learner);
  const fresh = (): Promise<Learner> => Promise.resolve(family.create(s.env, job.learnerConfig, seedFor(run.seed, slot, job.version)));
  let learner = await fresh();
  let restarted = false;
  try {
    if (job.state) {
      try {
        learner.load(job.state);
      } catch {
        // The family refused the (inherited) state: this member starts over.
        learner.dispose();
        learner = await fresh();
        restarted = true;
      }
    }
    const simulate = async (items: EpisodeSpec[]): Promise<Consequence[]> =>
      (await physics.runBatch({ world: world.id, params, seed: run.seed, episodes: { kind: 'explicit', items } })).consequences;
    const greedy = (features: readonly (readonly number[])[]): number[][] => learner.act(features, new Stream([run.seed, 'greedy']), 'greedy');
    const origin = job.state === null || restarted ? greedy(s.anchorFeatures).map((a) => toBox(world, params, a)) : null;

    const metric = parseMetric(job.metric, world.measurements);
    const value = compile(metric.ast);
    const channel = makeChannel(job.channel);
    channel.restore(job.channelState);
    const evalSuite = s.train.slice(0, run.evalTasks);
    let evalCs: Consequence[] | null = null;
    const recent: MeasurementRecord[] = [];

    if (gen >= 0) {
      const sense: CompiledMetric = { expression: metric.expression, direction: metric.direction, threshold: metric.threshold, value };
      const epg = run.episodesPerGeneration;
      const totalEpisodes = run.generations * epg;
      await trainingLoop<Experience>(
        {
          cfg: { episodes: epg, evalTasks: run.evalTasks, evalPoints: 1, seed: run.seed },
          sense,
          channel,
          streamKey: [run.seed, 'member', slot, gen],
          // Schedules anneal over the whole run, not over one generation.
          progress: (e) => Math.min(1, (gen * epg + e) / totalEpisodes),
        },
        s.train,
        {
          roundSize: run.roundSize,
          async explore(tasks, firstEpisode, round) {
            const actions = learner.act(tasks.map((t) => t.features), new Stream([run.seed, 'explore', slot, gen, round]), 'explore');
            const first = (gen * run.population + slot) * epg + firstEpisode;
            const consequences = await simulate(tasks.map((t, j) => ({ episode: first + j, task: t.task, action: actions[j] as number[] })));
            for (const c of consequences) recent.push(c.measurements);
            return { consequences, experience: (j, feedback) => ({ features: (tasks[j] as SuiteTask).features, action: actions[j] as number[], feedback, taskKey: (tasks[j] as SuiteTask).key }) };
          },
          // The loop's one curve point per generation is the proxy evaluation.
          async greedy(tasks) {
            evalCs = await simulate(episodesOf(tasks, greedy(tasks.map((t) => t.features)), EVAL_BASE));
            return evalCs;
          },
          learn: (batch, rng) => learner.learn(batch, rng),
        },
      );
    }

    // Evaluate (the runner's side: nothing here reaches the learner).
    evalCs ??= await simulate(episodesOf(evalSuite, greedy(evalSuite.map((t) => t.features)), EVAL_BASE));
    const values = evalCs.map((c) => value(c.measurements));
    const anchorActions = greedy(s.anchorFeatures);
    const anchorCs = await simulate(suiteEpisodes(s.anchor, anchorActions, ANCHOR_BASE));
    const probe = await runProbe(s.probe, greedy(s.probeFeatures), simulate, PROBE_BASE);
    const heldOutCs = s.heldOut.length ? await simulate(episodesOf(s.heldOut, greedy(s.heldOut.map((t) => t.features)), HELD_OUT_BASE)) : null;
    // Saved before exploring the anchors, so acting cannot reach the state (wall 1 holds anyway:
    // nothing of these episodes is fed back to the learner).
    const state = learner.save();
    const anchorExploreCs: AnchorConsequence[][] = [];
    const draws = gen >= 0 ? (job.anchorExploration ?? 0) : 0;
    for (let k = 0; k < draws; k++) {
      const actions = learner.act(s.anchorFeatures, new Stream([run.seed, 'anchor-explore', slot, gen, k]), 'explore');
      const cs = await simulate(suiteEpisodes(s.anchor, actions, ANCHOR_EXPLORE_BASE + k * s.anchor.tasks.length));
      anchorExploreCs.push(cs.map((c) => ({ measurements: c.measurements, verdicts: c.verdicts, gtPass: c.gtPass })));
    }
    const evaluation: MemberEvaluation = {
      values,
      proxy: values.filter((v) => metricPasses(metric, v)).length / values.length,
      anchorCs,
      anchorGt: anchorCs.filter((c) => c.gtPass).length / anchorCs.length,
      probeGt: probe.passRate ?? 0,
      heldOutGt: heldOutCs ? heldOutCs.filter((c) => c.gtPass).length / heldOutCs.length : null,
      boxActions: anchorActions.map((a) => toBox(world, params, a)),
      anchorExploreCs,
    };
    return {
      slot,
      state,
      channelState: channel.snapshot(),
      capacity: learner.capacity,
      restarted,
      origin,
      recent: recent.slice(-run.recentEpisodes),
      reference: gen === 0 ? recent.slice(0, run.recentEpisodes) : [],
      evaluation,
      backend: (await tfBackend())?.backend ?? 'none',
    };
  } finally {
    learner.dispose();
  }
}
