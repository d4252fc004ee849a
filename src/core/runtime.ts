/**
 * The episode runtime: resolves parameters, reuses simulators, applies the frozen checks and
 * returns plain-data consequences. The physics worker is a thin comlink shell around
 * `runBatch`; the in-process checker and tests call the same function.
 */
import { z } from 'zod';
import { installDeterministicMath } from './detmath.ts';
import { applyChecks } from './checks.ts';
import { episodeStream, Stream } from './rng.ts';
import { SPLITS, type AnyWorld, type Consequence, type Simulator, type Split, type TaskBase } from './types.ts';

// Simulation must see the deterministic Math before any engine is built.
installDeterministicMath();

/** One explicitly given episode: the task and the action to play on it. */
export interface EpisodeSpec {
  readonly episode: number;
  readonly task: TaskBase;
  readonly action: readonly number[];
}

/** What to simulate in one batch (plain data: it crosses the worker boundary). */
export interface BatchRequest {
  readonly world: string;
  /** World parameters as given by the user; validated (and defaulted) by the world's schema. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly seed: number;
  /**
   * `random`: the runtime draws task and action for episodes [start, start+count) from the seed;
   * `explicit`: tasks and actions are given.
   */
  readonly episodes:
    | { readonly kind: 'random'; readonly split: Split; readonly start: number; readonly count: number }
    | { readonly kind: 'explicit'; readonly items: readonly EpisodeSpec[] };
  /** Record sampled trajectories. */
  readonly trajectory?: boolean;
  /** Build a new engine for every episode instead of reusing one (the checker compares both). */
  readonly fresh?: boolean;
}

/** Result of one batch, in the request's episode order. */
export interface BatchResult {
  readonly consequences: Consequence[];
}

/** Parse failure with the offending field, the value and what is allowed. */
export class InputError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`${field}: ${JSON.stringify(value) ?? String(value)} is not allowed; expected ${allowed}`);
    this.name = 'InputError';
  }
}

/** Turns the first zod issue into an InputError naming field, value and what is allowed. */
export function inputErrorFromZod(prefix: string, error: z.ZodError, input: unknown): InputError {
  const issue = error.issues[0];
  if (!issue) return new InputError(prefix, input, 'a valid value');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '?';
    const path = [...issue.path, key].join('.');
    return new InputError(prefix ? `${prefix}.${path}` : path, key, 'a known key (unknown keys are rejected)');
  }
  let value: unknown = input;
  for (const p of issue.path) value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[p as PropertyKey] : undefined;
  const path = issue.path.join('.');
  let allowed = issue.message;
  if (issue.code === 'too_big' || issue.code === 'too_small') {
    allowed = issue.code === 'too_big' ? `a value ≤ ${String(issue.maximum)}` : `a value ≥ ${String(issue.minimum)}`;
  } else if (issue.code === 'invalid_value') {
    allowed = `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return new InputError(prefix && path ? `${prefix}.${path}` : prefix || path, value, allowed);
}

/** Validates user-given world parameters; throws InputError on the first bad field. */
export function resolveParams(world: AnyWorld, params: unknown): Record<string, unknown> {
  const r = world.params.safeParse(params ?? {});
  if (!r.success) throw inputErrorFromZod('params', r.error, params);
  return r.data as Record<string, unknown>;
}

/** The random action of an episode in `random` mode: uniform over the world's action box. */
export function randomAction(world: AnyWorld, params: Record<string, unknown>, seed: number, episode: number): number[] {
  const space = world.actionSpace(params);
  const rng = new Stream([seed, 'action', episode]);
  return space.low.map((lo, i) => rng.uniform(lo, space.high[i] as number));
}

/** The task of an episode in `random` mode. */
export function randomTask(world: AnyWorld, params: Record<string, unknown>, seed: number, split: Split, episode: number): TaskBase {
  return world.sampleTask(new Stream([seed, 'task', split, episode]), split, params);
}

/** Runs episodes of one world; caches one simulator per resolved parameter set. */
export class WorldRuntime {
  private readonly simulators = new Map<string, Simulator<TaskBase>>();
  /** The last params object seen and its simulator: a batch reuses one object, skip the key. */
  private last: { params: Record<string, unknown>; sim: Simulator<TaskBase> } | undefined;

  constructor(readonly world: AnyWorld) {}

  private simulatorFor(resolved: Record<string, unknown>, fresh: boolean): Simulator<TaskBase> {
    if (fresh) return this.world.createSimulator(resolved);
    if (this.last?.params === resolved) return this.last.sim;
    const key = JSON.stringify(resolved);
    let sim = this.simulators.get(key);
    if (!sim) {
      // A handful of parameter sets per run is normal; cap the cache so sweeps cannot grow it.
      if (this.simulators.size >= 64) this.simulators.clear();
      sim = this.world.createSimulator(resolved);
      this.simulators.set(key, sim);
    }
    this.last = { params: resolved, sim };
    return sim;
  }

  /** Simulates one episode and applies the ground-truth checks. */
  run(params: Record<string, unknown>, spec: EpisodeSpec, seed: number, trajectory: boolean, fresh = false): Consequence {
    const resolved = spec.task.overrides ? resolveParams(this.world, { ...params, ...spec.task.overrides }) : params;
    const sim = this.simulatorFor(resolved, fresh);
    const raw = sim.run(spec.task, spec.action, episodeStream(seed, spec.episode), { trajectory });
    const verdicts = applyChecks(this.world.checks, { measurements: raw.measurements, truth: raw.truth ?? {}, params: resolved, task: spec.task });
    const out: Consequence = {
      episode: spec.episode,
      steps: raw.steps,
      terminated: raw.terminated,
      truncated: raw.truncated,
      measurements: raw.measurements,
      verdicts,
      gtPass: verdicts.every((v) => v.pass),
      ...(raw.trajectory ? { trajectory: raw.trajectory } : {}),
    };
    return out;
  }

  /** Runs a whole batch request (the worker API). */
  runBatch(req: BatchRequest): BatchResult {
    const params = resolveParams(this.world, req.params);
    const trajectory = req.trajectory ?? false;
    const fresh = req.fresh ?? false;
    const consequences: Consequence[] = [];
    if (req.episodes.kind === 'random') {
      const { split, start, count } = req.episodes;
      for (let e = start; e < start + count; e++) {
        const task = randomTask(this.world, params, req.seed, split, e);
        const action = randomAction(this.world, params, req.seed, e);
        consequences.push(this.run(params, { episode: e, task, action }, req.seed, trajectory, fresh));
      }
    } else {
      for (const spec of req.episodes.items) consequences.push(this.run(params, spec, req.seed, trajectory, fresh));
    }
    return { consequences };
  }
}

/** Schema of a batch request as it arrives at a worker (the third wall: plain data only). */
export const batchRequestSchema = z.object({
  world: z.string(),
  params: z.record(z.string(), z.unknown()),
  seed: z.number().int(),
  episodes: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('random'), split: z.enum(SPLITS), start: z.number().int().min(0), count: z.number().int().min(0) }),
    z.object({
      kind: z.literal('explicit'),
      items: z.array(z.object({ episode: z.number().int().min(0), task: z.looseObject({ split: z.enum(SPLITS) }), action: z.array(z.number()) })),
    }),
  ]),
  trajectory: z.boolean().optional(),
  fresh: z.boolean().optional(),
});
