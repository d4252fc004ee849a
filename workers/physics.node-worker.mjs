// Node worker_threads entry for physics without a bundle: loads physics.node-entry.ts through tsx.
import { tsImport } from 'tsx/esm/api';

await tsImport('./physics.node-entry.ts', import.meta.url);
