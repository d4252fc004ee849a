// Node workers start from one bundled file per worker script (node-bundle.ts): the bundle is
// really built and used, it imports packages by absolute file URL (so it runs from the temporary
// folder), and a pool started from it simulates bitwise what a pool started through tsx does.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { digestConsequences } from '../../src/core/digest.ts';
import type { BatchRequest } from '../../src/core/runtime.ts';
import { workerScript } from '../../workers/node-bundle.ts';
import { createNodePool } from '../../workers/node-pool.ts';
import type { PhysicsPool } from '../../workers/pool.ts';

const pools: PhysicsPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('bundled Node worker scripts', () => {
  it('builds both scripts once per process, with packages imported by absolute URL', async () => {
    for (const name of ['physics', 'learner'] as const) {
      const s = await workerScript(name);
      expect(s.via, s.reason).toBe('bundle');
      expect(await workerScript(name)).toBe(s);
      const text = readFileSync(fileURLToPath(s.url), 'utf8');
      const specs = [...text.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1] as string);
      expect(specs.length).toBeGreaterThan(3);
      // Only node: builtins and absolute file URLs: no bare specifier that would not resolve from tmp.
      expect(specs.filter((x) => !x.startsWith('node:') && !x.startsWith('file:///'))).toEqual([]);
    }
  });

  it('a pool from the bundle and one through tsx simulate the same episodes bitwise', async () => {
    const req: BatchRequest = { world: 'projectile', params: {}, seed: 31, episodes: { kind: 'random', split: 'train', start: 0, count: 120 } };
    const bundled = await createNodePool(1);
    const tsx = await createNodePool(1, { url: new URL('../../workers/physics.node-worker.mjs', import.meta.url) });
    pools.push(bundled, tsx);
    const a = digestConsequences((await bundled.run(req)).consequences);
    const b = digestConsequences((await tsx.run(req)).consequences);
    expect(a).toBe(b);
    expect((await bundled.ping()).every((p) => p.deterministicMath)).toBe(true);
  });
});
