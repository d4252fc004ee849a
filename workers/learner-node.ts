/**
 * Node side of the learner worker: runs one training experiment in a worker_threads worker and
 * turns a crash into a rejected promise (comlink alone would leave the call pending forever).
 */
import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import type { Endpoint } from 'comlink';
// @ts-expect-error comlink types this ESM file as node-adapter.d.ts, which TypeScript does not pair with .mjs.
import untypedNodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { InputError } from '../src/core/errors.ts';
import type { CurvePoint, TrainResult } from '../src/experiments/train.ts';
import type { LearnerApi } from './learner-api.ts';

const nodeEndpoint = untypedNodeEndpoint as (worker: Worker) => Endpoint;
const WORKER_URL = new URL('./learner.node-worker.mjs', import.meta.url);

/** Runs `runTraining(config)` in a fresh learner worker; rejects if the worker dies. */
export async function trainInWorker(config: unknown, onPoint?: (p: CurvePoint, total: number) => void): Promise<TrainResult> {
  const worker = new Worker(WORKER_URL);
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
