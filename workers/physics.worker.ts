/**
 * Browser Web Worker entry for physics. Vite bundles it from
 * `new Worker(new URL('./physics.worker.ts', import.meta.url), { type: 'module' })`.
 */
import * as Comlink from 'comlink';
import { createPhysicsApi } from './physics-api.ts';

Comlink.expose(createPhysicsApi());
