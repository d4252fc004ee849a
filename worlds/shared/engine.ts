/**
 * matter-js plumbing shared by worlds: units, a fixed timestep, and engine reuse by restoring
 * a full snapshot of body state. Measured here: a restored engine is bitwise-identical to a
 * fresh one and about 2× cheaper; resetting positions by hand diverged.
 */
import Matter from 'matter-js';

const { Engine, Body, Common, Pairs, Composite } = Matter;

// matter-js reads the clock (performance.now) twice per Engine.update only for timing.lastElapsed;
// that clock read was 10% of a projectile step here, and simulation must not read clocks.
(Common as unknown as { now: () => number }).now = () => 0;

/** Simulation units per metre (matter-js works in "pixels"). */
export const UNITS_PER_M = 100;
/** Fixed timestep in milliseconds: matter-js is only deterministic with a fixed delta. */
export const STEP_MS = 1000 / 60;
/** Seconds per step. */
export const STEP_S = STEP_MS / 1000;

/** matter-js gravity.y for a gravity in m/s² (gravity.scale 0.001 ⇒ 1 unit = 1000 units/s²). */
export function gravityToEngine(g: number): number {
  return (g * UNITS_PER_M) / 1000;
}

/** Converts a velocity in m/s to matter-js units per base step. */
export function mpsToEngine(v: number): number {
  return (v * UNITS_PER_M) * STEP_S;
}

/** Converts a matter-js velocity (units per base step) to m/s. */
export function engineToMps(v: number): number {
  return v / UNITS_PER_M / STEP_S;
}

/** Creates an engine with the project's settings; `Common._seed` is reset so bodies build alike. */
export function createEngine(gravity: number): Matter.Engine {
  // Body.create draws render colours from this global seed: pin it so every build is identical.
  (Common as unknown as { _seed: number })._seed = 0;
  const engine = Engine.create({ enableSleeping: false });
  engine.gravity.x = 0;
  engine.gravity.y = gravityToEngine(gravity);
  engine.gravity.scale = 0.001;
  return engine;
}

interface Vec {
  x: number;
  y: number;
}
interface PartState {
  position: Vec;
  vertices: Vec[];
  axes: Vec[];
  bounds: { min: Vec; max: Vec };
}
/** The mutable body fields matter-js's typings hide or mark read-only. */
interface BodyInternals {
  position: Vec;
  positionPrev: Vec;
  velocity: Vec;
  force: Vec;
  positionImpulse: Vec;
  constraintImpulse: { x: number; y: number; angle: number };
  angle: number;
  anglePrev: number;
  angularVelocity: number;
  speed: number;
  angularSpeed: number;
  torque: number;
  motion: number;
  totalContacts: number;
  isSleeping: boolean;
  sleepCounter: number;
  deltaTime: number;
  parts: Matter.Body[];
}
interface BodyState {
  body: Matter.Body;
  position: Vec;
  positionPrev: Vec;
  velocity: Vec;
  force: Vec;
  positionImpulse: Vec;
  constraintImpulse: { x: number; y: number; angle: number };
  angle: number;
  anglePrev: number;
  angularVelocity: number;
  speed: number;
  angularSpeed: number;
  torque: number;
  motion: number;
  totalContacts: number;
  isSleeping: boolean;
  sleepCounter: number;
  deltaTime: number;
  parts: PartState[];
}

/**
 * The mutable fields of a constraint: matter-js rotates pointA/pointB with their bodies and
 * remembers the angle it last rotated them at (angleA/angleB), so a hinge carries state.
 */
interface ConstraintState {
  constraint: Matter.Constraint;
  pointA: Vec | undefined;
  pointB: Vec | undefined;
  angleA: number;
  angleB: number;
}

/** A full snapshot of every body's (and constraint's) dynamic state in an engine, taken right after building it. */
export interface EngineSnapshot {
  readonly engine: Matter.Engine;
  readonly bodies: readonly BodyState[];
  readonly constraints: readonly ConstraintState[];
}

const v = (p: Vec): Vec => ({ x: p.x, y: p.y });
const setV = (dst: Vec, src: Vec): void => {
  dst.x = src.x;
  dst.y = src.y;
};

/** Records the state a later `restoreSnapshot` puts back. */
export function takeSnapshot(engine: Matter.Engine): EngineSnapshot {
  const bodies = Composite.allBodies(engine.world).map((body): BodyState => {
    const b = body as unknown as BodyInternals;
    return {
      body,
      position: v(b.position),
      positionPrev: v(b.positionPrev),
      velocity: v(b.velocity),
      force: v(b.force),
      positionImpulse: v(b.positionImpulse),
      constraintImpulse: { ...b.constraintImpulse },
      angle: b.angle,
      anglePrev: b.anglePrev,
      angularVelocity: b.angularVelocity,
      speed: b.speed,
      angularSpeed: b.angularSpeed,
      torque: b.torque,
      motion: b.motion,
      totalContacts: b.totalContacts ?? 0,
      isSleeping: b.isSleeping,
      sleepCounter: b.sleepCounter ?? 0,
      deltaTime: b.deltaTime,
      parts: b.parts.map((p) => ({
        position: v(p.position),
        vertices: p.vertices.map(v),
        axes: p.axes.map(v),
        bounds: { min: v(p.bounds.min), max: v(p.bounds.max) },
      })),
    };
  });
  const constraints = Composite.allConstraints(engine.world).map((constraint): ConstraintState => {
    const c = constraint as unknown as { angleA: number; angleB: number };
    return { constraint, pointA: constraint.pointA && v(constraint.pointA), pointB: constraint.pointB && v(constraint.pointB), angleA: c.angleA, angleB: c.angleB };
  });
  return { engine, bodies, constraints };
}

/** Puts every body back exactly as snapshotted and clears contacts and timing. */
export function restoreSnapshot(s: EngineSnapshot): void {
  const { engine } = s;
  for (const st of s.bodies) {
    const b = st.body as unknown as BodyInternals;
    setV(b.position, st.position);
    setV(b.positionPrev, st.positionPrev);
    setV(b.velocity, st.velocity);
    setV(b.force, st.force);
    setV(b.positionImpulse, st.positionImpulse);
    Object.assign(b.constraintImpulse, st.constraintImpulse);
    b.angle = st.angle;
    b.anglePrev = st.anglePrev;
    b.angularVelocity = st.angularVelocity;
    b.speed = st.speed;
    b.angularSpeed = st.angularSpeed;
    b.torque = st.torque;
    b.motion = st.motion;
    b.totalContacts = st.totalContacts;
    b.isSleeping = st.isSleeping;
    b.sleepCounter = st.sleepCounter;
    b.deltaTime = st.deltaTime;
    st.parts.forEach((ps, i) => {
      const p = b.parts[i] as Matter.Body;
      setV(p.position, ps.position);
      ps.vertices.forEach((pv, j) => setV(p.vertices[j] as Vec, pv));
      ps.axes.forEach((pa, j) => setV(p.axes[j] as Vec, pa));
      setV(p.bounds.min, ps.bounds.min);
      setV(p.bounds.max, ps.bounds.max);
    });
  }
  for (const cs of s.constraints) {
    const c = cs.constraint as unknown as { pointA: Vec; pointB: Vec; angleA: number; angleB: number };
    if (cs.pointA) setV(c.pointA, cs.pointA);
    if (cs.pointB) setV(c.pointB, cs.pointB);
    c.angleA = cs.angleA;
    c.angleB = cs.angleB;
  }
  Pairs.clear(engine.pairs);
  engine.timing.timestamp = 0;
  engine.timing.lastDelta = 0;
  // The broadphase keeps its body list sorted by bounds: rebuild it from the restored bounds.
  (Composite as unknown as { setModified(c: Matter.Composite, m: boolean, parents: boolean, children: boolean): void }).setModified(engine.world, true, false, false);
}

/** Sets a body's launch velocity (m/s), keeping positionPrev consistent (Verlet state). */
export function launch(body: Matter.Body, vx: number, vy: number): void {
  Body.setVelocity(body, { x: mpsToEngine(vx), y: -mpsToEngine(vy) });
}

/** One fixed-timestep update. */
export function step(engine: Matter.Engine): void {
  Engine.update(engine, STEP_MS);
}
