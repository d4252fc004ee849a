/**
 * Node-only side of the physics pool: worker_threads running physics.node-entry.ts (from a
 * bundle, see node-bundle.ts; through tsx when there is none), plus the fault injection the
 * supervision tests use.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Endpoint } from 'comlink';
// @ts-expect-error comlink types this ESM file as node-adapter.d.ts, which TypeScript does not pair with .mjs.
import untypedNodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { workerScript } from './node-bundle.ts';
import { PhysicsPool, type PoolOptions, type WorkerFactory, type WorkerHandle } from './pool.ts';

const nodeEndpoint = untypedNodeEndpoint as (worker: Worker) => Endpoint;

/** A fault the Node worker bootstrap can inject into runBatch (for supervision tests). */
export type InjectedFault = 'throw' | 'hang' | 'exit';

/** Options of `nodeWorkerFactory`. */
export interface NodeWorkerOptions {
  /** Fault to inject: 'throw' (runBatch throws), 'hang' (never answers), 'exit' (process.exit(3) mid-call). */
  readonly fault?: InjectedFault;
  /** The fault strikes on runBatch call afterBatches + 1 of a faulty worker. Default 0. */
  readonly afterBatches?: number;
  /** Indices of the workers that get the fault. Default: all. */
  readonly faultWorkers?: readonly number[];
  /** 'first': only generation 0 is faulty, so a replacement heals; 'all': every generation is. Default 'first'. */
  readonly faultGenerations?: 'first' | 'all';
  /** The worker script (default: the tsx entry; `createNodePool` passes the bundle). */
  readonly url?: URL;
}

const WORKER_URL = new URL('./physics.node-worker.mjs', import.meta.url);

/** Worker count for this machine: one per available core. */
export function defaultWorkerCount(): number {
  return Math.max(1, os.availableParallelism());
}

/** A Node worker thread as the pool's WorkerHandle (physics and learner workers alike). */
export function nodeWorkerHandle(worker: Worker): WorkerHandle {
  return {
    endpoint: nodeEndpoint(worker),
    terminate: async () => {
      await worker.terminate();
    },
    onExit: (cb) => worker.once('exit', (code) => cb(`exit code ${code}`)),
    onError: (cb) => worker.on('error', (err) => cb(`${err.name}: ${err.message}`)),
  };
}

/** A WorkerFactory that spawns physics workers as Node worker_threads. */
export function nodeWorkerFactory(opts: NodeWorkerOptions = {}): WorkerFactory {
  return {
    spawn(index, generation) {
      const faulty =
        opts.fault !== undefined &&
        (opts.faultWorkers === undefined || opts.faultWorkers.includes(index)) &&
        (opts.faultGenerations === 'all' || generation === 0);
      const worker = new Worker(opts.url ?? WORKER_URL, {
        workerData: faulty ? { fault: opts.fault, afterBatches: opts.afterBatches ?? 0 } : {},
      });
      return nodeWorkerHandle(worker);
    },
  };
}

/** Creates a supervised pool of `workers` Node physics workers. */
export async function createNodePool(
  workers: number = defaultWorkerCount(),
  opts: NodeWorkerOptions & Omit<PoolOptions, 'workers' | 'factory'> = {},
): Promise<PhysicsPool> {
  const { fault, afterBatches, faultWorkers, faultGenerations, url, ...poolOpts } = opts;
  const factory = nodeWorkerFactory({ fault, afterBatches, faultWorkers, faultGenerations, url: url ?? (await workerScript('physics')).url });
  return PhysicsPool.create({ ...poolOpts, workers, factory });
}
