// Node worker_threads entry for learners without a bundle: loads learner.node-entry.ts through tsx.
import { tsImport } from 'tsx/esm/api';

await tsImport('./learner.node-entry.ts', import.meta.url);
