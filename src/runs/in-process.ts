/**
 * An in-process batch runner: the same `BatchRunner` interface as the pool, running each batch
 * on the calling thread (tests, tiny runs, hosts without workers). Results are identical to the
 * pool's: the worker runs the same `WorldRuntime.runBatch`.
 */
import type { BatchRunner } from '../core/checkWorld.ts';
import { WorldRuntime } from '../core/runtime.ts';
import { getWorld } from '../../worlds/index.ts';

/** A BatchRunner on the calling thread (one WorldRuntime per world, reused). */
export function inProcessRunner(): BatchRunner {
  const runtimes = new Map<string, WorldRuntime>();
  return {
    async runBatch(req) {
      let rt = runtimes.get(req.world);
      if (!rt) {
        rt = new WorldRuntime(getWorld(req.world));
        runtimes.set(req.world, rt);
      }
      return rt.runBatch(req);
    },
    async close() {
      runtimes.clear();
    },
  };
}

/** Defers creating a runner until the first batch (a run that simulates nothing starts no workers). */
export function lazyRunner(create: () => Promise<BatchRunner>): BatchRunner {
  let runner: Promise<BatchRunner> | null = null;
  return {
    async runBatch(req) {
      runner ??= create();
      return (await runner).runBatch(req);
    },
    async close() {
      if (runner) await (await runner).close();
    },
  };
}
