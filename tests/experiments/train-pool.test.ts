// train plays its episodes through an injected BatchRunner: on the physics pool (2 workers) the
// result is bitwise the in-process one, for a one-shot and a closed-loop world.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTraining } from '../../src/experiments/train.ts';
import { initTfNode } from '../../src/learners/tf-node.ts';
import { createNodePool } from '../../workers/node-pool.ts';
import { poolBatchRunner, type PhysicsPool } from '../../workers/pool.ts';

let pool: PhysicsPool;
beforeAll(async () => {
  await initTfNode();
  pool = await createNodePool(2);
});
afterAll(async () => {
  await pool.close();
});

describe('train on the physics pool', () => {
  it.each([
    ['projectile', 'gaussian-policy', 256],
    ['balance', 'policy-gradient', 64],
  ])('%s with %s: pool and in process give the same result', async (world, learner, episodes) => {
    const config = { world, learner, episodes, evalTasks: 16, seed: 4 };
    const onPool = await runTraining(config, undefined, { runBatch: (req) => pool.run(req), close: async () => undefined });
    const inProcess = await runTraining(config);
    expect(JSON.stringify(onPool)).toBe(JSON.stringify(inProcess));
    expect(onPool.curve.length).toBeGreaterThan(0);
  });

  it('poolBatchRunner splits a request across the workers and keeps episode order', async () => {
    const runner = poolBatchRunner(pool);
    const req = { world: 'projectile', params: {}, seed: 1, episodes: { kind: 'random' as const, split: 'train' as const, start: 0, count: 40 } };
    const r = await runner.runBatch(req);
    expect(r.consequences.map((c) => c.episode)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });
});
