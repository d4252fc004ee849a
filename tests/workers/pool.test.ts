// The physics pool with real Node workers: results independent of worker count, and every
// failure (crash, throw, hang, kill, bad request) ends in the same result or a clear error.
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { digestConsequences } from '../../src/core/digest.ts';
import { randomAction, randomTask, resolveParams, WorldRuntime, type BatchRequest, type EpisodeSpec } from '../../src/core/runtime.ts';
import { projectile } from '../../worlds/projectile.ts';
import { createNodePool, type NodeWorkerOptions } from '../../workers/node-pool.ts';
import { PhysicsPool, type PoolOptions } from '../../workers/pool.ts';

const request: BatchRequest = {
  world: 'projectile',
  params: {},
  seed: 20240611,
  episodes: { kind: 'random', split: 'train', start: 0, count: 400 },
};
const reference = digestConsequences(new WorldRuntime(projectile).runBatch(request).consequences);

const pools: PhysicsPool[] = [];
async function pool(workers: number, opts: NodeWorkerOptions & Omit<PoolOptions, 'workers' | 'factory'> = {}): Promise<PhysicsPool> {
  const p = await createNodePool(workers, opts);
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('PhysicsPool', () => {
  it('gives the in-process digest with 1 and with 2 workers', async () => {
    for (const workers of [1, 2]) {
      const p = await pool(workers);
      const progress: number[] = [];
      const r = await p.run(request, { onProgress: (done, total) => progress.push(done / total) });
      expect(r.consequences.map((c) => c.episode)).toEqual([...Array(400).keys()]);
      expect(digestConsequences(r.consequences)).toBe(reference);
      expect(progress.at(-1)).toBe(1);
    }
  });

  it('splits explicit episodes in any batch size and keeps their order', async () => {
    const rt = new WorldRuntime(projectile);
    const params = resolveParams(projectile, {});
    // Probe episodes 100..159 in a scrambled order, with trajectories (typed arrays cross the boundary).
    const explicit: EpisodeSpec[] = [];
    for (let i = 0; i < 60; i++) {
      const e = 100 + ((i * 37) % 60);
      explicit.push({ episode: e, task: randomTask(projectile, params, request.seed, 'probe', e), action: randomAction(projectile, params, request.seed, e) });
    }
    const req: BatchRequest = { ...request, episodes: { kind: 'explicit', items: explicit }, trajectory: true };
    const p = await pool(2);
    const r = await p.run(req, { batchSize: 7 });
    expect(r.consequences.map((c) => c.episode)).toEqual(explicit.map((s) => s.episode));
    expect(digestConsequences(r.consequences)).toBe(digestConsequences(rt.runBatch(req).consequences));
  });

  it('re-runs the batch of a worker killed mid-run', async () => {
    const p = await pool(2);
    let killed = false;
    const r = await p.run(request, {
      batchSize: 10,
      // Kill worker 0 only while it holds a batch, so the kill hits one in flight.
      onProgress: () => {
        if (!killed && p.workerStates()[0] === 'busy') {
          p.kill(0);
          killed = true;
        }
      },
    });
    expect(killed).toBe(true);
    expect(digestConsequences(r.consequences)).toBe(reference);
    expect(p.stats.retries).toBeGreaterThanOrEqual(1);
    expect(p.stats.replacements).toBeGreaterThanOrEqual(1);
  });

  it('streams batches in episode order through a worker kill, at most 2 batches per lane ahead of delivery', async () => {
    const p = await pool(2);
    const episodes: number[] = [];
    let maxAhead = 0;
    let killed = false;
    await p.stream(request, {
      batchSize: 10,
      onBatch: (cs) => {
        for (const c of cs) episodes.push(c.episode);
      },
      onProgress: (done) => {
        // Episodes finished but not yet delivered: a slow (re-run) batch makes later ones wait.
        maxAhead = Math.max(maxAhead, done - episodes.length);
        if (!killed && p.workerStates()[0] === 'busy') {
          p.kill(0);
          killed = true;
        }
      },
    });
    expect(killed).toBe(true);
    expect(episodes).toEqual([...Array(400).keys()]);
    // 2 workers × 2 pipeline lanes × 2 batches ahead per lane × 10 episodes.
    expect(maxAhead).toBeLessThanOrEqual(80);
  });

  it('a stream whose consumer throws rejects with that error', async () => {
    const p = await pool(2);
    await expect(p.stream(request, { batchSize: 50, onBatch: () => { throw new Error('consumer failed'); } })).rejects.toThrow('consumer failed');
  });

  it.each(['throw', 'hang', 'exit'] as const)('recovers from a first-generation %s fault', async (fault) => {
    // The deadline must outlast a healthy batch on a loaded machine (at a load average of 30 a
    // replacement worker's start-up alone passed 1.5 s and the healthy retries timed out too);
    // only the hang case waits it out, once.
    const p = await pool(2, { fault, afterBatches: 1, deadlineMs: () => 8000 });
    const r = await p.run(request);
    expect(digestConsequences(r.consequences)).toBe(reference);
    expect(p.stats.replacements).toBeGreaterThanOrEqual(1);
    expect(p.stats.retries).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['throw', /worker threw Error: injected fault: throw/],
    ['exit', /exited: exit code 3/],
    ['hang', /gave no answer within 500 ms/],
  ] as const)('fails with a clear error when every generation faults (%s)', async (fault, cause) => {
    const p = await pool(2, { fault, faultGenerations: 'all', deadlineMs: () => 500, maxRetries: 2 });
    const t0 = performance.now();
    const err = await p.run(request).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err?.message).toMatch(/world "projectile", train episodes \d+\.\.\d+ \(\d+\) failed 3 times; last cause: /);
    expect(err?.message).toMatch(cause);
    expect(performance.now() - t0).toBeLessThan(30_000);
  });

  it('rejects a bad request with its input error, without retries', async () => {
    const p = await pool(1);
    await expect(p.run({ ...request, world: 'nope' })).rejects.toThrow(/world: "nope" is not allowed; expected one of .*projectile/);
    await expect(p.run({ ...request, params: { gravity: 1000 } })).rejects.toMatchObject({ name: 'InputError', message: expect.stringMatching(/params\.gravity/) });
    await expect(p.runBatch({ ...request, seed: 1.5 })).rejects.toThrow(/seed/);
    // Not plain data (a function): fails on the caller's side of the boundary, and is not retried.
    await expect(p.runBatch({ ...request, params: { gravity: () => 9.81 } })).rejects.toThrow(/not plain data/);
    expect(p.stats).toEqual({ retries: 0, replacements: 0 });
    // The pool is still healthy.
    const r = await p.run({ ...request, episodes: { kind: 'random', split: 'train', start: 0, count: 5 } });
    expect(r.consequences).toHaveLength(5);
  });

  it('reports the deterministic Math inside every worker', async () => {
    const p = await pool(2);
    expect(await p.ping()).toEqual([
      { ok: true, deterministicMath: true },
      { ok: true, deterministicMath: true },
    ]);
  });

  it('fails fast when a worker cannot start', async () => {
    const create = PhysicsPool.create({
      workers: 1,
      startDeadlineMs: 5000,
      factory: {
        spawn() {
          const w = new Worker('throw new Error("broken import")', { eval: true });
          return {
            endpoint: { postMessage: (m: unknown) => w.postMessage(m), addEventListener: () => undefined, removeEventListener: () => undefined },
            terminate: async () => void (await w.terminate()),
            onExit: (cb) => w.once('exit', (code) => cb(`exit code ${code}`)),
            onError: (cb) => w.on('error', (e) => cb(e.message)),
          };
        },
      },
    });
    await expect(create).rejects.toThrow(/failed to start: .*broken import/);
  });
});
