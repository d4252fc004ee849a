import { afterAll, describe, expect, it } from 'vitest';
import { digestConsequences } from '../../src/core/digest.ts';
import { linearPolicy, type PolicySpec } from '../../src/core/policy.ts';
import { batchRequestSchema, randomPolicy, randomTask, resolveParams, WorldRuntime, type BatchRequest, type EpisodeSpec } from '../../src/core/runtime.ts';
import type { Consequence } from '../../src/core/types.ts';
import { balance } from '../../worlds/balance.ts';
import { projectile } from '../../worlds/projectile.ts';
import { createNodePool } from '../../workers/node-pool.ts';
import type { PhysicsPool } from '../../workers/pool.ts';

// The closed-loop contract: lockstep episodes, one engine and one stream each, so an episode's
// bits never depend on the batch around it; policies cross the worker boundary as plain data.
const params = resolveParams(balance, {});
const space = balance.actionSpace(params as never);
/** Stabilising gains in action units (N per unit of x, v, angle, angular velocity); see tests/worlds/balance.test.ts. */
const stabilising = (noise?: number): PolicySpec => linearPolicy([[0.1, 0.23, 3.19, 0.82]], [0], space, noise ? { noiseStd: [noise] } : {});

function specs(seed: number, n: number, start = 0): EpisodeSpec[] {
  return Array.from({ length: n }, (_, i) => ({ episode: start + i, task: randomTask(balance, params, seed, 'train', start + i) }));
}

const byEpisode = (cs: readonly Consequence[]): Map<number, string> => new Map(cs.map((c) => [c.episode, digestConsequences([c])]));

describe('closed-loop runtime (balance)', () => {
  it('gives every episode the same bits whatever the lanes, order and company', () => {
    const policy = stabilising(0.5);
    const items = specs(3, 12);
    const base = new WorldRuntime(balance).runBatch({ world: 'balance', params, seed: 3, episodes: { kind: 'explicit', items }, policy, trajectory: true, lanes: 1 });
    const want = byEpisode(base.consequences);
    const others = specs(3, 9, 500).map((s, i) => (i % 3 === 0 ? { ...s, policy: stabilising() } : s));
    const mixed = [...items].reverse().flatMap((s, i) => [s, ...(others[i] ? [others[i] as EpisodeSpec] : [])]);
    const rt = new WorldRuntime(balance);
    for (const lanes of [1, 2, 5, 64]) {
      const got = byEpisode(rt.runBatch({ world: 'balance', params, seed: 3, episodes: { kind: 'explicit', items: mixed }, policy, trajectory: true, lanes }).consequences);
      for (const [e, d] of want) expect({ lanes, e, d: got.get(e) }).toEqual({ lanes, e, d });
    }
    const fresh = byEpisode(rt.runBatch({ world: 'balance', params, seed: 3, episodes: { kind: 'explicit', items }, policy, trajectory: true, fresh: true }).consequences);
    expect(fresh).toEqual(want);
  });

  it('records observations, applied actions and exploration draws as trajectory channels', () => {
    const [c] = new WorldRuntime(balance).runBatch({ world: 'balance', params, seed: 1, episodes: { kind: 'explicit', items: specs(1, 1) }, policy: stabilising(2), trajectory: true }).consequences;
    const tr = c!.trajectory!;
    expect(Object.keys(tr.channels).sort()).toEqual(['act.force', 'eps.force', 'obs.angle', 'obs.angularVelocity', 'obs.v', 'obs.x']);
    expect(tr.sampleEvery).toBe(1);
    expect(tr.t.length).toBe(c!.steps);
    expect(tr.dt).toBeCloseTo(1 / 60, 15);
    const act = tr.channels['act.force']!;
    expect(Math.max(...act)).toBeLessThanOrEqual(10);
    expect(Math.min(...act)).toBeGreaterThanOrEqual(-10);
    // The first observation is the task's initial state.
    const task = specs(1, 1)[0]!.task as unknown as { x0: number; angle0: number };
    expect(tr.channels['obs.x']![0]).toBeCloseTo(task.x0, 12);
    expect(tr.channels['obs.angle']![0]).toBeCloseTo(task.angle0, 12);
    // Without noise there is no eps channel.
    const [q] = new WorldRuntime(balance).runBatch({ world: 'balance', params, seed: 1, episodes: { kind: 'explicit', items: specs(1, 1) }, policy: stabilising(), trajectory: true }).consequences;
    expect(Object.keys(q!.trajectory!.channels)).not.toContain('eps.force');
  });

  it('draws exploration noise from its own stream: noise never moves the task or the world stream', () => {
    const rt = new WorldRuntime(balance);
    const noisyWorld = resolveParams(balance, { observationNoise: 0.01 });
    const run = (p: PolicySpec) => rt.runBatch({ world: 'balance', params: noisyWorld, seed: 4, episodes: { kind: 'explicit', items: specs(4, 3) }, policy: p, trajectory: true }).consequences;
    const zeroStd = run(stabilising(0));
    const none = run(stabilising());
    expect(digestConsequences(zeroStd)).toBe(digestConsequences(none));
    const noisy = run(stabilising(1));
    expect(noisy[0]!.trajectory!.channels['obs.x']![0]).toBe(none[0]!.trajectory!.channels['obs.x']![0]);
    expect(digestConsequences(noisy)).not.toBe(digestConsequences(none));
  });

  it("random mode without a policy plays each episode's random linear policy from [seed, 'action', episode]", () => {
    const rt = new WorldRuntime(balance);
    const random = rt.runBatch({ world: 'balance', params, seed: 9, episodes: { kind: 'random', split: 'train', start: 10, count: 8 } });
    const items = Array.from({ length: 8 }, (_, i) => ({ episode: 10 + i, task: randomTask(balance, params, 9, 'train', 10 + i), policy: randomPolicy(balance, params, 9, 10 + i) }));
    const explicit = rt.runBatch({ world: 'balance', params, seed: 9, episodes: { kind: 'explicit', items } });
    expect(digestConsequences(explicit.consequences)).toBe(digestConsequences(random.consequences));
    // And an explicit item without a policy gets the same random policy.
    const bare = rt.runBatch({ world: 'balance', params, seed: 9, episodes: { kind: 'explicit', items: items.map(({ episode, task }) => ({ episode, task })) } });
    expect(digestConsequences(bare.consequences)).toBe(digestConsequences(random.consequences));
  });

  it('rejects a policy of the wrong shape, actions for closed-loop worlds and policies for one-shot worlds', () => {
    const rt = new WorldRuntime(balance);
    const wrong = linearPolicy([[1, 2, 3]], [0], space);
    expect(() => rt.runBatch({ world: 'balance', params, seed: 0, episodes: { kind: 'explicit', items: specs(0, 1) }, policy: wrong })).toThrow(/request\.policy\.sizes.*4 observations \(x, v, angle, angularVelocity\)/);
    expect(() => rt.runBatch({ world: 'balance', params, seed: 0, episodes: { kind: 'explicit', items: [{ ...specs(0, 1)[0]!, action: [1] }] } })).toThrow(/items\.0\.action.*closed-loop/);
    const p = resolveParams(projectile, {});
    expect(() => new WorldRuntime(projectile).runBatch({ world: 'projectile', params: p, seed: 0, episodes: { kind: 'random', split: 'train', start: 0, count: 1 }, policy: stabilising() })).toThrow(/request\.policy.*one-shot/);
    expect(() => new WorldRuntime(projectile).run(p, { episode: 0, task: { split: 'train', targetX: 3 } as never }, 0, false)).toThrow(/action vector/);
  });

  it('validates policies in the request schema (the worker boundary)', () => {
    const req: BatchRequest = { world: 'balance', params: {}, seed: 0, episodes: { kind: 'explicit', items: [{ episode: 0, task: { split: 'train' }, policy: stabilising(0.1) }] }, policy: stabilising(), lanes: 8 };
    expect(batchRequestSchema.safeParse(req).success).toBe(true);
    expect(batchRequestSchema.safeParse({ ...req, policy: { ...stabilising(), weights: [1] } }).success).toBe(false);
    expect(batchRequestSchema.safeParse({ ...req, lanes: 0 }).success).toBe(false);
  });
});

describe('closed-loop episodes in real workers', () => {
  let pool: PhysicsPool | undefined;
  afterAll(async () => {
    await pool?.close();
  });

  it('replays in-process results bitwise, whatever the split into batches and workers', async () => {
    pool = await createNodePool(2);
    const req: BatchRequest = { world: 'balance', params: {}, seed: 11, episodes: { kind: 'random', split: 'probe', start: 0, count: 40 }, policy: stabilising(0.3), trajectory: true };
    const local = new WorldRuntime(balance).runBatch(req).consequences;
    const remote = await pool.run(req, { batchSize: 7 });
    expect(digestConsequences(remote.consequences)).toBe(digestConsequences(local));
    const random = { ...req, policy: undefined, lanes: 3 };
    const remoteRandom = await pool.run(random, { batchSize: 9 });
    expect(digestConsequences(remoteRandom.consequences)).toBe(digestConsequences(new WorldRuntime(balance).runBatch(random).consequences));
  });
});
