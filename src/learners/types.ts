/**
 * The learner contract. A learner maps a task's features to an action, receives one scalar of
 * feedback per episode through a feedback channel, and learns. It never sees ground-truth check
 * code or probe tasks' verdicts (wall 1): only features, its own actions and feedback values.
 *
 * Learners run inside workers; everything they exchange is plain data (wall 3), and every
 * random draw comes from a seeded `Stream` (wall 2).
 */
import type { z } from 'zod';
import type { Stream } from '../core/rng.ts';
import type { ActionSpace } from '../core/types.ts';

/** What a learner is told about the world it acts in (never the checks, never probe tasks). */
export interface LearnerEnv {
  readonly world: string;
  readonly actionSpace: ActionSpace;
  /** Names of the task features (e.g. `targetX`, `gravity`), in order. */
  readonly featureNames: readonly string[];
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

/** A learner family: a zod-validated config and a constructor. */
export interface LearnerFamily<C = Record<string, unknown>> {
  readonly id: string;
  readonly doc: string;
  /** The hyperparameter schema (defaults, ranges, one-line docs): listings and the CLI read it. */
  readonly configSchema: z.ZodType;
  /** Parses and defaults hyperparameters; unknown keys are rejected. */
  parseConfig(input: unknown): C;
  create(env: LearnerEnv, config: C, seed: number): Learner | Promise<Learner>;
}
