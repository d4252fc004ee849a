// Issue 10's escape, measured on projectile with a ball on seeds chosen here (8 generations of 4
// learners, small suites): at α = 0.75, starting from the designer's landingError (blind to
// rolling), the meta-agent steered by the gate's bought verdicts gets a metric past the gate that
// no longer reads landingError; unsteered (steering 0, the self-flattering preference alone) it
// does not — the issue recorded "α = 0.75 and 0.9 never leave landingError".
import { beforeAll, describe, expect, it } from 'vitest';
import { runEvolve, type EvolveRecord } from '../../src/experiments/evolve.ts';
import { initTfNode } from '../../src/learners/tf-node.ts';

const SEEDS = [11, 12, 13] as const;
const BASE = { world: 'projectile', params: { body: 'ball' }, alpha: 0.75, generations: 8, population: 4, episodesPerGeneration: 128, anchorTasks: 16, probeTasks: 8, trainTasks: 64, evalTasks: 16, warmup: 2, gtLoss: false };
const steered: EvolveRecord[] = [];
const plain: EvolveRecord[] = [];
const left = (r: EvolveRecord): boolean => r.generations.some((g) => !/\blandingError\b/.test(g.metric));

beforeAll(async () => {
  await initTfNode();
  for (const seed of SEEDS) {
    steered.push(await runEvolve({ ...BASE, seed, steering: 1 }));
    plain.push(await runEvolve({ ...BASE, seed, steering: 0 }));
  }
  for (const [arm, rs] of [['steered', steered], ['plain', plain]] as const) {
    for (const r of rs) console.log(`${arm} seed ${r.seed}: metrics ${r.generations.map((g) => g.metric).join(' | ')}; anchor GT ${r.generations.map((g) => g.anchorGt.toFixed(2)).join(' ')}`);
  }
}, 900_000);

describe('steering lets anchored evolution leave the designer metric (projectile, ball, α = 0.75)', () => {
  it('steered: a metric that does not read landingError is in force on at least 2 of 3 seeds; unsteered: on at most 1', () => {
    expect(steered.filter(left).length).toBeGreaterThanOrEqual(2);
    expect(plain.filter(left).length).toBeLessThanOrEqual(1);
  });

  it('what the steered runs adopt agrees better with ground truth than landingError did', () => {
    // Disagreement (1 − τ-b with the GT margin on all anchor cells) in the final generation against
    // the last generation on landingError, on the seeds that left it: lower on each (margin 0.05).
    for (const r of steered.filter(left)) {
      const before = r.generations.filter((g) => /\blandingError\b/.test(g.metric)).at(-1)!;
      const after = r.generations.at(-1)!;
      expect(after.disagreement!).toBeLessThan(before.disagreement! - 0.05);
    }
  });
});
