/**
 * `bench physics`: the same projectile scene timed three ways in one process run —
 * a raw matter-js loop, the sandbox path in one worker (simulation + measurements + checks +
 * messaging), and the pool with one worker per core — so the ratios are measured together.
 */
import Matter from 'matter-js';
import { randomAction, randomTask, resolveParams, type BatchRequest } from '../core/runtime.ts';
import { createEngine, launch, restoreSnapshot, step, STEP_S, takeSnapshot, UNITS_PER_M, engineToMps } from '../../worlds/shared/engine.ts';
import { projectile } from '../../worlds/projectile.ts';
import type { PhysicsPool } from '../../workers/pool.ts';

const { Bodies, Composite } = Matter;

/** Benchmark results (episodes per second, and their ratios). */
export interface PhysicsBench {
  episodes: number;
  rawEpisodesPerSecond: number;
  oneWorkerEpisodesPerSecond: number;
  poolEpisodesPerSecond: number;
  workers: number;
  ratioToRaw: number;
  poolSpeedup: number;
  /** Mean physics steps per episode in the raw loop and in the sandbox (should agree). */
  rawMeanSteps: number;
  sandboxMeanSteps: number;
}

/** Options: episodes per timing, repetitions (best of), and a pool factory. */
export interface PhysicsBenchOptions {
  episodes?: number;
  repeats?: number;
  seed?: number;
  makePool: (workers: number) => Promise<PhysicsPool>;
  workers: number;
}

/**
 * The raw loop: the projectile scene written directly against matter-js, reusing one engine
 * through a snapshot restore, stopping on the same rest rule. No measurements, no checks.
 */
function rawLoop(episodes: readonly { angle: number; speed: number }[]): { seconds: number; steps: number } {
  const p = resolveParams(projectile, {}) as { gravity: number; friction: number; restitution: number; airDrag: number; radius: number; launchHeight: number; timeLimit: number };
  const engine = createEngine(p.gravity);
  const ground = Bodies.rectangle(27.5 * UNITS_PER_M, 0.5 * UNITS_PER_M, 65 * UNITS_PER_M, UNITS_PER_M, { isStatic: true, friction: p.friction, frictionStatic: p.friction, restitution: 0 });
  const body = Bodies.circle(0, -p.launchHeight * UNITS_PER_M, p.radius * UNITS_PER_M, { friction: p.friction, frictionStatic: p.friction, restitution: p.restitution, frictionAir: p.airDrag, inertia: Infinity });
  Composite.add(engine.world, [ground, body]);
  const snap = takeSnapshot(engine);
  const maxSteps = Math.round(p.timeLimit / STEP_S);
  let steps = 0;
  const t0 = performance.now();
  for (const e of episodes) {
    restoreSnapshot(snap);
    const a = (e.angle * Math.PI) / 180;
    launch(body, e.speed * Math.cos(a), e.speed * Math.sin(a));
    let grounded = false;
    let rest = 0;
    for (let s = 0; s < maxSteps; s++) {
      step(engine);
      steps++;
      if (!grounded && -body.position.y / UNITS_PER_M - p.radius <= 0.01) grounded = true;
      if (grounded && engineToMps(body.speed) < 0.02) {
        if (++rest >= 10) break;
      } else rest = 0;
    }
  }
  return { seconds: (performance.now() - t0) / 1000, steps };
}

async function timePool(pool: PhysicsPool, req: BatchRequest, batchSize: number): Promise<{ seconds: number; steps: number }> {
  const t0 = performance.now();
  const r = await pool.run(req, { batchSize });
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, steps: r.consequences.reduce((a, c) => a + c.steps, 0) };
}

/** Runs the three timings (best of `repeats` each, after a warm-up) and their ratios. */
export async function benchPhysics(opts: PhysicsBenchOptions): Promise<PhysicsBench> {
  const n = opts.episodes ?? 6000;
  const repeats = opts.repeats ?? 3;
  const seed = opts.seed ?? 1;
  const params = resolveParams(projectile, {});
  // The same episodes in all three: tasks and actions drawn exactly as the sandbox draws them.
  const episodes = Array.from({ length: n }, (_, e) => {
    randomTask(projectile, params, seed, 'train', e);
    const [angle, speed] = randomAction(projectile, params, seed, e) as [number, number];
    return { angle, speed };
  });
  const req: BatchRequest = { world: 'projectile', params: {}, seed, episodes: { kind: 'random', split: 'train', start: 0, count: n } };

  const one = await opts.makePool(1);
  const many = await opts.makePool(opts.workers);
  try {
    // Same batch size in both pools, so the speed-up compares like with like.
    const batchSize = Math.ceil(n / (opts.workers * 4));
    rawLoop(episodes.slice(0, 500));
    await timePool(one, req, batchSize);
    await timePool(many, req, batchSize);
    let raw = { seconds: Infinity, steps: 0 };
    let oneW = { seconds: Infinity, steps: 0 };
    let pool = { seconds: Infinity, steps: 0 };
    // Interleave the three so a burst of load on a shared machine hits all of them alike.
    for (let r = 0; r < repeats; r++) {
      const a = rawLoop(episodes);
      if (a.seconds < raw.seconds) raw = a;
      const b = await timePool(one, req, batchSize);
      if (b.seconds < oneW.seconds) oneW = b;
      const c = await timePool(many, req, batchSize);
      if (c.seconds < pool.seconds) pool = c;
    }
    const rawEps = n / raw.seconds;
    const oneEps = n / oneW.seconds;
    const poolEps = n / pool.seconds;
    return {
      episodes: n,
      rawEpisodesPerSecond: Math.round(rawEps),
      oneWorkerEpisodesPerSecond: Math.round(oneEps),
      poolEpisodesPerSecond: Math.round(poolEps),
      workers: opts.workers,
      ratioToRaw: Number((oneEps / rawEps).toFixed(3)),
      poolSpeedup: Number((poolEps / oneEps).toFixed(3)),
      rawMeanSteps: Number((raw.steps / n).toFixed(2)),
      sandboxMeanSteps: Number((oneW.steps / n).toFixed(2)),
    };
  } finally {
    await Promise.all([one.close(), many.close()]);
  }
}
