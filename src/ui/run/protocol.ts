/**
 * Messages between the page and its run workers. A run worker runs one registered experiment
 * through the run layer (src/runs/runner.ts: the same record lines the CLI writes, kept in the
 * worker), posts what the page shows, and streams chart events straight to the chart worker
 * through a MessagePort (they never touch the page's thread). Only plain data crosses (wall 3):
 * numbers, strings, plain objects, typed arrays (transferred, not copied).
 */
import type { WorldView } from '../../core/view.ts';
import type { ExperimentEvent } from '../../experiments/types.ts';

/** One drawn attempt: a population member's greedy throw on one view task, with its two judges. */
export interface Attempt {
  /** Row of the grid (the member's slot). */
  readonly learner: number;
  /** Column of the grid (the view task). */
  readonly task: number;
  readonly gtPass: boolean;
  readonly metricPass: boolean;
  readonly metricValue: number;
  readonly t: Float64Array;
  readonly channels: Record<string, Float64Array>;
}

/** Starts a run of a registered experiment. */
export interface RunStart {
  readonly type: 'start';
  /** Registry id ('evolve', 'train'…). */
  readonly experiment: string;
  /** Overrides for the experiment's config schema (parsed in the worker, as the CLI parses them). */
  readonly config: Record<string, unknown>;
  /** Where chart events go (the chart worker), tagged with `source`. */
  readonly charts?: MessagePort;
  readonly source: string;
  /** Evolve only: the population's current attempts on this many train tasks after every generation. */
  readonly viewTasks?: number;
}

/**
 * `hold`: the run waits between batches while `held` (a lesson's prediction runs first; results
 * do not change, only when they come). `crash`: fault injection for the supervision test (the
 * worker throws an uncaught error).
 */
export type RunIn = RunStart | { readonly type: 'export' } | { readonly type: 'hold'; readonly held: boolean } | { readonly type: 'crash' };

/** A gate decision as the lineage list shows it. */
export interface LineageItem {
  readonly generation: number;
  readonly proposal: string;
  readonly parent: string | null;
  /** adopted; rejected (the evidence was against it); no-evidence (the gate could not tell: nothing changes). */
  readonly verdict: 'adopted' | 'rejected' | 'no-evidence';
  readonly kind: string;
  readonly operator: string;
  readonly reason: string;
}

export type RunOut =
  | { readonly type: 'started'; readonly backend: string; readonly configHash: string; readonly config: Record<string, unknown> }
  | { readonly type: 'generation'; readonly index: number; readonly total: number; readonly metric: string; readonly lineage: readonly LineageItem[] }
  | { readonly type: 'views'; readonly views: WorldView[]; readonly rows: number }
  | { readonly type: 'attempts'; readonly generation: number; readonly attempts: Attempt[] }
  | { readonly type: 'point'; readonly chart: string; readonly x: number }
  | { readonly type: 'finished'; readonly key: string; readonly contentHash: string }
  | { readonly type: 'record'; readonly text: string }
  | { readonly type: 'error'; readonly message: string };

/** What a run worker sends the chart worker. */
export type ChartFeed = { readonly source: string; readonly reset: true; readonly meta?: Record<string, unknown> } | { readonly source: string; readonly events: readonly ExperimentEvent[] };
