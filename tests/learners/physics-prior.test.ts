// physics-prior: the ballistic model and its solver, CEM elites from graded and binary feedback,
// save/load, and the point of the family — the transfer gap against gaussian-policy on
// gravity-shifted probe tasks, measured and printed.
import { describe, expect, it } from 'vitest';
import { Stream } from '../../src/core/rng.ts';
import { InputError, WorldRuntime } from '../../src/core/runtime.ts';
import { gaussianPolicyFamily } from '../../src/learners/gaussian-policy.ts';
import { PhysicsPrior, physicsPriorFamily, predictRestX, selectElites, solveSpeed, type PhysicsParams } from '../../src/learners/physics-prior.ts';
import { initTfNode } from '../../src/learners/tf-node.ts';
import { projectile } from '../../worlds/projectile.ts';
import { drawTasks, gravityShiftedProbes, learnerEnv, passRate, train } from './loop.ts';

const env = learnerEnv();
const rt = new WorldRuntime(projectile);
const ideal: PhysicsParams = { gravityScale: 1, launchHeight: 1, slide: 0, drag: 0 };

function make(seed = 1, config: unknown = {}): PhysicsPrior {
  return physicsPriorFamily.create(env, physicsPriorFamily.parseConfig(config), seed) as PhysicsPrior;
}

describe('the ballistic model', () => {
  it('matches the closed-form drag-free range and its solver inverts it', () => {
    const g = 9.81;
    const v = 9;
    const a = Math.PI / 4;
    const vx = v * Math.cos(a);
    const vy = v * Math.sin(a);
    const closed = (vx * (vy + Math.sqrt(vy * vy + 2 * g * 1))) / g;
    expect(predictRestX(45, v, g, ideal)).toBeCloseTo(closed, 10);
    expect(predictRestX(45, v, g, { ...ideal, slide: 0.1 })).toBeCloseTo(closed + (0.1 * vx * vx) / g, 10);
    // Drag shortens the throw, continuously from zero drag.
    expect(predictRestX(45, v, g, { ...ideal, drag: 0.2 })).toBeLessThan(closed);
    expect(predictRestX(45, v, g, { ...ideal, drag: 1e-7 })).toBeCloseTo(closed, 4);
    for (const target of [3, 6.5, 10, 14]) {
      for (const p of [ideal, { ...ideal, drag: 0.1, slide: 0.15 }]) {
        const s = solveSpeed(45, target, g, p, 1, 15);
        expect(predictRestX(45, s, g, p)).toBeCloseTo(target, 6);
      }
    }
    expect(solveSpeed(45, 500, g, ideal, 1, 15)).toBe(15); // out of reach: clamps
  });

  it('elites: best fraction with ties, hits only under sparse binary feedback, none when all equal', () => {
    expect(selectElites([-3, -1, -2, -0.5], 0.5)).toEqual([3, 1]);
    expect(selectElites([0, 1, 0, 0, 0, 0, 0, 0], 0.25)).toEqual([1]);
    expect(selectElites([1, 1, 0, 1], 0.25).sort()).toEqual([0, 1, 3]);
    expect(selectElites([0, 0, 0], 0.25)).toEqual([]);
  });
});

describe('physics-prior learner', () => {
  it('declares its priors and capacity; rejects bad config and worlds without its features', () => {
    const l = make();
    expect(l.capacity).toBe(4);
    expect(l.priors.join('\n')).toMatch(/gravity/);
    expect(make(1, { fit: ['gravityScale'] }).capacity).toBe(1);
    expect(() => physicsPriorFamily.parseConfig({ angle: 45 })).toThrow(InputError);
    expect(() => physicsPriorFamily.parseConfig({ fit: ['mass'] })).toThrow(/learner\.physics-prior\.fit\.0/);
    const other = { ...env, featureNames: ['x0', 'x1'] };
    expect(() => physicsPriorFamily.create(other, physicsPriorFamily.parseConfig({}), 1)).toThrow(/needs features targetX \(or target1…targetK\) and gravity/);
  });

  it('is deterministic given the streams, and save/load round-trips', () => {
    const run = (): PhysicsPrior => {
      const l = make();
      train(l, rt, { seed: 4, episodes: 640, batch: 32, feedback: 'graded' });
      return l;
    };
    const a = run();
    const b = run();
    expect(Array.from(a.save().arrays.mean as Float64Array)).toEqual(Array.from(b.save().arrays.mean as Float64Array));
    const c = make();
    c.load(structuredClone(a.save()));
    const tasks = drawTasks(5, 'train', 10, 'sl').map((t) => t.features);
    expect(c.act(tasks, new Stream([1]), 'greedy')).toEqual(a.act(tasks, new Stream([1]), 'greedy'));
    expect(c.estimate()).toEqual(a.estimate());
    expect(() => c.load({ ...a.save(), config: { angleDeg: 30 } })).toThrow(/config differs/);
  });

  it('ignores experience it did not plan (no draw to credit)', () => {
    const l = make();
    const before = l.save();
    l.learn([{ features: [5, 9.81], action: [45, 7], feedback: 1, taskKey: 'x' }, { features: [6, 9.81], action: [45, 8], feedback: 0, taskKey: 'y' }], new Stream([1]));
    expect(Array.from(l.save().arrays.mean as Float64Array)).toEqual(Array.from(before.arrays.mean as Float64Array));
  });
});

describe('fitting unknowns from consequences', () => {
  it('learns air drag it was not told about, and still transfers to shifted gravity', () => {
    const params = { airDrag: 0.01 }; // matter-js frictionAir per step: roughly a linear drag of 0.6/s
    const dragEnv = learnerEnv(projectile, params);
    const evalTasks = drawTasks(7777, 'train', 200, 'eval', projectile, params);
    const probes = gravityShiftedProbes(7777, 200, params);
    const l = physicsPriorFamily.create(dragEnv, physicsPriorFamily.parseConfig({}), 1) as PhysicsPrior;
    const before = [passRate(l, rt, evalTasks, params), passRate(l, rt, probes, params)];
    train(l, rt, { seed: 1, episodes: 2000, batch: 32, feedback: 'graded', params });
    const after = [passRate(l, rt, evalTasks, params), passRate(l, rt, probes, params)];
    console.log(`airDrag 0.01: physics-prior train/probe pass ${before.map((x) => x.toFixed(2)).join('/')} untrained → ${after.map((x) => x.toFixed(2)).join('/')} after 2000 episodes; estimate ${JSON.stringify(l.estimate())}`);
    expect(before[0]).toBeLessThan(0.2);
    expect(after[0]).toBeGreaterThanOrEqual(0.8);
    expect(after[1]).toBeGreaterThanOrEqual(0.8);
    expect(l.estimate().drag).toBeGreaterThan(0.2);
  });
});

describe('transfer: compression vs causal prior', () => {
  const SEEDS = [1, 2, 3];
  const evalTasks = drawTasks(7777, 'train', 200, 'eval');
  const probes = gravityShiftedProbes(7777, 200);

  it('both learners learn; physics-prior keeps what it learned on gravity-shifted probes, gaussian-policy does not (seeds 1–3)', async () => {
    await initTfNode('wasm');
    expect(probes.every((t) => t.task.overrides?.gravity !== undefined && t.task.overrides.gravity !== 9.81)).toBe(true);
    const rows: { learner: string; feedback: string; seed: number; episodes: number; before: [number, number]; train: number; probe: number }[] = [];
    for (const seed of SEEDS) {
      for (const feedback of ['graded', 'binary'] as const) {
        const pp = make(seed);
        const before: [number, number] = [passRate(pp, rt, evalTasks), passRate(pp, rt, probes)];
        train(pp, rt, { seed, episodes: 1000, batch: 32, feedback });
        rows.push({ learner: 'physics-prior', feedback, seed, episodes: 1000, before, train: passRate(pp, rt, evalTasks), probe: passRate(pp, rt, probes) });
      }
      const gp = await gaussianPolicyFamily.create(env, gaussianPolicyFamily.parseConfig({}), seed);
      const before: [number, number] = [passRate(gp, rt, evalTasks), passRate(gp, rt, probes)];
      train(gp, rt, { seed, episodes: 10_000, batch: 64, feedback: 'graded' });
      rows.push({ learner: 'gaussian-policy', feedback: 'graded', seed, episodes: 10_000, before, train: passRate(gp, rt, evalTasks), probe: passRate(gp, rt, probes) });
      gp.dispose();
    }
    const lines = [
      `greedy GT pass rate: ${evalTasks.length} train-distribution tasks, ${probes.length} gravity-shifted probes (g×0.6 or ×1.5, targets in range)`,
      'learner          feedback seed episodes  untrained(train/probe)  train  probe    gap',
      ...rows.map(
        (r) =>
          `${r.learner.padEnd(16)} ${r.feedback.padEnd(8)} ${String(r.seed).padStart(4)} ${String(r.episodes).padStart(8)}  ${r.before[0].toFixed(2)}/${r.before[1].toFixed(2)}               ${r.train.toFixed(2)}   ${r.probe.toFixed(2)}  ${(r.train - r.probe).toFixed(2).padStart(5)}`,
      ),
    ];
    console.log(lines.join('\n'));
    const pp = rows.filter((r) => r.learner === 'physics-prior');
    const gp = rows.filter((r) => r.learner === 'gaussian-policy');
    expect(pp).toHaveLength(2 * SEEDS.length);
    expect(gp).toHaveLength(SEEDS.length);
    // Learning, trained against untrained on the same tasks. The ballistic prior already passes 0.81
    // of train tasks and 0.80 of probes untrained (its model is right up to its fitted unknowns) and
    // reached 1.00 / 1.00 on all three seeds: a gain of 0.19–0.20. Required on every run: ≥ 0.1 on
    // both (half the gain: more than sampling noise on 200 tasks, SE ≈ 0.03).
    for (const r of pp) {
      expect(r.train - r.before[0], `${r.feedback} seed ${r.seed} train`).toBeGreaterThanOrEqual(0.1);
      expect(r.probe - r.before[1], `${r.feedback} seed ${r.seed} probe`).toBeGreaterThanOrEqual(0.1);
      expect(r.probe).toBeGreaterThanOrEqual(0.8);
    }
    // gaussian-policy learned the train distribution (0.14 → 0.89–0.93 measured; required gain ≥ 0.5)
    // and kept little of it on the shifted probes (gap 0.81–0.83 measured; required > 0.3 per seed).
    for (const r of gp) {
      expect(r.train - r.before[0], `seed ${r.seed}`).toBeGreaterThanOrEqual(0.5);
      expect(r.probe, `seed ${r.seed}`).toBeLessThan(r.train - 0.3);
    }
    // The transfer gap between the two families, on the mean over seeds (measured 0.89–0.91; required 0.5).
    const meanOf = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(meanOf(pp.filter((r) => r.feedback === 'graded').map((r) => r.probe)) - meanOf(gp.map((r) => r.probe))).toBeGreaterThan(0.5);
  });
});
