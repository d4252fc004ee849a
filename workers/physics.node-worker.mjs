// Node worker_threads entry for physics: loads the TypeScript API through tsx and exposes it
// with comlink's node adapter. Fault injection for the pool's supervision tests lives here
// only, so the API the browser runs never carries it.
import { parentPort, workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';
import { expose } from 'comlink/dist/esm/comlink.mjs';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';

const { createPhysicsApi } = await tsImport('./physics-api.ts', import.meta.url);
const api = createPhysicsApi();

/** workerData.fault: 'throw' | 'hang' | 'exit'; it strikes on runBatch call afterBatches + 1. */
const fault = workerData?.fault;
const afterBatches = workerData?.afterBatches ?? 0;
let calls = 0;

const exposed = fault
  ? {
      ping: () => api.ping(),
      runBatch(req) {
        calls++;
        if (calls > afterBatches) {
          if (fault === 'throw') throw new Error(`injected fault: throw on runBatch call ${calls}`);
          if (fault === 'hang') return new Promise(() => {});
          if (fault === 'exit') process.exit(3);
        }
        return api.runBatch(req);
      },
    }
  : api;

expose(exposed, nodeEndpoint(parentPort));
