import { describe, expect, it } from 'vitest';
import { linearPolicy, type PolicySpec } from '../../src/core/policy.ts';
import { randomTask, resolveParams, WorldRuntime, type BatchRequest } from '../../src/core/runtime.ts';
import type { Consequence, Split } from '../../src/core/types.ts';
import { balance } from '../../worlds/balance.ts';

const params = resolveParams(balance, {});
const space = balance.actionSpace(params as never);

/**
 * Hand-written stabilising gains (LQR on the linearised cart-pole with Q = I, R = 1, for the
 * default 1 kg cart, 0.1 kg / 1 m pole): F = 1.0 x + 2.3 v + 31.9 θ + 8.2 ω newtons. The policy
 * squashes into ±10 N as 10 · tanh(z), so the weights are the gains divided by 10.
 */
const GAINS = [1.0, 2.3, 31.9, 8.2];
const stabilising: PolicySpec = linearPolicy([GAINS.map((k) => k / 10)], [0], space);
const zero: PolicySpec = linearPolicy([[0, 0, 0, 0]], [0], space);

function run(policy: PolicySpec | undefined, split: Split, count: number, seed = 2026): { cs: Consequence[]; seconds: number } {
  const rt = new WorldRuntime(balance);
  const req: BatchRequest = { world: 'balance', params, seed, episodes: { kind: 'random', split, start: 0, count }, ...(policy ? { policy } : {}) };
  rt.runBatch({ ...req, episodes: { kind: 'random', split, start: 10_000, count: 20 } }); // warm-up
  const t0 = performance.now();
  const cs = rt.runBatch(req).consequences;
  return { cs, seconds: (performance.now() - t0) / 1000 };
}
const passRate = (cs: readonly Consequence[]): number => cs.filter((c) => c.gtPass).length / cs.length;
const mean = (cs: readonly Consequence[], m: string): number => cs.reduce((a, c) => a + (c.measurements[m] as number), 0) / cs.length;

describe('balance', () => {
  it('a stabilising linear policy keeps the pole up on train tasks; a zero policy does not', () => {
    const good = run(stabilising, 'train', 200);
    const none = run(zero, 'train', 200);
    const random = run(undefined, 'train', 1000);
    const probe = run(stabilising, 'probe', 200);
    const line = (label: string, r: { cs: Consequence[]; seconds: number }): string =>
      `${label.padEnd(22)} pass ${(100 * passRate(r.cs)).toFixed(1)}%  survival ${mean(r.cs, 'survivalTime').toFixed(2)} s  ${Math.round(r.cs.length / r.seconds)} episodes/s in process`;
    console.log(
      [
        `gains: F = ${GAINS[0]}·x + ${GAINS[1]}·v + ${GAINS[2]}·θ + ${GAINS[3]}·ω (N), squashed into ±10 N`,
        line('stabilising, train', good),
        line('stabilising, probe', probe),
        line('zero force, train', none),
        line('random linear, train', random),
      ].join('\n'),
    );
    expect(passRate(good.cs)).toBeGreaterThanOrEqual(0.95);
    expect(passRate(none.cs)).toBe(0);
    expect(mean(none.cs, 'survivalTime')).toBeLessThan(3);
    expect(passRate(random.cs)).toBeLessThan(0.05);
  });

  it('ends an episode as soon as the pole falls (terminated) and runs 10 s otherwise (truncated)', () => {
    const [fell] = run(zero, 'train', 1).cs;
    expect(fell!.terminated).toBe(true);
    expect(fell!.truncated).toBe(false);
    expect(fell!.steps).toBeLessThan(600);
    expect(fell!.measurements.effort).toBe(0);
    expect(fell!.verdicts).toEqual([{ check: 'staysUp', pass: false, margin: expect.any(Number) }]);
    const [up] = run(stabilising, 'train', 1).cs;
    expect(up).toMatchObject({ steps: 600, terminated: false, truncated: true, gtPass: true });
    expect(up!.measurements.survivalTime).toBe(10);
    expect(up!.measurements.meanAbsAngle).toBeLessThan(1);
    expect(up!.measurements.cartTravel).toBeGreaterThan(0);
    expect(up!.measurements.effort).toBeGreaterThan(0);
  });

  it('gets the sign conventions right: a pole leaning right falls right; pushing right tips it left', () => {
    const rt = new WorldRuntime(balance);
    const task = { split: 'train' as const, x0: 0, v0: 0, angle0: 0.02, angularVelocity0: 0 };
    const ep = (policy: PolicySpec) => rt.runBatch({ world: 'balance', params, seed: 0, episodes: { kind: 'explicit', items: [{ episode: 0, task }] }, policy, trajectory: true }).consequences[0]!;
    // Trajectory rows are the observations before each step, so the last one is just short of 12°.
    const free = ep(zero).trajectory!.channels;
    expect(free['obs.angle']!.at(-1)).toBeGreaterThan(0.15);
    // A constant 10 N push to the right: the cart moves right and the pole rotates back left.
    const push = ep(linearPolicy([[0, 0, 0, 0]], [20], space)).trajectory!.channels;
    expect(push['act.force']![0]).toBeCloseTo(10, 6);
    expect(push['obs.x']!.at(-1)).toBeGreaterThan(0);
    expect(push['obs.angle']!.at(-1)).toBeLessThan(-0.15);
  });

  it('draws probe tasks with shifted gravity, pole length, pole mass or wider starts', () => {
    const kinds = new Set<string>();
    for (let e = 0; e < 200; e++) {
      const t = randomTask(balance, params, 1, 'probe', e) as unknown as { overrides?: Record<string, number>; angle0: number };
      expect(balance.task.safeParse(t).success).toBe(true);
      kinds.add(t.overrides ? Object.keys(t.overrides).join() : Math.abs(t.angle0) > 0.05 ? 'wide' : 'plain');
    }
    expect(kinds).toEqual(new Set(['gravity', 'poleLength', 'poleMass', 'wide', 'plain']));
    for (let e = 0; e < 50; e++) expect(randomTask(balance, params, 1, 'train', e)).not.toHaveProperty('overrides');
  });
});
