/**
 * Importing the core has no side effects: the runtime, the world registry, learners, feedback,
 * metrics and the worker APIs leave Math alone. Only entry points (worker entries, the checker,
 * the CLI) install the deterministic Math, by calling `installDeterministicMath`. Vitest's setup
 * file installs it in this process, so each probe runs in a fresh worker thread without it.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

interface ProbeResult {
  loaded: { module: string; exports: number }[];
  swapped: string[];
  sinIsNative: boolean;
}

function probe(modules: string[], call?: { module: string; fn: string }): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./import-probe.mjs', import.meta.url), { workerData: { modules, call } });
    worker.once('message', (m: ProbeResult) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

const CORE_MODULES = [
  'src/core/runtime.ts',
  'worlds/index.ts',
  'src/core/checkWorld.ts',
  'src/learners/registry.ts',
  'src/feedback/index.ts',
  'src/metrics/index.ts',
  'workers/physics-api.ts',
];

describe('a core without side effects', () => {
  it('importing the runtime, the world registry and the rest of the core keeps the native Math', async () => {
    const r = await probe(CORE_MODULES);
    expect(r.loaded.map((l) => l.module)).toEqual(CORE_MODULES);
    for (const l of r.loaded) expect(l.exports, l.module).toBeGreaterThan(0);
    expect(r.swapped).toEqual([]);
    expect(r.sinIsNative).toBe(true);
  });

  it('the probe sees a swap when an entry point installs the deterministic Math (the control)', async () => {
    const r = await probe(['src/core/runtime.ts'], { module: 'src/core/detmath.ts', fn: 'installDeterministicMath' });
    expect(r.swapped).toEqual(['sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'atan2', 'exp', 'log', 'pow']);
    expect(r.sinIsNative).toBe(false);
  });
});
