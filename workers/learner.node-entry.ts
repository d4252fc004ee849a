/**
 * Node worker_threads entry for learners: picks the tfjs WASM backend from the installed package
 * (cpu as the recorded fallback) and exposes the learner API. Started from a bundle of this file
 * (node-bundle.ts), or through tsx by learner.node-worker.mjs when no bundle can be built. Fault
 * injection for the supervision tests lives here only (as in physics.node-entry.ts), so the API
 * the browser runs never carries it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { expose, type Endpoint } from 'comlink';
// @ts-expect-error comlink types this ESM file as node-adapter.d.ts, which TypeScript does not pair with .mjs.
import untypedNodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { initTfNode } from '../src/learners/tf-node.ts';
import { createLearnerApi, type LearnerApi } from './learner-api.ts';
import type { InjectedFault } from './node-pool.ts';

const nodeEndpoint = untypedNodeEndpoint as (port: NonNullable<typeof parentPort>) => Endpoint;
const api = createLearnerApi(() => initTfNode());

/** workerData.fault strikes on job call afterJobs + 1. */
const data = (workerData ?? {}) as { fault?: InjectedFault; afterJobs?: number };
const fault = data.fault;
const afterJobs = data.afterJobs ?? 0;
let calls = 0;

const exposed: LearnerApi = fault
  ? {
      ping: () => api.ping(),
      runBatch: (req) => api.runBatch(req),
      train: (config, onPoint) => api.train(config, onPoint),
      job(kind, input) {
        calls++;
        if (calls > afterJobs) {
          if (fault === 'throw') throw new Error(`injected fault: throw on job call ${calls}`);
          if (fault === 'hang') return new Promise(() => {});
          if (fault === 'exit') process.exit(3);
        }
        return api.job(kind, input);
      },
    }
  : api;

if (parentPort) expose(exposed, nodeEndpoint(parentPort));
