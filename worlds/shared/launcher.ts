/**
 * The launcher scene shared by `projectile` and `multi-target`: flat ground, a body thrown from
 * a fixed launch point, and the per-step bookkeeping that turns one throw into measurements.
 *
 * Coordinates in metres: x to the right, y up, ground surface at y = 0, launch point at
 * (0, launchHeight). matter-js's y axis points down; the conversion lives here only.
 */
import { Box } from '../../src/core/box.ts';
import Matter from 'matter-js';
import { z } from 'zod';
import type { Stream } from '../../src/core/rng.ts';
import type { PassiveScene, Trajectory } from '../../src/core/types.ts';
import { createEngine, engineToMps, launch, restoreSnapshot, step, STEP_S, takeSnapshot, UNITS_PER_M, type EngineSnapshot } from './engine.ts';
import { passiveEngine } from './energy.ts';

const { Bodies, Composite } = Matter;

/** Parameters every launcher world shares (one table: defaults, ranges and docs). */
export const launcherParamShape = {
  gravity: z.number().min(1).max(30).default(9.81).describe('Gravity in m/s².'),
  friction: z.number().min(0).max(1).default(0.8).describe('Coulomb friction between the thrown body and the ground.'),
  restitution: z.number().min(0).max(1).default(0.1).describe('Bounciness of the thrown body (0 = dead stop, 1 = elastic).'),
  airDrag: z.number().min(0).max(0.05).default(0).describe('matter-js frictionAir: fraction of velocity lost per step in flight.'),
  body: z
    .enum(['beanbag', 'ball'])
    .default('beanbag')
    .describe('beanbag: cannot rotate, stops where it lands; ball: rolls on after landing (landingError then misleads).'),
  radius: z.number().min(0.05).max(0.5).default(0.1).describe('Radius of the thrown body in m.'),
  launchHeight: z.number().min(0.2).max(5).default(1).describe('Height of the launch point above the ground in m.'),
  launchNoise: z.number().min(0).max(0.2).default(0).describe('Relative standard deviation of the launch speed, drawn from the episode stream.'),
  zoneHalfWidth: z.number().min(0.05).max(3).default(0.5).describe('Half-width of each target zone in m.'),
  targetMin: z.number().min(1).max(30).default(3).describe('Nearest target centre of train and anchor tasks, in m.'),
  targetMax: z.number().min(1).max(30).default(10).describe('Farthest target centre of train and anchor tasks, in m.'),
  timeLimit: z.number().min(1).max(20).default(6).describe('Episode time limit per throw in s.'),
} as const;

/** Resolved launcher parameters. */
export interface LauncherParams {
  gravity: number;
  friction: number;
  restitution: number;
  airDrag: number;
  body: 'beanbag' | 'ball';
  radius: number;
  launchHeight: number;
  launchNoise: number;
  zoneHalfWidth: number;
  targetMin: number;
  targetMax: number;
  timeLimit: number;
}

/** Launch angle (degrees above horizontal) and speed (m/s): the action of one throw. */
export const THROW_LOW = [5, 1] as const;
export const THROW_HIGH = [85, 15] as const;

/** The ground extends far beyond any reachable target, so a throw never runs off its edge. */
const GROUND_FROM = -5;
const GROUND_TO = 60;
/** Speed under which a grounded body counts as at rest (m/s), for this many steps in a row. */
const REST_SPEED = 0.02;
const REST_STEPS = 10;
/** Contact hysteresis on the body's lowest point (m): touching below, airborne above. */
const TOUCH = 0.01;
const LIFT = 0.03;
/** Trajectory sampling interval in steps. */
export const SAMPLE_EVERY = 2;

/** Everything one throw measured; the worlds turn these into named measurements. */
export interface ThrowResult {
  steps: number;
  atRest: boolean;
  landingX: number;
  restX: number;
  minDistToTarget: number;
  maxHeight: number;
  flightTime: number;
  launchEnergy: number;
  bounces: number;
  timeInZone: number;
  finalSpeed: number;
  trajectory?: Trajectory;
}

/** A built scene for one parameter set; throws are replayed from a snapshot. */
export class LauncherScene {
  private readonly engine: Matter.Engine;
  private readonly body: Matter.Body;
  private readonly snapshot: EngineSnapshot;
  private readonly maxSteps: number;

  constructor(private readonly p: LauncherParams) {
    this.engine = createEngine(p.gravity);
    const r = p.radius * UNITS_PER_M;
    const groundW = (GROUND_TO - GROUND_FROM) * UNITS_PER_M;
    const ground = Bodies.rectangle(((GROUND_FROM + GROUND_TO) / 2) * UNITS_PER_M, 0.5 * UNITS_PER_M, groundW, UNITS_PER_M, {
      isStatic: true,
      friction: p.friction,
      frictionStatic: p.friction,
      restitution: 0,
      label: 'ground',
    });
    this.body = Bodies.circle(0, -p.launchHeight * UNITS_PER_M, r, {
      friction: p.friction,
      frictionStatic: p.friction,
      restitution: p.restitution,
      frictionAir: p.airDrag,
      label: p.body,
      // A bean bag does not roll: infinite inertia. matter-js has no rolling resistance, so a
      // ball rolls on for metres after landing (measured: 4–5 m at 9 m/s).
      ...(p.body === 'beanbag' ? { inertia: Infinity } : {}),
    });
    Composite.add(this.engine.world, [ground, this.body]);
    this.snapshot = takeSnapshot(this.engine);
    this.maxSteps = Math.round(p.timeLimit / STEP_S);
  }

  /** The scene left to itself after a throw, for the checker's energy check (no measurements). */
  passive(angleDeg: number, speed: number): PassiveScene {
    restoreSnapshot(this.snapshot);
    const a = (angleDeg * Math.PI) / 180;
    launch(this.body, speed * Math.cos(a), speed * Math.sin(a));
    return passiveEngine(this.engine);
  }

  /** Simulates one throw at a target centre; `rng` only feeds the launch noise. */
  throw(targetX: number, angleDeg: number, speed: number, rng: Stream, recordTrajectory: boolean): ThrowResult {
    const p = this.p;
    restoreSnapshot(this.snapshot);
    const noisy = p.launchNoise > 0 ? speed * (1 + p.launchNoise * rng.normal()) : speed;
    const a = (angleDeg * Math.PI) / 180;
    const vx = noisy * Math.cos(a);
    const vy = noisy * Math.sin(a);
    launch(this.body, vx, vy);

    const body = this.body;
    // Module constants copied to locals: the hot loop then avoids cross-module binding lookups.
    const unitsPerM = UNITS_PER_M;
    const stepS = STEP_S;
    const r = p.radius;
    const half = p.zoneHalfWidth;
    const capacity = recordTrajectory ? Math.floor(this.maxSteps / SAMPLE_EVERY) + 2 : 0;
    const tr = recordTrajectory
      ? { t: new Float64Array(capacity), x: new Float64Array(capacity), y: new Float64Array(capacity), vx: new Float64Array(capacity), vy: new Float64Array(capacity), angle: new Float64Array(capacity) }
      : undefined;
    let samples = 0;
    const sample = (stepIndex: number): void => {
      if (!tr) return;
      tr.t[samples] = stepIndex * STEP_S;
      tr.x[samples] = body.position.x / UNITS_PER_M;
      tr.y[samples] = -body.position.y / UNITS_PER_M;
      tr.vx[samples] = engineToMps(body.velocity.x);
      tr.vy[samples] = -engineToMps(body.velocity.y);
      tr.angle[samples] = body.angle;
      samples++;
    };

    let x = 0;
    let y = p.launchHeight;
    let landingX = NaN;
    let flightSteps = -1;
    let grounded = false;
    let contacts = 0;
    let restRun = 0;
    let inZoneSteps = 0;
    let maxHeight = y;
    // Closest approach tracked squared (sqrt once at the end: monotone and correctly rounded, so
    // bitwise the same). Math.hypot is not guaranteed identical across engines.
    let minDist2 = (x - targetX) * (x - targetX) + y * y;
    let steps = 0;
    let atRest = false;
    let speedNow = noisy;
    sample(0);
    const engine = this.engine;
    const advance = step;
    while (steps < this.maxSteps) {
      advance(engine);
      steps++;
      x = body.position.x / unitsPerM;
      y = -body.position.y / unitsPerM;
      const bottom = y - r;
      if (y > maxHeight) maxHeight = y;
      const d2 = (x - targetX) * (x - targetX) + y * y;
      if (d2 < minDist2) minDist2 = d2;
      if (!grounded && bottom <= TOUCH) {
        grounded = true;
        contacts++;
        if (flightSteps < 0) {
          flightSteps = steps;
          landingX = x;
        }
      } else if (grounded && bottom > LIFT) {
        grounded = false;
      }
      if (grounded && Math.abs(x - targetX) <= half) inZoneSteps++;
      speedNow = body.speed / unitsPerM / stepS;
      if (tr !== undefined && steps % SAMPLE_EVERY === 0) sample(steps);
      if (grounded && speedNow < REST_SPEED) {
        if (++restRun >= REST_STEPS) {
          atRest = true;
          break;
        }
      } else {
        restRun = 0;
      }
    }
    if (steps % SAMPLE_EVERY !== 0) sample(steps);
    if (flightSteps < 0) {
      // Never touched the ground within the time limit: the "landing" is where it is now.
      flightSteps = steps;
      landingX = x;
    }
    const result: ThrowResult = {
      steps,
      atRest,
      landingX,
      restX: x,
      minDistToTarget: Math.sqrt(minDist2),
      maxHeight,
      flightTime: flightSteps * STEP_S,
      launchEnergy: 0.5 * noisy * noisy,
      bounces: Math.max(0, contacts - 1),
      timeInZone: inZoneSteps * STEP_S,
      finalSpeed: speedNow,
    };
    if (tr) {
      result.trajectory = {
        dt: STEP_S,
        sampleEvery: SAMPLE_EVERY,
        t: tr.t.slice(0, samples),
        channels: { x: tr.x.slice(0, samples), y: tr.y.slice(0, samples), vx: tr.vx.slice(0, samples), vy: tr.vy.slice(0, samples), angle: tr.angle.slice(0, samples) },
      };
    }
    return result;
  }
}

/** The passive scene of a launcher world: one random throw (within the action box), then hands off. */
export function launcherPassive(p: LauncherParams, rng: Stream): PassiveScene {
  const [angle, speed] = Box.sample({ low: THROW_LOW, high: THROW_HIGH }, rng);
  return new LauncherScene(p).passive(angle, speed);
}

/** Draws a target centre for a split: probe tasks reach up to 50% beyond the train range. */
export function sampleTargetX(rng: Stream, split: 'train' | 'anchor' | 'probe', p: LauncherParams, beyond: boolean): number {
  const lo = Math.min(p.targetMin, p.targetMax);
  const hi = Math.max(p.targetMin, p.targetMax);
  if (split === 'probe' && beyond) return rng.uniform(hi, hi + 0.5 * (hi - lo));
  return rng.uniform(lo, hi);
}

/** A probe gravity shift: ×0.6 or ×1.5 of the world's gravity, within the schema's range. */
export function shiftedGravity(rng: Stream, g: number): number {
  const factor = rng.next() < 0.5 ? 0.6 : 1.5;
  return Math.min(30, Math.max(1, g * factor));
}
