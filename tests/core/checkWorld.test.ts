import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkWorld } from '../../src/core/checkWorld.ts';
import { defineChecks } from '../../src/core/checks.ts';
import type { AnyWorld } from '../../src/core/types.ts';
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
