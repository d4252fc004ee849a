/**
 * A physics worker dying mid-run: the pool's supervision re-runs the batch on a replacement and
 * the run's results and content hash equal the in-process run's.
 */
import { describe, expect, it } from 'vitest';
import { createNodePool } from '../../workers/node-pool.ts';
import { startRun } from '../../src/runs/runner.ts';
import { inProcessRunner } from '../../src/runs/in-process.ts';
import { MemorySink } from '../../src/runs/sink.ts';
import { makeProvenance } from '../../src/runs/provenance.ts';
import { walkConfigSchema, walkExperiment } from './fixtures/walk.ts';

const provenance = makeProvenance({ mirageLab: 'x', packages: {}, runtime: 'x', backend: 'none' });
const config = walkConfigSchema.parse({ cells: 2, steps: 5, episodes: true });
const run = (batch: Parameters<typeof startRun>[0]['batch'], workers: number) =>
  startRun({ batch, workers, signal: new AbortController().signal, now: () => 't', experiment: walkExperiment, config, provenance, shard: null, sink: new MemorySink() });

describe('a worker dies mid-run', () => {
  it('the pool re-runs the batch; results and content hash are unchanged', async () => {
    const reference = await run(inProcessRunner(), 1);
    // Worker 0 exits on its 4th batch (process.exit mid-call); its replacement is healthy.
    const pool = await createNodePool(2, { fault: 'exit', afterBatches: 3, faultWorkers: [0] });
    try {
      const faulty = await run({ runBatch: (req) => pool.runBatch(req), close: async () => {} }, 2);
      expect(faulty.results).toEqual(reference.results);
      expect(faulty.contentHash).toBe(reference.contentHash);
      expect(pool.stats.replacements).toBeGreaterThanOrEqual(1);
      expect(pool.stats.retries).toBeGreaterThanOrEqual(1);
    } finally {
      await pool.close();
    }
  }, 120_000);
});
