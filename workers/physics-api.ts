/**
 * The physics worker's API, free of DOM and Node imports so the browser worker, the Node
 * worker bootstrap and tests expose the very same object.
 */
import { deterministicMathInstalled, installDeterministicMath } from '../src/core/detmath.ts';
import { inputErrorFromZod } from '../src/core/errors.ts';
import { batchRequestSchema, WorldRuntime, type BatchRequest, type BatchResult, type EpisodeSpec } from '../src/core/runtime.ts';
import type { AnyWorld } from '../src/core/types.ts';
import { getWorld } from '../worlds/index.ts';

/** Answer to `ping`: the worker is up and simulates with the deterministic Math. */
export interface PingResult {
  readonly ok: true;
  readonly deterministicMath: boolean;
}

/** What a physics worker exposes over comlink. */
export interface PhysicsApi {
  /** Validates and simulates one batch; throws InputError on a bad request. */
  runBatch(req: BatchRequest): BatchResult;
  /** Liveness check; also reports whether the deterministic Math is installed here. */
  ping(): PingResult;
}

/**
 * Validates the tasks of an explicit batch against the world's own task schema (the batch schema
 * only knows a task has a split): a bad task is an InputError naming the item and the field.
 */
export function validateTasks(world: AnyWorld, req: BatchRequest): BatchRequest {
  if (req.episodes.kind !== 'explicit') return req;
  const items: EpisodeSpec[] = req.episodes.items.map((item, i) => {
    const r = world.task.safeParse(item.task);
    if (!r.success) throw inputErrorFromZod(`request.episodes.items.${i}.task`, r.error, item.task);
    return { ...item, task: r.data };
  });
  return { ...req, episodes: { kind: 'explicit', items } };
}

/**
 * Builds the worker API; keeps one WorldRuntime (and so its cached simulators) per world id.
 * Building it installs the deterministic Math: every physics worker entry builds one before it
 * simulates, and importing this module alone changes nothing.
 */
export function createPhysicsApi(): PhysicsApi {
  installDeterministicMath();
  const runtimes = new Map<string, WorldRuntime>();
  return {
    runBatch(req: BatchRequest): BatchResult {
      const parsed = batchRequestSchema.safeParse(req);
      if (!parsed.success) throw inputErrorFromZod('request', parsed.error, req);
      let runtime = runtimes.get(parsed.data.world);
      if (!runtime) {
        runtime = new WorldRuntime(getWorld(parsed.data.world));
        runtimes.set(parsed.data.world, runtime);
      }
      return runtime.runBatch(validateTasks(runtime.world, parsed.data));
    },
    ping(): PingResult {
      return { ok: true, deterministicMath: deterministicMathInstalled() };
    },
  };
}
