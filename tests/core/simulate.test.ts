// simulate in the core: the digest it folds batch by batch equals a digest over the whole
// request run at once, on the calling thread and on the pool, in random and fixed-task mode.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { digestConsequences } from '../../src/core/digest.ts';
import { randomAction, resolveParams, WorldRuntime } from '../../src/core/runtime.ts';
import { parseScenario } from '../../src/core/scenario.ts';
import { inProcessStreamer, simulate } from '../../src/core/simulate.ts';
import { getWorld } from '../../worlds/index.ts';
import { projectile } from '../../worlds/projectile.ts';
import { createNodePool } from '../../workers/node-pool.ts';
import type { PhysicsPool } from '../../workers/pool.ts';

const pools: PhysicsPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe('simulate (core)', () => {
  it('random mode: the folded digest equals one over the whole batch, in process and on 2 workers', async () => {
    const seed = 5;
    const reference = new WorldRuntime(projectile).runBatch({ world: 'projectile', params: { gravity: 7 }, seed, episodes: { kind: 'random', split: 'probe', start: 0, count: 230 } }).consequences;
    const opts = { world: projectile, episodes: 230, seed, split: 'probe' as const, params: { gravity: 7 } };
    const inProcess = await simulate(opts, inProcessStreamer(projectile, 17));
    expect(inProcess.hash).toBe(digestConsequences(reference));
    expect(inProcess.gtPassRate).toBe(reference.filter((c) => c.gtPass).length / 230);
    const pool = await createNodePool(2);
    pools.push(pool);
    const progress: number[] = [];
    const onPool = await simulate({ ...opts, onProgress: (done) => progress.push(done) }, pool);
    expect(onPool).toEqual(inProcess);
    expect(progress.at(-1)).toBe(230);
    // Another seed gives another digest (the hash is not a constant).
    expect((await simulate({ ...opts, seed: 6 }, inProcessStreamer(projectile))).hash).not.toBe(inProcess.hash);
  });

  it("fixed tasks: played in turn with the seed's random actions, whatever the chunking", async () => {
    const scenario = parseScenario(readFileSync(new URL('../../scenarios/moon-range.json', import.meta.url), 'utf8'), getWorld);
    const world = scenario.world;
    const tasks = scenario.tasks ?? [];
    expect(tasks.length).toBeGreaterThan(1);
    const seed = 3;
    const n = 50;
    const resolved = resolveParams(world, scenario.params);
    const items = Array.from({ length: n }, (_, e) => ({ episode: e, task: tasks[e % tasks.length]!, action: randomAction(world, resolved, seed, e) }));
    const reference = digestConsequences(new WorldRuntime(world).runBatch({ world: world.id, params: scenario.params, seed, episodes: { kind: 'explicit', items } }).consequences);
    const opts = { world, episodes: n, seed, split: 'train' as const, params: scenario.params, tasks };
    for (const explicitChunk of [7, 50, 1000]) {
      const progress: number[] = [];
      const r = await simulate({ ...opts, explicitChunk, onProgress: (done, total) => progress.push(done / total) }, inProcessStreamer(world, 4));
      expect(r.hash).toBe(reference);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(progress.at(-1)).toBe(1);
    }
  });
});
