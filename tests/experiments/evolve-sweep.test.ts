// The α sweep as a function: runs the same evolve configuration at each α and seed and reduces
// them to the frontier (means over seeds) with Gao's fits pooled over seeds. A tiny configuration
// keeps it fast; it tests the sweep's bookkeeping, not the dial's science — that claim, on three
// seeds with margins, is in evolve-goodhart.test.ts (b) and evolve-honeypot.test.ts.
// Full-size numbers: `mirage-lab evolve --world projectile --sweep`.
import { beforeAll, describe, expect, it } from 'vitest';
import { frontierLines } from '../../src/experiments/evolve-report.ts';
import { runEvolve } from '../../src/experiments/evolve.ts';
import { runAlphaSweep, SWEEP_ALPHAS, type SweepResult } from '../../src/experiments/sweep.ts';
import { initTfNode } from '../../src/learners/tf-node.ts';

const TINY = { world: 'projectile', generations: 4, population: 2, episodesPerGeneration: 64, anchorTasks: 8, probeTasks: 8, trainTasks: 32, evalTasks: 8, warmup: 1 };
const SEEDS = [1, 2, 3];
const ALPHAS = [0, 1];
let sweep: SweepResult;
const seen: string[] = [];
beforeAll(async () => {
  await initTfNode();
  sweep = await runAlphaSweep(TINY, { alphas: ALPHAS, seeds: SEEDS }, (r, done, total) => seen.push(`${r.alpha}/${r.seed} ${done}/${total}`));
  for (const l of frontierLines(sweep)) console.log(l);
}, 300_000);

describe('the α sweep', () => {
  it('defaults to the five gate strengths of the frontier', () => {
    expect(SWEEP_ALPHAS).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it('runs every (α, seed) once, in order, and reports progress', () => {
    expect(sweep.runs.map((r) => [r.alpha, r.seed])).toEqual(ALPHAS.flatMap((a) => SEEDS.map((s) => [a, s])));
    expect(seen).toEqual(['0/1 1/6', '0/2 2/6', '0/3 3/6', '1/1 4/6', '1/2 5/6', '1/3 6/6']);
    expect(sweep.frontier.map((p) => [p.alpha, p.runs])).toEqual([[0, 3], [1, 3]]);
  });

  it('a sweep run is the evolve run of that (config, α, seed): the sweep adds nothing to it', async () => {
    const direct = await runEvolve({ ...TINY, alpha: 0, seed: 2 });
    expect(sweep.runs[1]!.summary).toEqual(direct.summary);
  });

  it('each frontier point is the mean over its seeds (checked against single-seed sweeps)', async () => {
    // The same α over seeds one at a time: the pooled point must be their mean, and the pooled Gao
    // fit must use every seed's points (generations × seeds).
    const single = await Promise.all(SEEDS.map((seed) => runAlphaSweep(TINY, { alphas: [0], seeds: [seed] })));
    const p = sweep.frontier[0]!;
    const each = single.map((s) => s.frontier[0]!);
    const avg = (f: (q: (typeof each)[number]) => number): number => each.reduce((a, q) => a + f(q), 0) / each.length;
    expect(p.finalProbeGt).toBeCloseTo(avg((q) => q.finalProbeGt), 12);
    expect(p.finalAnchorGt).toBeCloseTo(avg((q) => q.finalAnchorGt), 12);
    expect(p.anchorGtDrop).toBeCloseTo(avg((q) => q.anchorGtDrop), 12);
    expect(p.reached).toBe(each.reduce((a, q) => a + q.reached, 0));
    for (const key of ['selection', 'rl'] as const) {
      expect(p.gao[key]?.n).toBe(TINY.generations * SEEDS.length);
      for (const q of each) expect(q.gao[key]?.n).toBe(TINY.generations);
    }
  });
});
