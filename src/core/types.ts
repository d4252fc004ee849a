/**
 * The world contract: what a world declares and what a simulation returns. Everything that
 * crosses a worker boundary here is plain data (numbers, strings, typed arrays, plain objects).
 */
import type { z } from 'zod';
import type { Stream } from './rng.ts';
import type { CheckSuite } from './checks.ts';

/** Task splits: learners see `train`; the gate checks ground truth on `anchor`; `probe` only reports. */
export const SPLITS = ['train', 'anchor', 'probe'] as const;
/** One of the three task splits. */
export type Split = (typeof SPLITS)[number];

/** A box of continuous actions, declared up front (Gymnasium's `Box`). */
export interface ActionSpace {
  readonly names: readonly string[];
  readonly low: readonly number[];
  readonly high: readonly number[];
  readonly units: readonly string[];
}

/** A named scalar a world computes from a trajectory. Metrics are built from these. */
export interface MeasurementSpec {
  readonly name: string;
  readonly doc: string;
  readonly unit: string;
  /** Which direction an honest optimiser would push it; `none` for descriptive measurements. */
  readonly better: 'lower' | 'higher' | 'none';
  /** Set when the measurement is a gameable proxy on purpose: how it can be gamed. */
  readonly gameable?: string;
}

/** A ground-truth verdict: pass iff margin ≥ 0; the margin says by how much. */
export interface Verdict {
  readonly check: string;
  readonly pass: boolean;
  readonly margin: number;
}

/** A sampled trajectory: equal-length channels sampled every `sampleEvery` steps. */
export interface Trajectory {
  readonly dt: number;
  readonly sampleEvery: number;
  readonly t: Float64Array;
  readonly channels: Record<string, Float64Array>;
}

/** What a world returns for one episode. Plain data, never matter-js objects. */
export interface Consequence {
  readonly episode: number;
  readonly steps: number;
  /** The episode reached its natural end (the body came to rest). */
  readonly terminated: boolean;
  /** The episode hit the time limit first. */
  readonly truncated: boolean;
  readonly measurements: Record<string, number>;
  readonly verdicts: readonly Verdict[];
  /** True when every ground-truth check passed. */
  readonly gtPass: boolean;
  readonly trajectory?: Trajectory;
}

/** A task carries its own world-parameter overrides (probe tasks shift gravity, for example). */
export interface TaskBase {
  readonly split: Split;
  readonly overrides?: Readonly<Record<string, number | string>>;
}

/** What a simulator computes for one episode, before the frozen checks are applied. */
export interface RawOutcome {
  readonly steps: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
  readonly measurements: Record<string, number>;
  /** Quantities only the ground-truth checks see (never part of the consequence). */
  readonly truth?: Record<string, number>;
  readonly trajectory?: Trajectory;
}

/** Options for one simulated episode. */
export interface EpisodeOptions {
  /** Record a sampled trajectory (costs time; off in benchmarks and bulk runs). */
  readonly trajectory: boolean;
}

/** A simulator owns one physics engine for one parameter set and is reused across episodes. */
export interface Simulator<T extends TaskBase> {
  run(task: T, action: readonly number[], rng: Stream, options: EpisodeOptions): RawOutcome;
}

/** A world: one physics scenario. See worlds/TEMPLATE.md for a commented example. */
export interface WorldDef<P extends object = Record<string, unknown>, T extends TaskBase = TaskBase> {
  readonly id: string;
  readonly version: number;
  readonly title: string;
  readonly description: string;
  /** Strict zod object: defaults and ranges for every parameter; unknown keys are rejected. */
  readonly params: z.ZodType<P>;
  /** Task schema: validates tasks that arrive from outside (files, other workers). */
  readonly task: z.ZodType<T>;
  actionSpace(params: P): ActionSpace;
  readonly measurements: readonly MeasurementSpec[];
  /** Frozen ground-truth checks (see src/core/checks.ts). */
  readonly checks: CheckSuite<P, T>;
  /** Names of the features a learner sees for a task (target positions, world parameters). */
  featureNames?(params: P): string[];
  /** A task's features for learners, in `featureNames` order (resolved params include overrides). */
  taskFeatures?(task: T, params: P): number[];
  /** Draws one task of a split; probe tasks include shifted ones. */
  sampleTask(rng: Stream, split: Split, params: P): T;
  /** Builds a simulator for fully resolved parameters (task overrides already applied). */
  createSimulator(params: P): Simulator<T>;
}

/** A world whose parameter and task types are erased: what registries and workers handle. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyWorld = WorldDef<any, any>;
