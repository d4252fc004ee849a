/**
 * Messages between the page and its two workers. Only plain data crosses (wall 3): numbers,
 * strings, plain objects and typed arrays (transferred, not copied).
 */
import type { WorldView } from '../../core/view.ts';
import type { MetricSpec } from '../../metrics/index.ts';
import type { DecisionRecord, EvolveSummary, GenerationRecord } from '../../experiments/evolve.ts';

/** What the attempts worker trains and shows: learners on the view tasks. */
export interface AttemptsConfig {
  readonly world: string;
  readonly params: Record<string, unknown>;
  readonly learner: string;
  readonly learnerConfig: Record<string, unknown>;
  readonly feedback: string;
  readonly schedule?: string;
  readonly metric: MetricSpec | null;
  readonly seed: number;
  /** Learners (rows of the grid). */
  readonly learners: number;
  /** View tasks per learner (columns of the grid). */
  readonly tasks: number;
  /** Training episodes per learner between two shown attempts. */
  readonly episodesPerCycle: number;
  /** Cycles over which a `scheduled` channel anneals. */
  readonly horizonCycles: number;
}

/** One drawn attempt: a learner's greedy throw on one view task, with its two judges. */
export interface Attempt {
  readonly learner: number;
  readonly task: number;
  readonly gtPass: boolean;
  readonly metricPass: boolean;
  readonly metricValue: number;
  readonly t: Float64Array;
  readonly channels: Record<string, Float64Array>;
}

export type AttemptsIn =
  | { type: 'start'; config: AttemptsConfig }
  | { type: 'metric'; metric: MetricSpec }
  | { type: 'next' };

export type AttemptsOut =
  | { type: 'ready'; views: WorldView[]; backend: string; metric: MetricSpec }
  | { type: 'attempts'; cycle: number; episodes: number; attempts: Attempt[]; bitsPerFeedback: number; gtPassRate: number; metricPassRate: number; mirageRate: number; metric: string }
  | { type: 'error'; message: string };

export type RunIn = { type: 'start'; config: Record<string, unknown> };

export type RunOut =
  | { type: 'generation'; record: GenerationRecord; decisions: DecisionRecord[]; total: number }
  | { type: 'finished'; summary: EvolveSummary; lineage: { id: string; from: number; expression: string; parent: string | null; operator: string }[]; backend: string }
  | { type: 'error'; message: string };
