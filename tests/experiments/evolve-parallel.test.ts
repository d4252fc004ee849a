// Evolve's members train as independent jobs: on learner workers in parallel the run is bitwise
// the serial in-process run, and the pool's supervision (a worker that exits mid-job, or hangs
// past the job deadline, is replaced and its job re-run) leaves the results unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearReferenceCache } from '../../src/experiments/dial.ts';
import { runEvolve, type EvolveRecord, type EvolveRuntime } from '../../src/experiments/evolve.ts';
import { workerJobs } from '../../src/experiments/runner.ts';
import type { MemberJob, MemberResult } from '../../src/experiments/evolve-member.ts';
import { initTfNode } from '../../src/learners/tf-node.ts';
import { createLearnerPool, type LearnerPool } from '../../workers/learner-node.ts';

// Small but complete: warm-up, proposals and a PBT round (every 2 generations) all happen.
const SMALL = { world: 'projectile', alpha: 0.5, generations: 4, population: 3, episodesPerGeneration: 64, anchorTasks: 8, probeTasks: 8, trainTasks: 32, evalTasks: 8, warmup: 1, seed: 5, pbt: { every: 2 } };

const onPool = (p: LearnerPool): EvolveRuntime => ({ physics: p.batch, members: workerJobs<MemberJob, MemberResult>(p.learners, 'evolve-member') });

let serial: EvolveRecord;
const pools: LearnerPool[] = [];
beforeAll(async () => {
  await initTfNode();
  serial = await runEvolve(SMALL);
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe('evolve members on learner workers', () => {
  it('two workers in parallel give the serial run, bitwise', async () => {
    const pool = await createLearnerPool(2);
    pools.push(pool);
    // A cold cache: the gtLoss references train again, in the background beside the members' batches (ReferenceLead).
    clearReferenceCache();
    const parallel = await runEvolve(SMALL, undefined, onPool(pool));
    expect(parallel.backend).toBe(serial.backend);
    expect(JSON.stringify(parallel)).toBe(JSON.stringify(serial));
    expect(pool.pool.stats).toEqual({ retries: 0, replacements: 0 });
    // The run really went through PBT, so states crossed workers between generations.
    expect(serial.lineage.learners.length).toBeGreaterThan(0);
  });

  it('a worker that exits mid-job is replaced, its job re-run, the results unchanged', async () => {
    const pool = await createLearnerPool(2, { fault: 'exit', afterJobs: 2, faultWorkers: [0] });
    pools.push(pool);
    const r = await runEvolve(SMALL, undefined, onPool(pool));
    expect(pool.pool.stats.replacements).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(r)).toBe(JSON.stringify(serial));
  });

  it('a worker that hangs past the job deadline is replaced, its job re-run, the results unchanged', async () => {
    // The deadline is far above a small job's time (a few seconds) and far below the test timeout.
    const pool = await createLearnerPool(2, { fault: 'hang', afterJobs: 1, faultWorkers: [1], jobDeadlineMs: 15_000 });
    pools.push(pool);
    const r = await runEvolve(SMALL, undefined, onPool(pool));
    expect(pool.pool.stats.replacements).toBeGreaterThanOrEqual(1);
    expect(pool.pool.stats.retries).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(r)).toBe(JSON.stringify(serial));
  });
});
