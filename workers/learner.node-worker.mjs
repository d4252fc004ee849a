// Node worker_threads entry for learners: loads the TypeScript through tsx, picks the tfjs WASM
// backend from the installed package (cpu as the recorded fallback), and exposes the API.
import { parentPort } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';
import { expose } from 'comlink/dist/esm/comlink.mjs';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';

const { createLearnerApi } = await tsImport('./learner-api.ts', import.meta.url);
const { initTfNode } = await tsImport('../src/learners/tf-node.ts', import.meta.url);

expose(createLearnerApi(() => initTfNode()), nodeEndpoint(parentPort));
