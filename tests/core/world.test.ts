import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { SPLITS, type MeasurementSpec } from '../../src/core/types.ts';
import { defineWorld } from '../../src/core/world.ts';
import { hashChecks } from '../../src/core/checks.ts';

const params = z.strictObject({ reach: z.number().min(1).max(10).default(5) });
const task = z.strictObject({ split: z.enum(SPLITS), target: z.number() });
const measurements = [
  { name: 'error', doc: 'Distance to the target.', unit: 'm', better: 'lower' },
  { name: 'effort', doc: 'How hard it pushed.', unit: '1', better: 'lower' },
] as const satisfies readonly MeasurementSpec[];

function world(ms: readonly MeasurementSpec[] = measurements) {
  return defineWorld({
    id: 'toy',
    version: 1,
    title: 'Toy',
    description: 'A one-line world for defineWorld.',
    physics: false,
    params,
    task,
    actionSpace: (p) => ({ names: ['x'], low: [0], high: [p.reach], units: ['m'] }),
    measurements: ms as typeof measurements,
    truth: ['hidden'],
    // The inferred types: p.reach and t.target are numbers, m.error and truth.hidden too.
    checks: [{ name: 'near', doc: 'Within 0.5 m.', margin: ({ measurements: m, truth }) => 0.5 - m.error + 0 * truth.hidden }],
    sampleTask: (rng, split, p) => ({ split, target: rng.uniform(0, p.reach) }),
    createSimulator: () => ({
      run: (t, action) => ({ steps: 1, terminated: true, truncated: false, measurements: { error: Math.abs((action[0] ?? 0) - t.target), effort: action[0] ?? 0 }, truth: { hidden: 1 } }),
    }),
  });
}

describe('defineWorld', () => {
  it('freezes and hashes the checks and keeps every other field as written', () => {
    const w = world();
    expect(Object.isFrozen(w.checks)).toBe(true);
    expect(w.checks.hash).toBe(hashChecks(w.checks.checks as never));
    expect(w.measurements).toBe(measurements);
    expect('truth' in w).toBe(false);
    const sim = w.createSimulator(w.params.parse({}));
    expect(sim.run({ split: 'train', target: 2 }, [3], undefined as never, { trajectory: false }).measurements).toEqual({ error: 1, effort: 3 });
  });

  it('refuses a measurement declared twice', () => {
    expect(() => world([...measurements, measurements[0]])).toThrow(/measurement 'error' is declared twice/);
  });

  it('types measurements from the const list (compile-time checks, kept honest by tsc)', () => {
    const w = world();
    const margin = w.checks.checks[0]!.margin;
    expect(margin({ measurements: { error: 0.2, effort: 0 }, truth: { hidden: 1 }, params: { reach: 5 }, task: { split: 'train', target: 0 } })).toBeCloseTo(0.3, 12);
    // Each call below breaks one rule; tsc fails this file if either compiles.
    // @ts-expect-error 'misspelt' is not a declared measurement
    defineWorld({ ...w, measurements, checks: [{ name: 'typo', doc: 'd', margin: ({ measurements: m }) => m.misspelt }] });
    // @ts-expect-error a simulator must give every declared measurement ('effort' is missing)
    defineWorld({ ...w, measurements, checks: [], createSimulator: () => ({ run: () => ({ steps: 1, terminated: true, truncated: false, measurements: { error: 0 } }) }) });
  });
});
