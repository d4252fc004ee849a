// Node worker_threads entry for learners: loads the TypeScript through tsx, picks the tfjs WASM
// backend from the installed package (cpu as the recorded fallback), and exposes the API. Fault
// injection for the supervision tests lives here only (as in physics.node-worker.mjs), so the
// API the browser runs never carries it.
import { parentPort, workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';
import { expose } from 'comlink/dist/esm/comlink.mjs';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';

const { createLearnerApi } = await tsImport('./learner-api.ts', import.meta.url);
const { initTfNode } = await tsImport('../src/learners/tf-node.ts', import.meta.url);
const api = createLearnerApi(() => initTfNode());

/** workerData.fault: 'throw' | 'hang' | 'exit'; it strikes on job call afterJobs + 1. */
const fault = workerData?.fault;
const afterJobs = workerData?.afterJobs ?? 0;
let calls = 0;

const exposed = fault
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

expose(exposed, nodeEndpoint(parentPort));
