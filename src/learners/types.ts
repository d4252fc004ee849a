/**
 * The learner contract. A learner maps a task's features to an action, receives one scalar of
 * feedback per episode through a feedback channel, and learns. It never sees ground-truth check
 * code or probe tasks' verdicts (wall 1): only features, its own actions and feedback values.
 *
 * Learners run inside workers; everything they exchange is plain data (wall 3), and every
 * random draw comes from a seeded `Stream` (wall 2).
 */
import type { z } from 'zod';
import type { PolicySpec } from '../core/policy.ts';
import type { Stream } from '../core/rng.ts';
import type { ActionSpace, ObservationSpace } from '../core/types.ts';
import type { ChannelKind } from '../feedback/channels.ts';

/** What a learner is told about the world it acts in (never the checks, never probe tasks). */
export interface LearnerEnv {
  readonly world: string;
  readonly actionSpace: ActionSpace;
  /** Names of the task features (e.g. `targetX`, `gravity`), in order. */
  readonly featureNames: readonly string[];
  /**
   * The feedback channel answering the learner and the metric behind it, when the runner tells
   * it (a recorded prior: "I know what the feedback means"). Learners that only rank rewards
   * ignore it; bayes-guesser reads its likelihood from it.
   */
  readonly feedback?: FeedbackInfo;
}

/** What a learner may be told about its feedback: the channel's kind and noise, and the metric. */
export interface FeedbackInfo {
  readonly kind: ChannelKind;
  /** Probability a binary or hot/cold label is flipped (0 when the channel has no flip). */
  readonly flip: number;
  /** Std of Gaussian noise on graded feedback (0 when none). */
  readonly jitter: number;
  /** Hot/cold "same" tolerance (metric units; 0 for other channels). */
  readonly tolerance: number;
  readonly metric: { readonly expression: string; readonly direction: 'lower' | 'higher'; readonly threshold: number };
}

/** One episode a learner learns from: the features it saw, what it did, what it was told. */
export interface Experience {
  /** Task features, in `featureNames` order. */
  readonly features: readonly number[];
  readonly action: readonly number[];
  /** The feedback channel's output for this episode (see src/feedback). */
  readonly feedback: number;
  /**
   * Stable id of the task (train tasks repeat across rounds); channels that compare with a
   * previous attempt, such as hot/cold, key on it.
   */
  readonly taskKey: string;
}

/** A learner's saved state: plain typed arrays and JSON, enough to resume or share a run. */
export interface LearnerState {
  readonly family: string;
  /** The validated hyperparameters the learner was built with. */
  readonly config: Record<string, unknown>;
  readonly arrays: Record<string, Float32Array | Float64Array>;
  readonly extra: Record<string, unknown>;
}

/** A learner instance. */
export interface Learner {
  readonly family: string;
  /** One number a sweep can scale (parameters, population size, budget…); see the family's doc. */
  readonly capacity: number;
  /** What knowledge was built in, recorded in every run record ("ballistic equations", …). */
  readonly priors: readonly string[];
  /** Actions for a batch of tasks (features rows); exploration draws come from `rng`. */
  act(features: readonly (readonly number[])[], rng: Stream, mode: 'explore' | 'greedy'): number[][];
  /** Learns from one round of experience. */
  learn(batch: readonly Experience[], rng: Stream): void;
  save(): LearnerState;
  load(state: LearnerState): void;
  /** Frees tensors (tfjs learners); idempotent. */
  dispose(): void;
}

/**
 * What a learner family needs from a world and a run, declared up front so that listings can
 * show which learners fit which world and `train` can refuse a misfit (exit 2) before it starts.
 * src/learners/compat.ts checks a declaration against a world; nothing is discovered by throwing.
 */
export interface LearnerNeeds {
  /** `one-shot`: one action vector per episode from task features; `closed-loop`: a policy over observations, every step. */
  readonly loop: 'one-shot' | 'closed-loop';
  /** Task features read by name: the world must have every name of at least one alternative (absent: none needed). */
  readonly features?: readonly (readonly string[])[];
  /**
   * True when the learner maps features to actions and so generalises across tasks: it needs
   * features that describe the task, and a world whose features identify tasks only by an
   * opaque id (the guessing game's `taskId`) gives it nothing to map from.
   */
  readonly describingFeatures: boolean;
  /** Leading action names, in order, of at least one alternative (absent: any bounded box). */
  readonly actions?: readonly (readonly string[])[];
  /** Exact number of action dimensions (absent: any). */
  readonly actionDims?: number;
  /** Channel kinds whose feedback the learner understands. */
  readonly channels: readonly ChannelKind[];
  /** Metric expressions whose values it can invert (absent: any metric: it only ranks rewards). */
  readonly metrics?: readonly string[];
}

/** A learner family: a zod-validated config and a constructor. */
export interface LearnerFamily<C = Record<string, unknown>> {
  readonly id: string;
  readonly doc: string;
  /** What it needs from a world and a run (see LearnerNeeds). */
  readonly needs: LearnerNeeds;
  /** The hyperparameter schema (defaults, ranges, one-line docs): listings and the CLI read it. */
  readonly configSchema: z.ZodType;
  /** Parses and defaults hyperparameters; unknown keys are rejected. */
  parseConfig(input: unknown): C;
  create(env: LearnerEnv, config: C, seed: number): Learner | Promise<Learner>;
}

// ------------------------------------------------------------------ the closed-loop contract

/** What a closed-loop learner is told: the one-shot env plus the observation space. */
export interface ClosedLoopEnv extends LearnerEnv {
  readonly observationSpace: ObservationSpace;
}

/** True when `env` describes a closed-loop world. */
export function isClosedLoopEnv(env: LearnerEnv): env is ClosedLoopEnv {
  return 'observationSpace' in env && (env as ClosedLoopEnv).observationSpace !== undefined;
}

/**
 * One closed-loop episode a learner learns from: the one-shot Experience (its `action` is
 * empty: the policy is the action) plus the policy played and the recorded steps.
 */
export interface EpisodeExperience extends Experience {
  /** The policy the episode played (with the noiseStd it explored with). */
  readonly policy: PolicySpec;
  readonly steps: number;
  /** Observations before each step, [steps × observations] row-major. */
  readonly observations: Float64Array;
  /** The exploration draws ε of each step, [steps × actions] row-major (zeros without noise). */
  readonly noise: Float64Array;
}

/**
 * A learner for closed-loop worlds: `policy` gives the policy to play as plain data and `learn`
 * takes EpisodeExperiences. The closed-loop runner (src/experiments/train-closed-loop.ts) uses
 * these; the one-shot `act` still answers (with the flat weights), so generic code keeps working.
 */
export interface ClosedLoopLearner extends Learner {
  readonly closedLoop: true;
  /** Episodes the runner should gather per `learn` call. */
  readonly roundSize: number;
  /** The current policy as plain data; `explore` sets the scheduled exploration noiseStd. */
  policy(mode: 'explore' | 'greedy'): PolicySpec;
  learn(batch: readonly EpisodeExperience[], rng: Stream): void;
}

/** True for learners that play policies in closed-loop worlds. */
export function isClosedLoopLearner(learner: Learner): learner is ClosedLoopLearner {
  return (learner as Partial<ClosedLoopLearner>).closedLoop === true;
}
