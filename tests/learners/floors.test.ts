/**
 * Every world has a learner that reaches its ground-truth floor (issue 9): GT pass rate ≥ 0.75
 * within 20,000 episodes on every world (multi-target at its default k = 4), ≥ 0.9 on guess
 * within 400 episodes. One test per row of docs/learners.md, run as the CLI's `train` runs it
 * (runTraining, default world parameters and metric), three seeds each.
 *
 * Budgets here are the documented budget points, all far below 20,000; only the evaluation is
 * lighter than the CLI's (one curve point on 64 train tasks instead of 20 on 128), which changes
 * no learning: the learner never sees evaluation episodes.
 */
import { describe, expect, it } from 'vitest';
import { runTraining } from '../../src/experiments/train.ts';
import { initTfNode } from '../../src/learners/tf-node.ts';

interface Row {
  world: string;
  learner: string;
  feedback: 'binary' | 'hotcold' | 'graded' | 'scheduled';
  episodes: number;
  floor: number;
  /** Why the assertion has the margin it has (measured numbers in docs/learners.md). */
  why: string;
}

const SEEDS = [1, 2, 3];

const ROWS: Row[] = [
  { world: 'projectile', learner: 'cem', feedback: 'graded', episodes: 1024, floor: 0.75, why: 'measured 1.00 / 1.00 / 0.89 at 1,024 (CLI evaluation); seeds 1 and 2 pass ≥ 0.97 from ~450 episodes' },
  { world: 'pusher', learner: 'cem', feedback: 'graded', episodes: 1024, floor: 0.75, why: 'measured 0.99 / 0.87 / 1.00 at 1,024' },
  { world: 'multi-target', learner: 'physics-prior', feedback: 'graded', episodes: 512, floor: 0.75, why: 'the ballistic prior aims all four throws; measured 1.00 at every point' },
  { world: 'hoops', learner: 'physics-prior', feedback: 'graded', episodes: 512, floor: 0.75, why: 'measured 1.00 at every point up to 10,000 (seed 1)' },
  { world: 'sensor', learner: 'physics-prior', feedback: 'graded', episodes: 1024, floor: 0.75, why: 'measured 1.00 up to 1,500 episodes; it falls later (0.52 at 10,000, seed 1), see docs' },
  { world: 'flip', learner: 'cem', feedback: 'graded', episodes: 2048, floor: 0.75, why: 'measured ≥ 0.99 from 1,800 (seed 1) and 1,200 (seeds 2, 3) episodes on' },
  { world: 'guess', learner: 'bayes-guesser', feedback: 'graded', episodes: 400, floor: 0.9, why: 'graded distance pins the target in one or two guesses; measured 1.00 at 400' },
  { world: 'balance', learner: 'policy-gradient', feedback: 'graded', episodes: 512, floor: 0.75, why: 'measured 1.00 on seeds 1 and 2 at 512 (10 s upright on every eval task); 0.55 / 0.00 / 0.14 at 256' },
];

describe('ground-truth floors: one learner per world reaches its floor within its documented budget', () => {
  for (const row of ROWS) {
    it(`${row.world}: ${row.learner}, ${row.feedback}, ${row.episodes} episodes → GT ≥ ${row.floor} (seeds ${SEEDS.join(', ')})`, { timeout: 300_000 }, async () => {
      await initTfNode();
      const gt: number[] = [];
      for (const seed of SEEDS) {
        const r = await runTraining({ world: row.world, learner: row.learner, feedback: row.feedback, episodes: row.episodes, seed, evalPoints: 1, evalTasks: 64 });
        gt.push(r.final.gtPassRate);
      }
      console.log(`${row.world} ${row.learner} ${row.feedback} ${row.episodes}: GT ${gt.map((g) => g.toFixed(3)).join(' / ')} (${row.why})`);
      // The claim is the floor itself: the mean over three seeds reaches it and so does a
      // majority of seeds. The margin is the distance from the measured values to the floor
      // (row.why); a learner that regresses to the floor's neighbourhood fails here.
      const mean = gt.reduce((a, b) => a + b, 0) / gt.length;
      expect(mean).toBeGreaterThanOrEqual(row.floor);
      expect(gt.filter((g) => g >= row.floor).length).toBeGreaterThanOrEqual(2);
    });
  }
});
