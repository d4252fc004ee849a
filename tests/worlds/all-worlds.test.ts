import { afterAll, describe, expect, it } from 'vitest';
import { checkWorld, type BatchRunner } from '../../src/core/checkWorld.ts';
import { WORLDS } from '../../worlds/index.ts';
import { createNodePool } from '../../workers/node-pool.ts';

// Gymnasium's rule: every registered world passes the checker, with real workers.
const opened: BatchRunner[] = [];
async function spawnWorker(): Promise<BatchRunner> {
  const pool = await createNodePool(1);
  const runner = { runBatch: pool.runBatch.bind(pool), close: () => pool.close() };
  opened.push(runner);
  return runner;
}
afterAll(async () => {
  await Promise.all(opened.map((r) => r.close()));
});

describe('checkWorld over every registered world', () => {
  for (const world of WORLDS) {
    it(`${world.id} passes every property (100 cases, fresh and reused workers)`, async () => {
      const report = await checkWorld(world, { cases: 100, spawnWorker });
      expect(report.problems).toEqual([]);
      expect(report.skipped).toEqual([]);
      expect(report.ok).toBe(true);
    });
  }
});
