// The drift experiment's bookkeeping on a tiny sweep (projectile with a ball, α ∈ {0, ½, 1}, anchor
// budgets 0 and 60, one seed, 3 generations): the results shape the issue specifies, the anchor
// budget counted per run, shards that combine to the unsharded results, and the `evolve --sweep`
// alias's refusals. The dial's science is in dial.test.ts and steering-escape.test.ts; the full
// numbers are in docs/experiments.md.
import { beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIO } from '../../src/cli/main.ts';
import { closestNeighbours, combineDrift, driftConfigSchema, driftExperiment, type DriftResults } from '../../src/experiments/drift.ts';
import { getExperiment } from '../../src/experiments/registry.ts';
import { inProcessRunner } from '../../src/experiments/runner.ts';
import type { ExperimentEvent } from '../../src/experiments/types.ts';
import { initTfNode } from '../../src/learners/tf-node.ts';

const CONFIG = driftConfigSchema.parse({
  worlds: [{ world: 'projectile', params: { body: 'ball' } }],
  alphas: [0, 0.5, 1],
  budgets: [0, 60],
  seeds: 1,
  seed: 4,
  generations: 3,
  population: 2,
  episodesPerGeneration: 32,
  warmup: 1,
  evolve: { anchorTasks: 8, probeTasks: 4, heldOutTasks: 8, trainTasks: 16, evalTasks: 4 },
});

async function collect(cells?: number[]): Promise<ExperimentEvent[]> {
  const out: ExperimentEvent[] = [];
  const ctx = { batch: inProcessRunner(), workers: 1, signal: new AbortController().signal, ...(cells ? { cells } : {}) };
  for await (const e of driftExperiment.run(CONFIG, ctx)) out.push(e);
  return out;
}

let events: ExperimentEvent[];
let results: DriftResults;
beforeAll(async () => {
  await initTfNode();
  events = await collect();
  results = (events.at(-1) as { results: DriftResults }).results;
}, 600_000);

describe('drift: results', () => {
  it('is registered as a sweep with one cell per (world, budget, α, seed)', () => {
    expect(getExperiment('drift')).toBe(driftExperiment);
    expect(driftExperiment.sweep?.cellCount(CONFIG)).toBe(6);
    expect(events.filter((e) => e.type === 'cell')).toHaveLength(6);
  });

  it('results.cells[] holds exactly the issue’s fields per (world, α, budget)', () => {
    expect(results.cells).toHaveLength(6);
    for (const c of results.cells) {
      expect(Object.keys(c).sort()).toEqual(['alpha', 'anchorVerdictsBought', 'bias', 'budget', 'finalDisagreement', 'finalGtLoss', 'finalGtLossCi', 'maxDrift', 'params', 'world'].sort());
      expect(c.world).toBe('projectile');
      expect(c.params).toEqual({ body: 'ball' });
      // One seed: the interval comes from the two held-out pass rates, so it brackets the value.
      expect(c.finalGtLossCi![0]).toBeLessThan(c.finalGtLoss!);
      expect(c.finalGtLossCi![1]).toBeGreaterThan(c.finalGtLoss!);
    }
    expect(results.cells.map((c) => [c.budget, c.alpha])).toEqual([[0, 0], [0, 0.5], [0, 1], [60, 0], [60, 0.5], [60, 1]]);
  });

  it('counts anchor verdicts per run and keeps within the run budget', () => {
    for (const r of results.runs) expect(r.anchorVerdictsBought).toBeLessThanOrEqual(r.budget);
    // α = 0 buys nothing and α = 1 is locked (nothing to check): only interior α spend, and only
    // when the run budget allows.
    for (const c of results.cells) {
      if (c.alpha === 0.5 && c.budget === 60) expect(c.anchorVerdictsBought).toBeGreaterThan(0);
      else expect(c.anchorVerdictsBought).toBe(0);
    }
  });

  it('bias is one number per world and seed (α and budget do not change the designer reference)', () => {
    expect(new Set(results.runs.map((r) => r.bias)).size).toBe(1);
    expect(results.bias).toEqual([expect.objectContaining({ world: 'projectile', runs: 1 })]);
    // Gao fits per (world, α, budget) and form, with R² where a fit exists.
    expect(results.gao).toHaveLength(12);
  });

  it('two shards combine to the unsharded results', async () => {
    const a = await collect([0, 1, 2]);
    const b = await collect([3, 4, 5]);
    const cellResults = [...a, ...b].filter((e): e is Extract<ExperimentEvent, { type: 'cell' }> => e.type === 'cell').map((e) => e.result);
    expect(JSON.stringify(combineDrift(CONFIG, cellResults))).toBe(JSON.stringify(results));
  });
});

describe('evolve --sweep is an alias of run drift', () => {
  const run = async (...argv: string[]): Promise<{ code: number; err: string }> => {
    let err = '';
    const io: CliIO = { out: () => {}, err: (t) => (err += `${t}\n`), progress: false };
    return { code: await main(argv, io), err };
  };
  it('refuses --alpha, --anchor-budget and non-consecutive seeds with exit 2', async () => {
    expect(await run('evolve', '--world', 'projectile', '--sweep', '--alpha', '0.5')).toMatchObject({ code: 2, err: expect.stringMatching(/--alpha/) });
    expect(await run('evolve', '--world', 'projectile', '--sweep', '--anchor-budget', '50')).toMatchObject({ code: 2, err: expect.stringMatching(/--anchor-budget/) });
    expect(await run('evolve', '--world', 'projectile', '--sweep', '--seeds', '1,3')).toMatchObject({ code: 2, err: expect.stringMatching(/consecutive/) });
  });
});

describe('closestNeighbours: does the whole dial matter?', () => {
  const cell = (alpha: number, finalGtLoss: number | null, finalDisagreement: number | null) => ({ alpha, finalGtLoss, finalDisagreement });
  it('names the neighbouring pair that ended closest, by the larger of its gtLoss and disagreement gaps', () => {
    // 0/0.25 differ by 0.4 in gtLoss; 0.25/0.5 by 0.02 in gtLoss but 0.3 in disagreement; 0.5/0.75 by 0.04 and 0.03.
    const got = closestNeighbours([cell(0, 0.5, 0.7), cell(0.25, 0.1, 0.1), cell(0.5, 0.12, 0.4), cell(0.75, 0.16, 0.43), cell(1, 0.7, 0.9)]);
    expect(got!.alphas).toEqual([0.5, 0.75]);
    expect(got!.apart).toBeCloseTo(0.04, 12);
  });
  it('an undefined mean gives no difference on that figure; fewer than two α give null', () => {
    expect(closestNeighbours([cell(0.5, 0.3, null), cell(0.75, 0.31, 0.6)])).toEqual({ alphas: [0.5, 0.75], apart: expect.closeTo(0.01, 12) });
    expect(closestNeighbours([cell(0.5, 0.3, 0.1)])).toBeNull();
  });
  it('is in every (world, budget) shape of the sweep', () => {
    for (const sh of results.shape) expect(sh.closestNeighbours!.alphas).toHaveLength(2);
  });
});
