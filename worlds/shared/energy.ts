/**
 * Mechanical energy of a matter-js scene, for the checker's energy sanity check (a world must
 * not create energy from nowhere for an agent to exploit).
 *
 * Units: a body's matter-js mass times (m/s)² — joules when the world sets masses in kg (balance
 * does), "engine mass × m²/s²" otherwise (the launcher keeps matter-js's density × area). Only
 * consistency within one scene matters: the checker compares a scene with itself.
 */
import Matter from 'matter-js';
import type { EnergyReading, PassiveScene } from '../../src/core/types.ts';
import { step, STEP_MS, STEP_S, UNITS_PER_M } from './engine.ts';

const { Composite } = Matter;

/** (units per step)² → (m/s)². */
const SPEED2 = 1 / (UNITS_PER_M * STEP_S) ** 2;

/**
 * Kinetic and gravitational potential energy of every non-static body. Potential energy is
 * measured from the engine's origin (y = 0, height positive up); the checker picks its own
 * reference level, so the origin does not matter.
 */
export function engineEnergy(engine: Matter.Engine): EnergyReading {
  // matter-js adds mass · gravity.y · scale to force each step, and Verlet turns force/mass
  // into a velocity change of that times STEP_MS²: the per-step² acceleration, in units.
  const g = engine.gravity.y * engine.gravity.scale * STEP_MS * STEP_MS;
  let kinetic = 0;
  let potential = 0;
  for (const b of Composite.allBodies(engine.world)) {
    if (b.isStatic) continue;
    const v = b.velocity;
    kinetic += 0.5 * b.mass * (v.x * v.x + v.y * v.y);
    // Bodies that cannot rotate have inertia Infinity (and Infinity · 0 would be NaN).
    if (Number.isFinite(b.inertia)) kinetic += 0.5 * b.inertia * b.angularVelocity * b.angularVelocity;
    // matter-js y points down: height is -y, so potential is m · g · (-y).
    potential -= b.mass * g * b.position.y;
  }
  return { kinetic: kinetic * SPEED2, potential: potential * SPEED2 };
}

/** A passive scene over an engine already put in its starting state: fixed steps, no actions. */
export function passiveEngine(engine: Matter.Engine): PassiveScene {
  return { step: () => step(engine), energy: () => engineEnergy(engine) };
}
