import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkWorld } from '../../src/core/checkWorld.ts';
import { defineChecks } from '../../src/core/checks.ts';
import type { AnyClosedLoopWorld, AnyWorld } from '../../src/core/types.ts';
import { balance } from '../../worlds/balance.ts';
import { projectile } from '../../worlds/projectile.ts';

// Broken variants of a good world: the checker must catch each, naming the property.
function variant(patch: Partial<AnyWorld>): AnyWorld {
  return { ...projectile, ...patch } as AnyWorld;
}

describe('checkWorld catches broken worlds', () => {
  it('passes the real projectile world (in process)', async () => {
    const r = await checkWorld(projectile, { cases: 30 });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('flags state that leaks between episodes (a reused engine diverges)', async () => {
    let calls = 0;
    const leaky = variant({
      createSimulator(p) {
        const inner = projectile.createSimulator(p);
        return {
          run(task, action, rng, o) {
            const out = inner.run(task, action, rng, o);
            // A counter that survives across episodes: identical only on a fresh simulator.
            return { ...out, measurements: { ...out.measurements, bounces: out.measurements.bounces! + (calls++ % 2) } };
          },
        };
      },
    });
    const r = await checkWorld(leaky, { cases: 10 });
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.property).join('|')).toMatch(/bitwise identical/);
    expect(r.problems[0]?.message).toMatch(/measurement 'bounces'/);
    expect(r.problems[0]?.message).toMatch(/seed \d+, episode \d+/);
  });

  it('flags non-finite measurements and undeclared ones', async () => {
    const nan = variant({
      createSimulator(p) {
        const inner = projectile.createSimulator(p);
        return { run: (t, a, rng, o) => { const out = inner.run(t, a, rng, o); return { ...out, measurements: { ...out.measurements, restError: NaN, secret: 1 } }; } };
      },
    });
    const r = await checkWorld(nan, { cases: 5 });
    const msgs = r.problems.map((p) => p.message).join('\n');
    expect(msgs).toMatch(/measurement 'restError' = NaN/);
    expect(msgs).toMatch(/undeclared measurement 'secret'/);
  });

  it('flags a lax parameter schema', async () => {
    const lax = variant({ params: z.object({ gravity: z.number().default(9.81) }).passthrough() as never });
    const r = await checkWorld(lax, { cases: 2 });
    expect(r.problems.some((p) => p.property === 'schema rejects bad parameters' && /unknown key/.test(p.message))).toBe(true);
  });

  it('flags checks that are not frozen', async () => {
    const unfrozen = variant({ checks: { hash: defineChecks([]).hash, checks: [{ name: 'restsInZone', doc: '', margin: () => 1 }] } as never });
    const r = await checkWorld(unfrozen, { cases: 2 });
    expect(r.problems.some((p) => p.property === 'ground-truth checks are frozen and hashed')).toBe(true);
  });

  it('freezes real checks: mutation throws, the hash is stable', () => {
    const c = projectile.checks.checks[0] as unknown as { name: string };
    expect(() => {
      c.name = 'x';
    }).toThrow(TypeError);
    expect(() => (projectile.checks.checks as unknown as unknown[]).push({})).toThrow(TypeError);
    expect(projectile.checks.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('checkWorld on closed-loop worlds', () => {
  const closed = (patch: Partial<AnyClosedLoopWorld>): AnyWorld => ({ ...balance, ...patch }) as AnyWorld;

  it('passes the real balance world (in process)', async () => {
    const r = await checkWorld(balance, { cases: 30 });
    expect(r.problems).toEqual([]);
    expect(r.passed).toContain('bitwise identical whatever the batch composition');
    expect(r.passed).toContain('energy does not grow over 1,000 passive steps');
  });

  it('flags state shared between lockstep lanes (the episode depends on its batch)', async () => {
    // One counter for all slots, zeroed on reset: exact when episodes run one at a time,
    // wrong as soon as other episodes step in lockstep with it.
    let shared = 0;
    const leaky = closed({
      createClosedLoop(p) {
        const inner = balance.createClosedLoop(p);
        return {
          reset(t, rng, obs) {
            shared = 0;
            inner.reset(t, rng, obs);
          },
          step(a, obs) {
            shared++;
            return inner.step(a, obs);
          },
          outcome() {
            const o = inner.outcome();
            return { ...o, measurements: { ...o.measurements, cartTravel: (o.measurements.cartTravel as number) + shared } };
          },
        };
      },
    });
    const r = await checkWorld(leaky, { cases: 20 });
    const properties = new Set(r.problems.map((p) => p.property));
    expect(properties).toEqual(new Set(['bitwise identical whatever the batch composition']));
    expect(r.problems[0]?.message).toMatch(/lockstep batch \(lanes \d+/);
    expect(r.problems[0]?.message).toMatch(/measurement 'cartTravel'/);
    expect(r.problems[0]?.message).toMatch(/policy (linear|mlp) \[4, /);
  });

  it('flags an engine slot that is not restored between episodes, naming the step that diverged', async () => {
    const leaky = closed({
      createClosedLoop(p) {
        const inner = balance.createClosedLoop(p);
        let episodes = 0;
        return {
          reset(t, rng, obs) {
            inner.reset(t, rng, obs);
            // A slot that remembers its past: a tiny offset after its first episode.
            if (episodes++ > 0) obs[0] = (obs[0] as number) + 1e-12;
          },
          step: (a, obs) => inner.step(a, obs),
          outcome: () => inner.outcome(),
        };
      },
    });
    const r = await checkWorld(leaky, { cases: 20 });
    const reused = r.problems.find((p) => p.property === 'bitwise identical with a reused engine');
    expect(reused?.message).toMatch(/diverged at step 0 \(t=0s\): trajectory channel 'obs\.x'/);
    expect(reused?.message).toMatch(/seed \d+, episode \d+/);
  });
});

describe('checkWorld: the designer metric (issue 10)', () => {
  it('flags a designer metric that reads an undeclared measurement or documents no blind spot', async () => {
    const bad = variant({ designerMetric: () => ({ expression: 'landingError + notAMeasurement', direction: 'lower', threshold: 0.5, blindSpot: '' }) });
    const r = await checkWorld(bad, { cases: 4 });
    const mine = r.problems.filter((p) => /designer metric/.test(p.property)).map((p) => p.message);
    expect(mine.join('\n')).toMatch(/'notAMeasurement', which is not a declared measurement/);
    expect(mine.join('\n')).toMatch(/no documented blind spot/);
    // A function name is not a measurement: max(…) reads only its arguments.
    const ok = variant({ designerMetric: () => ({ expression: 'max(landingError, restError)', direction: 'lower', threshold: 0.5, blindSpot: 'rolling after landing, for a ball' }) });
    expect((await checkWorld(ok, { cases: 4 })).problems.filter((p) => /designer metric/.test(p.property))).toEqual([]);
  });
});
