import Matter from 'matter-js';
import { describe, expect, it } from 'vitest';
import { checkWorld, ENERGY_PROPERTY, measureEnergyGrowth } from '../../src/core/checkWorld.ts';
import '../../src/core/runtime.ts';
import { Stream } from '../../src/core/rng.ts';
import type { AnyWorld, PassiveScene } from '../../src/core/types.ts';
import { balance } from '../../worlds/balance.ts';
import { multiTarget } from '../../worlds/multi-target.ts';
import { projectile } from '../../worlds/projectile.ts';
import { createEngine, launch, step, UNITS_PER_M } from '../../worlds/shared/engine.ts';
import { engineEnergy, passiveEngine } from '../../worlds/shared/energy.ts';

const { Bodies, Body, Composite } = Matter;

/** The checker's energy property on a world, alone. */
async function energyProblems(world: AnyWorld): Promise<{ messages: string[]; passed: boolean; skipped: string[]; notApplicable: string[] }> {
  const r = await checkWorld(world, { cases: 5 });
  return { messages: r.problems.filter((p) => p.property === ENERGY_PROPERTY).map((p) => p.message), passed: r.passed.includes(ENERGY_PROPERTY), skipped: r.skipped, notApplicable: r.notApplicable };
}

describe('engineEnergy', () => {
  it('measures a falling body in joules (masses in kg): potential turns into kinetic', () => {
    const engine = createEngine(9.81);
    const ball = Bodies.circle(0, -10 * UNITS_PER_M, 10, { frictionAir: 0, inertia: Infinity });
    Body.setMass(ball, 2);
    Composite.add(engine.world, ball);
    const e0 = engineEnergy(engine);
    expect(e0.kinetic).toBe(0);
    expect(e0.potential).toBeCloseTo(2 * 9.81 * 10, 10);
    for (let i = 0; i < 60; i++) step(engine);
    const e1 = engineEnergy(engine);
    // After 1 s of free fall: v ≈ 9.81 m/s, so kinetic ≈ 96 J; the total is conserved to Verlet's accuracy.
    expect(e1.kinetic).toBeGreaterThan(90);
    expect(Math.abs(e1.kinetic + e1.potential - (e0.kinetic + e0.potential)) / (e0.kinetic + e0.potential)).toBeLessThan(0.01);
  });
});

describe('the energy check', () => {
  it('passes the real passive scenes (growth well under 1%)', () => {
    for (const w of [projectile, multiTarget, balance] as AnyWorld[]) {
      for (let i = 0; i < 4; i++) {
        const run = measureEnergyGrowth(w.passive!(w.params.parse({}), new Stream([i, 'passive'])));
        expect(run.scale).toBeGreaterThan(0);
        expect({ world: w.id, i, growthBelow: run.growth < 0.01 }).toEqual({ world: w.id, i, growthBelow: true });
      }
    }
  });

  it('fails a world whose passive scene injects energy, naming the step and the params', async () => {
    // A scene like the launcher's, wrapped so every step makes the bag 2% faster sideways: energy from nowhere.
    const leaky: AnyWorld = {
      ...projectile,
      passive(p: { gravity: number }, rng: Stream): PassiveScene {
        const engine = createEngine(p.gravity);
        const ground = Bodies.rectangle(0, 0.5 * UNITS_PER_M, 100 * UNITS_PER_M, UNITS_PER_M, { isStatic: true });
        const bag = Bodies.circle(0, -UNITS_PER_M, 10, { inertia: Infinity, frictionAir: 0 });
        Composite.add(engine.world, [ground, bag]);
        launch(bag, rng.uniform(1, 5), rng.uniform(1, 5));
        const inner = passiveEngine(engine);
        return {
          step() {
            inner.step();
            Body.setVelocity(bag, { x: bag.velocity.x * 1.02, y: bag.velocity.y });
          },
          energy: () => inner.energy(),
        };
      },
    } as AnyWorld;
    const r = await energyProblems(leaky);
    expect(r.passed).toBe(false);
    expect(r.messages.length).toBeGreaterThan(0);
    expect(r.messages[0]).toMatch(/energy grew by \d+\.\d+% of the exchangeable energy \(limit 1%\), highest at step \d+/);
    expect(r.messages[0]).toMatch(/params \{.*"gravity"/);
  });

  it('fails a passive scene that reports energy from nowhere directly, and one that goes non-finite', () => {
    let k = 0;
    const growing: PassiveScene = { step: () => void k++, energy: () => ({ kinetic: 1 + 0.0001 * k, potential: -k * 0 }) };
    // Starts with 1 J exchangeable (kinetic) and ends 10% higher.
    const run = measureEnergyGrowth(growing);
    expect(run.growth).toBeCloseTo(0.1, 10);
    expect(run.maxStep).toBe(1000);
    let j = 0;
    const broken: PassiveScene = { step: () => void j++, energy: () => ({ kinetic: j === 7 ? NaN : 1, potential: 0 }) };
    expect(measureEnergyGrowth(broken).nonFinite).toEqual({ step: 7, value: NaN });
  });

  it('measures growth against the exchangeable energy, not the arbitrary zero of potential energy', () => {
    // The same pendulum-like exchange with potential energy offset by a huge constant: same growth.
    const make = (offset: number): PassiveScene => {
      let t = 0;
      return {
        step: () => void t++,
        energy: () => ({ kinetic: 0.5 * (1 - Math.cos(t / 10)), potential: offset + 0.5 * (1 + Math.cos(t / 10)) + (t === 500 ? 0.005 : 0) }),
      };
    };
    const a = measureEnergyGrowth(make(0));
    const b = measureEnergyGrowth(make(1e6));
    expect(a.growth).toBeCloseTo(0.005, 6);
    expect(b.growth).toBeCloseTo(a.growth, 4);
    expect(a.maxStep).toBe(500);
  });

  it('fails a physics world without a passive scene (whatever its id); does not apply without physics', async () => {
    const { passive: _drop, ...rest } = projectile;
    const noScene = { ...rest, id: 'my-new-world' } as AnyWorld;
    const r = await energyProblems(noScene);
    expect(r.messages).toEqual([expect.stringMatching(/^no passive scene for the energy check/)]);
    const noPhysics = { ...rest, id: 'my-quiz', physics: false } as AnyWorld;
    const q = await energyProblems(noPhysics);
    expect(q.messages).toEqual([]);
    expect(q.notApplicable).toEqual([`${ENERGY_PROPERTY} (the world has no physics scene)`]);
    expect(q.skipped.filter((x) => x.startsWith(ENERGY_PROPERTY))).toEqual([]);
    const registeredId = { ...rest, id: 'pusher' } as AnyWorld;
    expect((await energyProblems(registeredId)).messages).toEqual([expect.stringMatching(/^no passive scene for the energy check/)]);
  });
});
