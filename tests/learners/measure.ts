/**
 * Full-budget measurement of the learner targets (too slow for the unit-test budget):
 *   npx tsx tests/learners/measure.ts [--seeds 5] [--episodes 20000] [--json]
 *
 * Prints, on projectile with default parameters: the greedy ground-truth pass rate on held-out
 * train-distribution tasks along training, for gaussian-policy with graded and with binary
 * feedback; and the transfer gap (train vs gravity-shifted probe tasks) of gaussian-policy and
 * physics-prior.
 */
import { WorldRuntime } from '../../src/core/runtime.ts';
import { gaussianPolicyFamily } from '../../src/learners/gaussian-policy.ts';
import { physicsPriorFamily } from '../../src/learners/physics-prior.ts';
import { initTfNode } from '../../src/learners/tf-node.ts';
import type { LearnerFamily } from '../../src/learners/types.ts';
import { projectile } from '../../worlds/projectile.ts';
import { drawTasks, gravityShiftedProbes, learnerEnv, passRate, train, type CurvePoint, type LoopFeedback } from './loop.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const seeds = Array.from({ length: arg('seeds', 5) }, (_, i) => i + 1);
const episodes = arg('episodes', 20_000);
const json = process.argv.includes('--json');

const init = await initTfNode();
const rt = new WorldRuntime(projectile);
const evalTasks = drawTasks(7777, 'train', 300, 'eval');
const probes = gravityShiftedProbes(7777, 300);

interface Run {
  family: string;
  feedback: LoopFeedback;
  seed: number;
  curve: CurvePoint[];
  episodesTo80: number | null;
  train: number;
  probe: number;
  seconds: number;
}

async function run(family: LearnerFamily<never>, feedback: LoopFeedback, seed: number, budget: number, evalEvery: number): Promise<Run> {
  const learner = await family.create(learnerEnv(), family.parseConfig({}), seed);
  const t0 = performance.now();
  const curve = train(learner, rt, { seed, episodes: budget, batch: 64, feedback, evalTasks, evalEvery });
  const seconds = (performance.now() - t0) / 1000;
  const hit = curve.find((c) => c.gtPassRate >= 0.8);
  const out: Run = {
    family: family.id,
    feedback,
    seed,
    curve,
    episodesTo80: hit ? hit.episodes : null,
    train: (curve.at(-1) as CurvePoint).gtPassRate,
    probe: passRate(learner, rt, probes),
    seconds,
  };
  learner.dispose();
  return out;
}

const runs: Run[] = [];
for (const feedback of ['graded', 'binary'] as const) {
  for (const seed of seeds) runs.push(await run(gaussianPolicyFamily as unknown as LearnerFamily<never>, feedback, seed, episodes, 1000));
}
for (const feedback of ['graded', 'binary'] as const) {
  for (const seed of seeds) runs.push(await run(physicsPriorFamily as unknown as LearnerFamily<never>, feedback, seed, 2000, 200));
}

const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
if (json) {
  console.log(JSON.stringify({ backend: init, episodes, seeds, runs }));
} else {
  console.log(`backend ${init.backend}${init.fallbackReason ? ` (${init.fallbackReason})` : ''}; eval: ${evalTasks.length} train-distribution tasks, ${probes.length} gravity-shifted probes`);
  console.log('\ngaussian-policy: greedy GT pass rate on train-distribution tasks vs episodes');
  const gp = runs.filter((r) => r.family === 'gaussian-policy');
  const points = (gp[0] as Run).curve.map((c) => c.episodes);
  console.log(['feedback seed', ...points.map((e) => `${e / 1000}k`.padStart(5)), ' to0.8'].join(' '));
  for (const r of gp) console.log([`${r.feedback.padEnd(7)} ${String(r.seed).padStart(4)}`, ...r.curve.map((c) => c.gtPassRate.toFixed(2).padStart(5)), String(r.episodesTo80 ?? '-').padStart(6)].join(' '));
  for (const fb of ['graded', 'binary'] as const) {
    const rs = gp.filter((r) => r.feedback === fb);
    console.log([`${fb.padEnd(7)} mean`, ...points.map((_, i) => mean(rs.map((r) => (r.curve[i] as CurvePoint).gtPassRate)).toFixed(2).padStart(5))].join(' '));
  }
  console.log('\ntransfer gap (greedy GT pass rate; mean over seeds)');
  console.log('family           feedback episodes  train  probe(g×0.6|×1.5)   gap');
  for (const family of ['gaussian-policy', 'physics-prior']) {
    for (const fb of ['graded', 'binary'] as const) {
      const rs = runs.filter((r) => r.family === family && r.feedback === fb);
      const tr = mean(rs.map((r) => r.train));
      const pr = mean(rs.map((r) => r.probe));
      const budget = (rs[0] as Run).curve.at(-1)?.episodes ?? 0;
      console.log(`${family.padEnd(16)} ${fb.padEnd(8)} ${String(budget).padStart(8)}  ${tr.toFixed(2).padStart(5)}  ${pr.toFixed(2).padStart(17)}  ${(tr - pr).toFixed(2).padStart(5)}`);
    }
  }
  console.log(`\nwall time: ${runs.reduce((s, r) => s + r.seconds, 0).toFixed(1)} s of training`);
}
