/**
 * The physics worker's API, free of DOM and Node imports so the browser worker, the Node
 * worker bootstrap and tests expose the very same object.
 */
// First import on purpose: runtime.ts installs the deterministic Math before any world module
// (and so any matter-js engine) is evaluated.
import { batchRequestSchema, inputErrorFromZod, WorldRuntime, type BatchRequest, type BatchResult } from '../src/core/runtime.ts';
import { deterministicMathInstalled } from '../src/core/detmath.ts';
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

/** Builds the worker API; keeps one WorldRuntime (and so its cached simulators) per world id. */
export function createPhysicsApi(): PhysicsApi {
  const runtimes = new Map<string, WorldRuntime>();
  return {
    runBatch(req: BatchRequest): BatchResult {
      const parsed = batchRequestSchema.safeParse(req);
      if (!parsed.success) throw inputErrorFromZod('request', parsed.error, req);
      const valid = parsed.data as BatchRequest;
      let runtime = runtimes.get(valid.world);
      if (!runtime) {
        runtime = new WorldRuntime(getWorld(valid.world));
        runtimes.set(valid.world, runtime);
      }
      return runtime.runBatch(valid);
    },
    ping(): PingResult {
      return { ok: true, deterministicMath: deterministicMathInstalled() };
    },
  };
}
