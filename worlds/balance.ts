/**
 * balance — a cart on a frictionless track with a pole on a hinge (a matter-js pin constraint).
 * Closed loop: every control step (1/60 s) the policy sees the cart position and velocity and
 * the pole angle and angular velocity, and sets the horizontal force on the cart.
 *
 * Ground truth `staysUp`: for 10 s of simulated time the pole stays within ±12° of upright and
 * the cart stays on the track. An episode ends early (terminated) as soon as either fails, so a
 * falling pole costs a few dozen steps, not 600.
 *
 * Angles: radians, 0 = upright, positive = the pole's top leans right (+x); pushing the cart
 * right (positive force) moves the hinge under a pole that leans right. The pole collides with
 * nothing (the classic cart-pole has no floor for it); the cart rides on the track by contact.
 * Masses are set in kg, so forces are newtons and energies joules.
 */
import Matter from 'matter-js';
import { z } from 'zod';
import type { Stream } from '../src/core/rng.ts';
import { SPLITS, type ClosedLoopSimulator, type MeasurementSpec, type PassiveScene } from '../src/core/types.ts';
import { defineWorld, type MeasurementNames } from '../src/core/world.ts';
import { createEngine, engineToMps, mpsToEngine, restoreSnapshot, step, STEP_S, takeSnapshot, UNITS_PER_M, type EngineSnapshot } from './shared/engine.ts';
import { engineEnergy } from './shared/energy.ts';

const { Bodies, Body, Composite, Constraint } = Matter;

const params = z.strictObject({
  gravity: z.number().min(1).max(30).default(9.81).describe('Gravity in m/s².'),
  cartMass: z.number().min(0.2).max(5).default(1).describe('Mass of the cart in kg.'),
  poleMass: z.number().min(0.02).max(1).default(0.1).describe('Mass of the pole in kg (a uniform rod).'),
  poleLength: z.number().min(0.3).max(2).default(1).describe('Length of the pole in m, hinge to tip.'),
  forceMax: z.number().min(1).max(50).default(10).describe('Largest force the policy may put on the cart, in N (either way).'),
  trackHalfLength: z.number().min(0.5).max(5).default(2.4).describe('The cart must stay within ±this many metres of the track centre.'),
  initialSpread: z
    .number()
    .min(0)
    .max(0.1)
    .default(0.05)
    .describe('Train and anchor tasks draw x (m), v (m/s), angle (rad) and angular velocity (rad/s) uniformly in ±this.'),
  observationNoise: z.number().min(0).max(0.05).default(0).describe('Std of Gaussian noise on every observation (its own units), from the episode stream.'),
});
type BalanceParams = z.infer<typeof params>;

const overrides = z.strictObject({
  gravity: params.shape.gravity.unwrap().optional(),
  poleLength: params.shape.poleLength.unwrap().optional(),
  poleMass: params.shape.poleMass.unwrap().optional(),
});

/** A task: the initial state; probe tasks may also change gravity or the pole. */
const task = z.strictObject({
  split: z.enum(SPLITS),
  x0: z.number().min(-5).max(5),
  v0: z.number().min(-5).max(5),
  angle0: z.number().min(-1).max(1),
  angularVelocity0: z.number().min(-5).max(5),
  overrides: overrides.optional(),
});
type BalanceTask = z.infer<typeof task>;

/** Control steps per second (one matter-js step each) and the ground-truth horizon. */
const CONTROL_HZ = 60;
const HORIZON_S = 10;
const MAX_STEPS = HORIZON_S * CONTROL_HZ;
/** The pole has fallen beyond this angle (rad): 12°. */
const FALL_ANGLE = (12 * Math.PI) / 180;
/** Newtons to matter-js force units for masses in kg: 1 N on 1 kg is 1 m/s² = 100 units/s² = 1e-4 units/ms². */
const NEWTON = UNITS_PER_M * 1e-6;
const CART_W = 0.4;
const CART_H = 0.2;
const POLE_W = 0.04;
/** The physical track reaches this far beyond the allowed range, so the cart never drops off. */
const TRACK_MARGIN = 5;
/** Probe shifts: discrete factors, so probe tasks share a few parameter sets (and engines). */
const PROBE_FACTORS = { gravity: [0.6, 1.5], poleLength: [0.5, 2], poleMass: [5] } as const;

const measurements = [
  { name: 'survivalTime', doc: 'Time until the pole fell past 12° or the cart left the track (10 s if neither).', unit: 's', better: 'higher' },
  {
    name: 'meanAbsAngle',
    doc: 'Mean absolute pole angle over the steps the episode lasted.',
    unit: 'deg',
    better: 'lower',
    gameable: 'averages only the steps survived: an episode that fails fast after a small tilt scores well',
  },
  { name: 'cartTravel', doc: 'Total distance the cart moved (sum of |Δx|).', unit: 'm', better: 'none' },
  { name: 'effort', doc: 'Mean absolute force applied to the cart.', unit: 'N', better: 'lower', gameable: 'doing nothing is effortless and lets the pole fall' },
] as const satisfies readonly MeasurementSpec[];


/** One cart-pole engine; episodes restore its snapshot. */
class BalanceScene {
  readonly engine: Matter.Engine;
  private readonly cart: Matter.Body;
  private readonly pole: Matter.Body;
  private readonly snapshot: EngineSnapshot;
  /** Height of the hinge above the track surface (m). */
  private readonly hingeY = CART_H;

  constructor(readonly p: BalanceParams) {
    const u = UNITS_PER_M;
    this.engine = createEngine(p.gravity);
    const trackW = 2 * (p.trackHalfLength + TRACK_MARGIN);
    const track = Bodies.rectangle(0, 0.5 * u, trackW * u, u, { isStatic: true, friction: 0, frictionStatic: 0, restitution: 0, label: 'track' });
    this.cart = Bodies.rectangle(0, -(CART_H / 2) * u, CART_W * u, CART_H * u, {
      friction: 0,
      frictionStatic: 0,
      frictionAir: 0,
      restitution: 0,
      // The cart slides, it never tips: no rotation.
      inertia: Infinity,
      label: 'cart',
    });
    Body.setMass(this.cart, p.cartMass);
    this.pole = Bodies.rectangle(0, -(this.hingeY + p.poleLength / 2) * u, POLE_W * u, p.poleLength * u, {
      frictionAir: 0,
      // The pole touches nothing: no floor to land on, no contact with its own cart.
      collisionFilter: { group: 0, category: 0x0002, mask: 0 },
      label: 'pole',
    });
    // setMass keeps the rod's shape: inertia m(L² + w²)/12 in kg·units².
    Body.setMass(this.pole, p.poleMass);
    const hinge = Constraint.create({
      bodyA: this.cart,
      pointA: { x: 0, y: -(CART_H / 2) * u },
      bodyB: this.pole,
      pointB: { x: 0, y: (p.poleLength / 2) * u },
      length: 0,
      stiffness: 1,
      label: 'hinge',
    });
    Composite.add(this.engine.world, [track, this.cart, this.pole, hinge]);
    // Let the cart settle onto the track so episodes do not start with a contact transient.
    for (let i = 0; i < 30; i++) step(this.engine);
    Body.setPosition(this.cart, { x: 0, y: this.cart.position.y });
    Body.setVelocity(this.cart, { x: 0, y: 0 });
    this.placePole(0, 0);
    this.snapshot = takeSnapshot(this.engine);
  }

  /** Puts the pole on the hinge at `angle` (rad), moving with the cart plus `omega` (rad/s). */
  private placePole(angle: number, omega: number): void {
    const u = UNITS_PER_M;
    const half = (this.p.poleLength / 2) * u;
    const hx = this.cart.position.x;
    const hy = this.cart.position.y - (CART_H / 2) * u;
    const s = Math.sin(angle);
    const c = Math.cos(angle);
    Body.setAngle(this.pole, angle);
    Body.setPosition(this.pole, { x: hx + half * s, y: hy - half * c });
    const w = omega * STEP_S;
    // Tip velocity of a rod turning about the moving hinge (engine y points down).
    Body.setVelocity(this.pole, { x: this.cart.velocity.x + half * w * c, y: this.cart.velocity.y + half * w * s });
    Body.setAngularVelocity(this.pole, w);
  }

  /** Restores the snapshot and applies a task's initial state. */
  reset(t: BalanceTask): void {
    restoreSnapshot(this.snapshot);
    Body.setPosition(this.cart, { x: t.x0 * UNITS_PER_M, y: this.cart.position.y });
    Body.setVelocity(this.cart, { x: mpsToEngine(t.v0), y: 0 });
    this.placePole(t.angle0, t.angularVelocity0);
  }

  /** One physics step with a horizontal force (N) on the cart. */
  advance(force: number): void {
    this.cart.force.x += force * NEWTON;
    step(this.engine);
  }

  get x(): number {
    return this.cart.position.x / UNITS_PER_M;
  }
  get v(): number {
    return engineToMps(this.cart.velocity.x);
  }
  get angle(): number {
    return this.pole.angle;
  }
  get omega(): number {
    return this.pole.angularVelocity / STEP_S;
  }
}

/** One closed-loop episode slot. */
function createSlot(p: BalanceParams): ClosedLoopSimulator<BalanceTask, MeasurementNames<typeof measurements>, 'maxAbsAngle' | 'maxAbsX'> {
  const scene = new BalanceScene(p);
  let rng: Stream | undefined;
  let steps = 0;
  let fell = false;
  let sumAbsAngle = 0;
  let maxAbsAngle = 0;
  let maxAbsX = 0;
  let travel = 0;
  let sumAbsForce = 0;
  let lastX = 0;

  const observe = (o: Float64Array): void => {
    o[0] = scene.x;
    o[1] = scene.v;
    o[2] = scene.angle;
    o[3] = scene.omega;
    if (p.observationNoise > 0 && rng) for (let i = 0; i < 4; i++) o[i] = (o[i] as number) + p.observationNoise * rng.normal();
  };

  return {
    reset(t, episodeRng, obs) {
      scene.reset(t);
      rng = episodeRng;
      steps = 0;
      fell = false;
      sumAbsAngle = 0;
      maxAbsAngle = Math.abs(t.angle0);
      maxAbsX = Math.abs(t.x0);
      travel = 0;
      sumAbsForce = 0;
      lastX = scene.x;
      observe(obs);
    },
    step(action, obs) {
      // Already inside [-forceMax, forceMax]: the runtime clips every action to the box.
      const f = action[0] as number;
      scene.advance(f);
      steps++;
      const x = scene.x;
      const a = Math.abs(scene.angle);
      travel += Math.abs(x - lastX);
      lastX = x;
      sumAbsAngle += a;
      sumAbsForce += Math.abs(f);
      if (a > maxAbsAngle) maxAbsAngle = a;
      if (Math.abs(x) > maxAbsX) maxAbsX = Math.abs(x);
      fell = a > FALL_ANGLE || Math.abs(x) > p.trackHalfLength;
      observe(obs);
      return fell || steps >= MAX_STEPS;
    },
    outcome() {
      return {
        steps,
        terminated: fell,
        truncated: !fell,
        measurements: {
          survivalTime: steps / CONTROL_HZ,
          meanAbsAngle: ((sumAbsAngle / Math.max(1, steps)) * 180) / Math.PI,
          cartTravel: travel,
          effort: sumAbsForce / Math.max(1, steps),
        },
        truth: { maxAbsAngle: (maxAbsAngle * 180) / Math.PI, maxAbsX },
      };
    },
  };
}

/** Draws the initial state of a task uniformly in ±spread. */
function initialState(rng: Stream, spread: number): { x0: number; v0: number; angle0: number; angularVelocity0: number } {
  return { x0: rng.uniform(-spread, spread), v0: rng.uniform(-spread, spread), angle0: rng.uniform(-spread, spread), angularVelocity0: rng.uniform(-spread, spread) };
}

/** The passive scene: the pole released from a tilt of up to ±0.5 rad, no force ever. */
function passive(p: BalanceParams, rng: Stream): PassiveScene {
  const scene = new BalanceScene(p);
  scene.reset({ split: 'train', x0: 0, v0: 0, angle0: rng.uniform(-0.5, 0.5), angularVelocity0: rng.uniform(-0.5, 0.5) });
  return { step: () => scene.advance(0), energy: () => engineEnergy(scene.engine) };
}

/** The balance world definition. */
export const balance = defineWorld({
  kind: 'closed-loop',
  id: 'balance',
  version: 1,
  title: 'Balance',
  description: 'Keep a pole upright on a cart for 10 s by pushing the cart left and right every step.',
  params,
  task,
  // The honest metric a designer would start from (its gameable neighbours are marked above).
  defaultMetric: () => ({ expression: 'survivalTime', direction: 'higher', threshold: 10 }),
  // The designer's metric: how upright the pole was, averaged over the steps it lasted.
  designerMetric: () => ({ expression: 'meanAbsAngle', direction: 'lower', threshold: 3, blindSpot: 'averages only the steps survived: an episode that fails fast after a small tilt passes' }),
  actionSpace: (p) => ({ names: ['force'], low: [-p.forceMax], high: [p.forceMax], units: ['N'] }),
  observationSpace: (p) => ({
    names: ['x', 'v', 'angle', 'angularVelocity'],
    low: [-p.trackHalfLength, -2, -FALL_ANGLE, -2],
    high: [p.trackHalfLength, 2, FALL_ANGLE, 2],
    units: ['m', 'm/s', 'rad', 'rad/s'],
  }),
  controlDt: 1 / CONTROL_HZ,
  maxSteps: () => MAX_STEPS,
  measurements,
  truth: ['maxAbsAngle', 'maxAbsX'],
  checks: [
    {
      name: 'staysUp',
      doc: 'For 10 s the pole stays within ±12° of upright and the cart within the track (margin: the worst of the three, as a fraction).',
      margin: ({ measurements: m, truth, params: p }) =>
        Math.min(
          (12 - truth.maxAbsAngle) / 12,
          (p.trackHalfLength - truth.maxAbsX) / p.trackHalfLength,
          (m.survivalTime - 10) / 10,
        ),
    },
  ],
  featureNames: () => ['gravity', 'poleLength', 'poleMass'],
  taskFeatures: (_t, p) => [p.gravity, p.poleLength, p.poleMass],
  sampleTask(rng, split, p) {
    // Probe tasks: a quarter each shift gravity, change the pole's length, make it 5× heavier,
    // or start from a state three times wider than training saw.
    const kind = split === 'probe' ? rng.int(0, 3) : -1;
    const spread = kind === 3 ? Math.min(0.3, 3 * p.initialSpread) : p.initialSpread;
    const s = initialState(rng, spread);
    if (kind === 0) return { split, ...s, overrides: { gravity: Math.min(30, Math.max(1, p.gravity * rng.pick(PROBE_FACTORS.gravity))) } };
    if (kind === 1) return { split, ...s, overrides: { poleLength: Math.min(2, Math.max(0.3, p.poleLength * rng.pick(PROBE_FACTORS.poleLength))) } };
    if (kind === 2) return { split, ...s, overrides: { poleMass: Math.min(1, p.poleMass * PROBE_FACTORS.poleMass[0]) } };
    return { split, ...s };
  },
  createClosedLoop: createSlot,
  passive,
});
