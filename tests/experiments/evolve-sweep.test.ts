// The α sweep (0, 0.25, 0.5, 0.75, 1) as a function: the trade-off frontier — final probe ground
// truth and episodes to the GT threshold against α — with Gao's fits of gold against d. A reduced
// configuration (12 generations, 4 learners, one seed) keeps it fast; the frontier is printed.
// Full-size numbers (30 generations, several seeds): `mirage-lab evolve --world projectile --sweep`.
import { beforeAll, describe, expect, it } from 'vitest';
import { frontierLines } from '../../src/experiments/evolve-report.ts';
import { runAlphaSweep, SWEEP_ALPHAS, type SweepResult } from '../../src/experiments/sweep.ts';
import { initTfNode } from '../../src/learners/tf-node.ts';

let sweep: SweepResult;
beforeAll(async () => {
  await initTfNode();
  sweep = await runAlphaSweep({ world: 'projectile', generations: 12, population: 4 }, { seeds: [3] });
  for (const l of frontierLines(sweep)) console.log(l);
}, 180_000);

describe('the α sweep', () => {
  it('covers the five gate strengths, one frontier point each, every run summarised', () => {
    expect(SWEEP_ALPHAS).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(sweep.frontier.map((p) => p.alpha)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(sweep.runs).toHaveLength(5);
    for (const p of sweep.frontier) {
      expect(p.runs).toBe(1);
      expect(p.finalProbeGt).toBeGreaterThanOrEqual(0);
      expect(p.finalProbeGt).toBeLessThanOrEqual(1);
      expect(p.reached).toBeLessThanOrEqual(1);
    }
  });

  it('reports Gao fits of gold against d for every α', () => {
    for (const p of sweep.frontier) {
      for (const fit of [p.gao.selection, p.gao.rl]) {
        expect(fit).not.toBeNull();
        expect(fit!.n).toBe(12);
        expect(Number.isFinite(fit!.a) && Number.isFinite(fit!.b)).toBe(true);
      }
    }
  });

  it('the ends of the dial: α = 1 never drifts; α = 0 drifts and buys no ground truth', () => {
    const [open, , , , locked] = sweep.frontier;
    expect(locked!.finalDisagreement).toBe(0);
    expect(open!.finalDisagreement!).toBeGreaterThan(0.2);
    expect(open!.anchorGtDrop).toBeGreaterThan(locked!.anchorGtDrop);
  });
});
