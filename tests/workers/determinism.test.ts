// Wall 2 on every registered world: the golden batches (every split, trajectories on, and
// balance's long controlled episodes) give bitwise the same consequences in process, on one
// worker and on three workers with small batches spread across them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestConsequences } from '../../src/core/digest.ts';
import { WorldRuntime } from '../../src/core/runtime.ts';
import { WORLDS } from '../../worlds/index.ts';
import { createNodePool } from '../../workers/node-pool.ts';
import type { PhysicsPool } from '../../workers/pool.ts';
import { goldenRequests } from '../golden/requests.ts';

let one: PhysicsPool;
let three: PhysicsPool;
beforeAll(async () => {
  [one, three] = await Promise.all([createNodePool(1), createNodePool(3)]);
});
afterAll(async () => {
  await Promise.all([one?.close(), three?.close()]);
});

describe('results do not depend on the number of physics workers', () => {
  it('the three-worker pool really runs three workers', () => {
    expect(three.size).toBe(3);
  });

  for (const world of WORLDS) {
    it(`${world.id}: in process = 1 worker = 3 workers, bitwise`, async () => {
      const requests = goldenRequests(world);
      const rt = new WorldRuntime(world);
      const local = digestConsequences(requests.flatMap((r) => rt.runBatch(r).consequences));
      const viaOne = [];
      const viaThree = [];
      const busy = new Set<number>();
      for (const r of requests) {
        viaOne.push(...(await one.run(r)).consequences);
        // Batches of 3 episodes: each golden request becomes several batches spread over the workers.
        const res = await three.run(r, { batchSize: 3, onProgress: () => three.workerStates().forEach((s, i) => s === 'busy' && busy.add(i)) });
        viaThree.push(...res.consequences);
      }
      expect(viaOne.length).toBe(viaThree.length);
      expect(digestConsequences(viaOne)).toBe(local);
      expect(digestConsequences(viaThree)).toBe(local);
      // Batches were in flight on several workers at once: the split really crossed workers.
      expect(busy.size, `workers seen busy: ${[...busy].join(', ')}`).toBeGreaterThanOrEqual(2);
    });
  }
});
