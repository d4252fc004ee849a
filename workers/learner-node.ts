/**
 * Node side of the learner worker: a supervised pool of learner workers (physics and learner
 * jobs, with the physics pool's supervision: a worker that dies or hangs is replaced and its job
 * re-run), and `trainInWorker`, one training experiment in a fresh worker that turns a crash
 * into a rejected promise (comlink alone would leave the call pending forever).
 */
import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import type { Endpoint } from 'comlink';
// @ts-expect-error comlink types this ESM file as node-adapter.d.ts, which TypeScript does not pair with .mjs.
import untypedNodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { InputError } from '../src/core/errors.ts';
import type { CurvePoint, TrainResult } from '../src/experiments/train.ts';
import type { LearnerApi } from './learner-api.ts';
import { workerScript } from './node-bundle.ts';
import { nodeWorkerHandle, type InjectedFault } from './node-pool.ts';
import { PhysicsPool, poolBatchRunner, type PoolOptions, type WorkerFactory } from './pool.ts';
import type { BatchRunner } from '../src/core/checkWorld.ts';
import type { LearnerRunner } from '../src/experiments/types.ts';

const nodeEndpoint = untypedNodeEndpoint as (worker: Worker) => Endpoint;
const WORKER_URL = new URL('./learner.node-worker.mjs', import.meta.url);

/**
 * A learner job allocates briskly (episodes, features, tensors' host copies) and keeps little, so
 * a larger young generation means fewer scavenges for the same work. V8's collector threads are
 * shared by the process: with two workers busy on two cores their work competes with the jobs.
 * Measured with `bench experiment`'s evolve quick preset on a quiet 2-core machine, 3 alternating
 * pairs each: default (16 MB semi-spaces) 1 worker 25.7–29.3 s, 2 workers 16.6–21.1 s; 64 MB
 * 24.4–28.1 s and 15.6–18.2 s, with less CPU in all threads (27–34 s against 28–39 s).
 */
const LEARNER_WORKER_LIMITS = { maxYoungGenerationSizeMb: 64 } as const;

/** Runs `runTraining(config)` in a fresh learner worker; rejects if the worker dies. */
export async function trainInWorker(config: unknown, onPoint?: (p: CurvePoint, total: number) => void): Promise<TrainResult> {
  const worker = new Worker((await workerScript('learner')).url, { resourceLimits: LEARNER_WORKER_LIMITS });
  const api = Comlink.wrap<LearnerApi>(nodeEndpoint(worker));
  const died = new Promise<never>((_, reject) => {
    worker.once('error', (err) => reject(new Error(`learner worker failed: ${err.message}`)));
    worker.once('exit', (code) => reject(new Error(`learner worker exited with code ${code} before finishing`)));
  });
  try {
    return await Promise.race([api.train(config, onPoint ? Comlink.proxy(onPoint) : undefined), died]);
  } catch (err) {
    // Input errors come back from the worker as plain Errors named InputError: keep their kind.
    if (err instanceof Error && err.name === 'InputError') {
      const e = err as Error & { field?: string; value?: unknown; allowed?: string };
      throw Object.assign(new InputError(e.field ?? 'config', e.value, e.allowed ?? ''), { message: err.message });
    }
    throw err;
  } finally {
    api[Comlink.releaseProxy]();
    await worker.terminate();
  }
}

/** Options of `createLearnerPool` (fault injection is for the supervision tests). */
export interface LearnerPoolOptions extends Omit<PoolOptions, 'workers' | 'factory'> {
  /** Deadline of one learner job. Default 10 minutes: only a real hang trips it. */
  readonly jobDeadlineMs?: number;
  /** Fault to inject into `job` calls: 'throw', 'hang' (never answers), 'exit' (process.exit(3) mid-job). */
  readonly fault?: InjectedFault;
  /** The fault strikes on job call afterJobs + 1 of a faulty worker. Default 0. */
  readonly afterJobs?: number;
  /** Indices of the workers that get the fault. Default: all. */
  readonly faultWorkers?: readonly number[];
}

/** A pool of learner workers, seen as what experiments take: physics, learner jobs, and close. */
export interface LearnerPool {
  readonly pool: PhysicsPool<LearnerApi>;
  /** Physics on the pool: each request split across the workers. */
  readonly batch: BatchRunner;
  /** Learner jobs on the pool, supervised; as many in parallel as there are workers. */
  readonly learners: LearnerRunner;
  close(): Promise<void>;
}

/**
 * A WorkerFactory for learner workers as Node worker_threads (only generation 0 carries an
 * injected fault, so a replacement heals); `url` is the worker script (default: the tsx entry).
 */
export function learnerWorkerFactory(opts: Pick<LearnerPoolOptions, 'fault' | 'afterJobs' | 'faultWorkers'> & { readonly url?: URL } = {}): WorkerFactory {
  return {
    spawn(index, generation) {
      const faulty = opts.fault !== undefined && (opts.faultWorkers === undefined || opts.faultWorkers.includes(index)) && generation === 0;
      const worker = new Worker(opts.url ?? WORKER_URL, { workerData: faulty ? { fault: opts.fault, afterJobs: opts.afterJobs ?? 0 } : {}, resourceLimits: LEARNER_WORKER_LIMITS });
      return nodeWorkerHandle(worker);
    },
  };
}

/** Starts `workers` learner workers (each also a physics worker) under the pool's supervision. */
export async function createLearnerPool(workers: number, opts: LearnerPoolOptions = {}): Promise<LearnerPool> {
  const { fault, afterJobs, faultWorkers, jobDeadlineMs = 600_000, startDeadlineMs = 180_000, ...poolOpts } = opts;
  // A learner worker loads tfjs and every learner before its first ping: on a loaded machine
  // that took over 30 s (the physics pool's default start deadline), so it gets longer.
  const pool = await PhysicsPool.create<LearnerApi>({ ...poolOpts, startDeadlineMs, workers, factory: learnerWorkerFactory({ fault, afterJobs, faultWorkers, url: (await workerScript('learner')).url }) });
  return {
    pool,
    batch: poolBatchRunner(pool),
    learners: {
      workers: pool.size,
      // Exclusive: a job waits for a free worker rather than queueing behind another job.
      run: (job) => pool.invoke((api) => api.job(job.kind, job.input), { deadlineMs: jobDeadlineMs, what: `learner job '${job.kind}'`, exclusive: true }),
    },
    close: () => pool.close(),
  };
}
