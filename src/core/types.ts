/**
 * The world contract: what a world declares and what a simulation returns. Everything that
 * crosses a worker boundary here is plain data (numbers, strings, typed arrays, plain objects).
 */
import type { z } from 'zod';
import type { Box } from './box.ts';
import type { Stream } from './rng.ts';
import type { WorldView } from './view.ts';

/** Task splits: learners see `train`; the gate checks ground truth on `anchor`; `probe` only reports. */
export const SPLITS = ['train', 'anchor', 'probe'] as const;
/** One of the three task splits. */
export type Split = (typeof SPLITS)[number];

/** A box of continuous actions, declared up front (Gymnasium's `Box`; operations in box.ts). */
export type ActionSpace = Box;

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

/**
 * A metric as plain data, as a world declares it (its default metric): an expression in the
 * metric language over the world's measurements, its direction and its pass threshold.
 * src/metrics parses and checks it; the core only carries it.
 */
export interface DeclaredMetric {
  expression: string;
  direction: 'lower' | 'higher';
  threshold: number;
}

/** A designer metric: a declared metric with its documented blind spot. */
export interface DesignerMetric extends DeclaredMetric {
  /** What it cannot see: how a consequence can pass it and fail the ground-truth checks. */
  blindSpot: string;
}

/** A ground-truth verdict: pass iff margin ≥ 0; the margin says by how much. */
export interface Verdict {
  readonly check: string;
  readonly pass: boolean;
  readonly margin: number;
}

/**
 * Inputs a ground-truth check (src/core/checks.ts) may look at: the episode's measurements, its hidden truth (quantities only
 * checks see, such as per-target rest errors), the resolved params and the task.
 */
export interface CheckInput<P, T, M extends string = string, H extends string = string> {
  /** The episode's measurements, by name (a world made by `defineWorld` types them from its list). */
  readonly measurements: Readonly<Record<M, number>>;
  /** Quantities only checks see, by name (typed from `truth` in `defineWorld`). */
  readonly truth: Readonly<Record<H, number>>;
  readonly params: P;
  readonly task: T;
}

/** One ground-truth check: a named predicate with a margin (pass iff margin ≥ 0). */
export interface GroundTruthCheck<P = unknown, T = unknown, M extends string = string, H extends string = string> {
  readonly name: string;
  readonly doc: string;
  /** Signed distance to failing, in the check's own unit: positive passes, negative fails. */
  readonly margin: (input: CheckInput<P, T, M, H>) => number;
  /** Whether the check applies under these params (e.g. per-target checks beyond k do not). */
  readonly applies?: (params: P) => boolean;
}

/** A world's frozen checks with their content hash. */
export interface CheckSuite<P = unknown, T = unknown, M extends string = string, H extends string = string> {
  readonly checks: readonly GroundTruthCheck<P, T, M, H>[];
  /** sha-256 over each check's name, doc and predicate source, in order. */
  readonly hash: string;
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
  /** The episode reached its natural end (the body came to rest, the pole fell). */
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
export interface RawOutcome<M extends string = string, H extends string = string> {
  readonly steps: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
  /** Every declared measurement (a world made by `defineWorld` must give each one). */
  readonly measurements: Record<M, number>;
  /** Quantities only the ground-truth checks see (never part of the consequence). */
  readonly truth?: Record<H, number>;
  readonly trajectory?: Trajectory;
}

/** Options for one simulated episode. */
export interface EpisodeOptions {
  /** Record a sampled trajectory (costs time; off in benchmarks and bulk runs). */
  readonly trajectory: boolean;
}

/** A simulator owns one physics engine for one parameter set and is reused across episodes. */
export interface Simulator<T extends TaskBase, M extends string = string, H extends string = string> {
  run(task: T, action: readonly number[], rng: Stream, options: EpisodeOptions): RawOutcome<M, H>;
}

/**
 * What a closed-loop policy observes every step, declared up front (Gymnasium's observation
 * space). `low`/`high` are the typical range, not hard bounds: observations may leave it (a
 * falling pole does). The runtime uses the range to scale the random policy of `random` mode.
 */
export type ObservationSpace = Box;

/**
 * One closed-loop episode slot: one physics engine, reused across episodes by snapshot restore.
 * The runtime keeps one per concurrent episode and steps them in lockstep, so one batched policy
 * call serves them all. Observation and action vectors are views into the runtime's buffers.
 */
export interface ClosedLoopSimulator<T extends TaskBase, M extends string = string, H extends string = string> {
  /** Starts an episode (restores the engine, applies the task) and writes the first observation. */
  reset(task: T, rng: Stream, observation: Float64Array): void;
  /**
   * Applies one action (already inside the action box) for one control step, writes the next
   * observation and returns true when the episode has ended (terminated or truncated).
   */
  step(action: Float64Array, observation: Float64Array): boolean;
  /** The episode's outcome once `step` returned true (the runtime adds the trajectory). */
  outcome(): Omit<RawOutcome<M, H>, 'trajectory'>;
}

/** Kinetic and gravitational potential energy of a scene, in one consistent unit. */
export interface EnergyReading {
  readonly kinetic: number;
  readonly potential: number;
}

/**
 * A world's physics left to itself, for the checker's energy sanity check: the scene starts in a
 * representative moving state (a throw in flight, a pole released from a tilt) and `step`
 * advances it by one fixed step with no action at all.
 */
export interface PassiveScene {
  step(): void;
  energy(): EnergyReading;
}

/** What every world declares, one-shot or closed-loop. */
export interface WorldBase<P extends object, T extends TaskBase> {
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
  /**
   * The metric learners optimise unless told otherwise: an expression over measurements, its
   * direction and its pass threshold (e.g. projectile: `restError`, lower, zone half-width).
   */
  defaultMetric?(params: P): DeclaredMetric;
  /**
   * The designer metric: the fixed, hand-written metric a reasonable designer would ship —
   * plausible, cheap, dense, and incomplete in the way `blindSpot` documents (projectile with a
   * ball: `landingError`, blind to rolling). Evolve starts from it and α = 1 locks to it.
   */
  designerMetric?(params: P): DesignerMetric;
  /** Draws one task of a split; probe tasks include shifted ones. */
  sampleTask(rng: Stream, split: Split, params: P): T;
  /**
   * The scene left to itself for the checker's energy check (see PassiveScene); `rng` picks the
   * starting state. Every physics world should have one.
   */
  passive?(params: P, rng: Stream): PassiveScene;
  /** Set to false by worlds without a physics scene (the guessing game): no energy check. */
  readonly physics?: boolean;
  /**
   * What to draw for a task, as plain data (src/core/view.ts): static geometry and the bodies
   * the trajectory channels move. The app's one renderer draws every world from it.
   */
  view?(params: P, task: T): WorldView;
}

/** A one-shot world: one action vector per episode. See worlds/TEMPLATE.md for a commented example. */
export interface WorldDef<P extends object = Record<string, unknown>, T extends TaskBase = TaskBase> extends WorldBase<P, T> {
  /** One-shot is the default; the field may be left out. */
  readonly kind?: 'one-shot';
  /** Builds a simulator for fully resolved parameters (task overrides already applied). */
  createSimulator(params: P): Simulator<T>;
}

/** A closed-loop world: a policy is called every control step (see src/core/policy.ts). */
export interface ClosedLoopWorldDef<P extends object = Record<string, unknown>, T extends TaskBase = TaskBase> extends WorldBase<P, T> {
  readonly kind: 'closed-loop';
  observationSpace(params: P): ObservationSpace;
  /** Seconds of simulated time per control step (the trajectory's dt). */
  readonly controlDt: number;
  /** Upper bound on control steps per episode (the runtime sizes its buffers by it). */
  maxSteps(params: P): number;
  /** Builds one episode slot for fully resolved parameters (task overrides already applied). */
  createClosedLoop(params: P): ClosedLoopSimulator<T>;
}

/** A world whose parameter and task types are erased: what registries and workers handle. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyWorld = WorldDef<any, any> | ClosedLoopWorldDef<any, any>;

/** A closed-loop world with erased types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyClosedLoopWorld = ClosedLoopWorldDef<any, any>;

/** True for closed-loop worlds (one-shot is the default when `kind` is absent). */
export function isClosedLoop(world: AnyWorld): world is AnyClosedLoopWorld {
  return world.kind === 'closed-loop';
}
