/**
 * Node worker_threads entry for physics: exposes the physics API with comlink's node adapter.
 * Started from a bundle of this file (node-bundle.ts), or through tsx by physics.node-worker.mjs
 * when no bundle can be built. Fault injection for the pool's supervision tests lives here only,
 * so the API the browser runs never carries it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { expose, type Endpoint } from 'comlink';
// @ts-expect-error comlink types this ESM file as node-adapter.d.ts, which TypeScript does not pair with .mjs.
import untypedNodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { BatchRequest } from '../src/core/runtime.ts';
import { createPhysicsApi } from './physics-api.ts';
import type { InjectedFault } from './node-pool.ts';

const nodeEndpoint = untypedNodeEndpoint as (port: NonNullable<typeof parentPort>) => Endpoint;
const api = createPhysicsApi();

/** workerData.fault strikes on runBatch call afterBatches + 1. */
const data = (workerData ?? {}) as { fault?: InjectedFault; afterBatches?: number };
const fault = data.fault;
const afterBatches = data.afterBatches ?? 0;
let calls = 0;

const exposed = fault
  ? {
      ping: () => api.ping(),
      runBatch(req: BatchRequest) {
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

if (parentPort) expose(exposed, nodeEndpoint(parentPort));
