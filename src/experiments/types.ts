/**
 * The one shape every experiment has (Ray Tune's step/checkpoint/restore, Sacred's observers):
 * `{ id, title, configSchema, quick, run }`. `run(config, ctx)` is an async generator of typed,
 * zod-validated, plain-data events; the CLI, the run record, the report and the app all consume
 * the same stream, and the experiment never knows which of them is listening (no sinks, no clock,
 * no `node:` imports here).
 *
 * Contract for authors (the run layer checks what it can):
 * - Results depend on (config, seed) only: every draw from a seeded stream, never the clock.
 *   `config.seed` is the run seed (every config schema has an integer `seed`; `--seed` sets it).
 * - Yield `checkpoint` with plain-data state at safe points (end of a generation, a sweep cell,
 *   a curve point). `run(config, { …, restore: state })` must continue from there and yield
 *   exactly the events an undisturbed run yields after that checkpoint. An experiment that never
 *   checkpoints is resumed by replaying from the start (same events, so the same content hash).
 * - A sweep declares `sweep`; it runs only the cells in `ctx.cells`, in increasing order, each
 *   cell's result-bearing events contiguous and tagged with `cell`, each cell ended by one `cell`
 *   event carrying the cell's result. `finished.results` must equal `sweep.combine(config, …)`
 *   over every cell's result, so merged shards equal an unsharded run.
 * - When `ctx.signal` aborts, yield a `checkpoint` at the next safe point and return (or just
 *   return: the runner then resumes from the last checkpoint).
 * - Timing (seconds, rates) goes only in an event's optional `timing` field: it is recorded but
 *   not hashed, so two runs of the same (config, seed) have the same content hash.
 */
import { z } from 'zod';
import type { BatchRunner } from '../core/checkWorld.ts';

/** A JSON value. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Where `value` is not plain JSON data (a NaN, a class instance, a function…), or null if it is. */
export function notPlainData(value: unknown, path = '$'): string | null {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : `${path} is ${value} (use null: JSON has no NaN or Infinity)`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = notPlainData(value[i], `${path}[${i}]`);
      if (bad) return bad;
    }
    return null;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return `${path} is a ${(value as object).constructor?.name ?? 'non-plain object'}, not a plain object`;
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue; // JSON.stringify drops it, as a record line does
      const bad = notPlainData(v, `${path}.${k}`);
      if (bad) return bad;
    }
    return null;
  }
  return `${path} is a ${typeof value}, not plain data`;
}

/**
 * Plain JSON data: what may cross into a record, a worker or IndexedDB. Typed `unknown` so an
 * experiment can yield its own result interfaces; checked at run time (NaN, Infinity, class
 * instances and functions are refused with their path).
 */
export const jsonSchema = z.unknown().superRefine((v, ctx) => {
  const bad = notPlainData(v);
  if (bad) ctx.addIssue({ code: 'custom', message: `not plain data: ${bad}` });
});

/** Wall-clock facts about an event (not hashed: they differ between identical runs). */
const timingSchema = z.record(z.string(), z.number()).optional();
/** Index of the sweep cell an event belongs to (sweeps only). */
const cellSchema = z.number().int().min(0).optional();

/** The run began: what it will do, in units the progress bar can count. */
export const startedEventSchema = z.strictObject({
  type: z.literal('started'),
  /** Planned work (e.g. `{ unit: 'generations', total: 30 }`); optional. */
  unit: z.string().optional(),
  total: z.number().int().min(0).optional(),
  timing: timingSchema,
});

/** How far a stage has got (not recorded: it carries no result). */
export const progressEventSchema = z.strictObject({
  type: z.literal('progress'),
  /** Name of the stage ('episodes', 'generation 3', 'cell 2/5'…). */
  stage: z.string(),
  done: z.number().min(0),
  total: z.number().min(0),
  /** What is counted ('episodes', 'generations', 'cells'…). */
  unit: z.string().optional(),
  timing: timingSchema,
});

/**
 * One point of a curve (a learning-curve point, a sweep point): `chart` names one of the
 * experiment's `charts`, `series` a line in it. `seed` marks per-seed points of a multi-seed
 * experiment (the report draws mean ± spread over seeds); `lo`/`hi` an interval the experiment
 * computed itself.
 */
export const pointEventSchema = z.strictObject({
  type: z.literal('point'),
  chart: z.string().min(1),
  series: z.string().min(1),
  x: z.number(),
  y: z.number().nullable(),
  lo: z.number().optional(),
  hi: z.number().optional(),
  seed: z.number().int().optional(),
  cell: cellSchema,
  /** Further plain-data fields of the point (labels, counts). */
  data: z.record(z.string(), jsonSchema).optional(),
  timing: timingSchema,
});

/** One generation of an evolving run: its scores as plain data. */
export const generationEventSchema = z.strictObject({
  type: z.literal('generation'),
  index: z.number().int().min(0),
  seed: z.number().int().optional(),
  cell: cellSchema,
  data: z.record(z.string(), jsonSchema),
  timing: timingSchema,
});

/** One anchor-gate verdict on a proposed metric, with its reason (the report's lineage). */
export const decisionEventSchema = z.strictObject({
  type: z.literal('decision'),
  generation: z.number().int().min(0).optional(),
  seed: z.number().int().optional(),
  cell: cellSchema,
  /** The proposed metric (its expression, or an id). */
  proposal: z.string(),
  /** The metric it would replace, if any (metric lineage). */
  parent: z.string().optional(),
  adopted: z.boolean(),
  reason: z.string(),
  data: z.record(z.string(), jsonSchema).optional(),
  timing: timingSchema,
});

/** A sweep cell is done: its result (what `sweep.combine` and `merge` consume). */
export const cellEventSchema = z.strictObject({
  type: z.literal('cell'),
  cell: z.number().int().min(0),
  result: jsonSchema,
  timing: timingSchema,
});

/** A safe point: plain-data state from which `run(config, { restore: state })` continues. */
export const checkpointEventSchema = z.strictObject({
  type: z.literal('checkpoint'),
  state: jsonSchema,
  timing: timingSchema,
});

/** The run is complete; `results` is the experiment's documented results shape. */
export const finishedEventSchema = z.strictObject({
  type: z.literal('finished'),
  results: jsonSchema,
  timing: timingSchema,
});

/** Every event an experiment may yield. */
export const experimentEventSchema = z.discriminatedUnion('type', [
  startedEventSchema,
  progressEventSchema,
  pointEventSchema,
  generationEventSchema,
  decisionEventSchema,
  cellEventSchema,
  checkpointEventSchema,
  finishedEventSchema,
]);
/** An event as yielded by an experiment. */
export type ExperimentEvent = z.infer<typeof experimentEventSchema>;
/** The event of one type. */
export type EventOf<T extends ExperimentEvent['type']> = Extract<ExperimentEvent, { type: T }>;

/** Event types that carry results: recorded, fsync'd and covered by the content hash. */
export const RESULT_EVENT_TYPES = ['point', 'generation', 'decision', 'cell', 'finished'] as const;

/**
 * Runs a plain-data job on a learner worker (e.g. training one evolve member), with results
 * identical to running it in process. Optional: without it, an experiment trains in process.
 * The job kinds and their payloads belong to the experiments that use them.
 */
export interface LearnerRunner {
  /** Worker threads available to run jobs in parallel. */
  readonly workers: number;
  run(job: { readonly kind: string; readonly input: unknown }): Promise<unknown>;
}

/** What an experiment gets besides its config. */
export interface RunContext {
  /** Physics: the pool in Node or the browser, or an in-process runner; results identical. */
  readonly batch: BatchRunner;
  /** Physics worker threads behind `batch` (1 for in process), e.g. to size batches. */
  readonly workers: number;
  /** Learner workers, when the host has them. */
  readonly learners?: LearnerRunner;
  /** State of the last `checkpoint` to continue from; absent on a fresh start. */
  readonly restore?: unknown;
  /** Sweeps: the cell indices this run computes (a shard's slice); absent means all cells. */
  readonly cells?: readonly number[];
  /** Set on Ctrl-C / stop: checkpoint at the next safe point and return. */
  readonly signal: AbortSignal;
}

/** A sweep's cells, so `--shard i/n` can slice them and `merge` can join them. */
export interface SweepSpec<Config, Results> {
  /** Number of cells of this config. */
  cellCount(config: Config): number;
  /** The whole sweep's results from every cell's `cell.result`, in cell order. */
  combine(config: Config, cellResults: readonly unknown[]): Results;
}

/** A chart the report (and the app) draws from the experiment's `point` events. */
export interface ChartDecl {
  /** Matches `point.chart`. */
  readonly id: string;
  readonly title: string;
  readonly x: string;
  readonly y: string;
  /** 'line' (default) for curves; 'point' for scatter; 'bar' for categories along x. */
  readonly mark?: 'line' | 'point' | 'bar';
  /** Log scale on y. */
  readonly logY?: boolean;
  /** Log scale on x (e.g. a log-spaced budget sweep). */
  readonly logX?: boolean;
}

/**
 * One registered experiment. `Config` is the parsed config (with `seed`), `Results` what
 * `finished.results` holds (documented in the experiment's file and in docs/).
 */
export interface Experiment<Config extends { seed: number } = { seed: number }, Results = unknown> {
  readonly id: string;
  readonly title: string;
  /** One or two sentences for `mirage-lab experiments` and the report. */
  readonly description: string;
  /** The one schema the CLI, a config file and the app's URL all parse through (strict, with defaults). */
  readonly configSchema: z.ZodType<Config, unknown>;
  /** Overrides for `--quick`: a preset that finishes in under 60 s on this machine. */
  readonly quick: Record<string, unknown>;
  /** Validates `finished.results` (and what `summary.json` holds); results must be plain JSON data. */
  readonly resultsSchema?: z.ZodType<Results, unknown>;
  /** Charts of the report, drawn from `point` events. */
  readonly charts?: readonly ChartDecl[];
  /** The host initialises tfjs (and records its backend in the provenance) before `run`. */
  readonly needsTf?: boolean;
  /** The host passes `ctx.learners` (learner workers, which also run the physics) when it has them. */
  readonly learnerJobs?: boolean;
  /** Sweeps only: cells for sharding and merging. */
  readonly sweep?: SweepSpec<Config, Results>;
  /** One short line with the key result (for `mirage-lab runs` and `compare`). */
  keyResult?(results: Results): string;
  /** The run: yields events, returns when `finished` has been yielded (or on abort). */
  run(config: Config, ctx: RunContext): AsyncGenerator<ExperimentEvent, void, void>;
}

/** An experiment with its types erased, as the registry holds it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyExperiment = Experiment<any, any>;

/** Identity helper that keeps an experiment's Config and Results types when declaring it. */
export function defineExperiment<Config extends { seed: number }, Results>(e: Experiment<Config, Results>): Experiment<Config, Results> {
  return e;
}
