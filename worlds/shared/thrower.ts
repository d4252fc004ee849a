/**
 * A throw over arbitrary static terrain: the launcher approach (a bean bag thrown from a fixed
 * point, replayed from a snapshot, ended early at rest) generalised so a world supplies its own
 * static bodies (a basket, a valley) and watches every step through a callback.
 *
 * Coordinates in metres, y up, launch point at (0, launchHeight). The launcher scene of
 * `projectile` and `multi-target` is left untouched so their golden digests cannot move.
 */
import Matter from 'matter-js';
import { z } from 'zod';
import type { Stream } from '../../src/core/rng.ts';
import type { PassiveScene, Trajectory } from '../../src/core/types.ts';
import { createEngine, engineToMps, launch, restoreSnapshot, step, STEP_S, takeSnapshot, UNITS_PER_M, type EngineSnapshot } from './engine.ts';
import { passiveEngine } from './energy.ts';
import { Recorder } from './scene.ts';

const { Bodies, Composite } = Matter;

/** Parameters every thrower world shares (defaults, ranges and docs in one table). */
export const throwerParamShape = {
  gravity: z.number().min(1).max(30).default(9.81).describe('Gravity in m/s².'),
  friction: z.number().min(0).max(1).default(0.8).describe('matter-js friction between the bean bag and ordinary ground.'),
  restitution: z.number().min(0).max(1).default(0.1).describe('Bounciness of the bean bag (0 = dead stop, 1 = elastic).'),
  radius: z.number().min(0.05).max(0.2).default(0.1).describe('Radius of the bean bag in m.'),
  launchHeight: z.number().min(0.2).max(3).default(1).describe('Height of the launch point above the ground in m.'),
  launchNoise: z.number().min(0).max(0.2).default(0).describe('Relative standard deviation of the launch speed, drawn from the episode stream.'),
  timeLimit: z.number().min(1).max(20).default(6).describe('Episode time limit in s.'),
} as const;

/** Resolved thrower parameters. */
export interface ThrowerParams {
  gravity: number;
  friction: number;
  restitution: number;
  radius: number;
  launchHeight: number;
  launchNoise: number;
  timeLimit: number;
}

/** A bean bag slower than this (m/s) for REST_STEPS steps in a row is at rest. */
export const REST_SPEED = 0.02;
const REST_STEPS = 10;

/** Called after every step with the bean bag's centre (m, y up) and the step index (1-based). */
export type StepObserver = (x: number, y: number, stepIndex: number) => void;

/** What every throw measures, whatever the terrain; worlds add their own through the observer. */
export interface ThrowOutcome {
  steps: number;
  atRest: boolean;
  /** Where the bean bag ends (m). */
  x: number;
  y: number;
  finalSpeed: number;
  maxHeight: number;
  /** Time until the bean bag first touched any static body (the time limit if never). */
  flightTime: number;
  /** Kinetic energy per kilogram at launch (after launch noise). */
  launchEnergy: number;
  trajectory?: Trajectory;
}

/** A built scene for one parameter set and terrain; throws are replayed from a snapshot. */
export class ThrowScene {
  private readonly engine: Matter.Engine;
  private readonly bag: Matter.Body;
  private readonly snapshot: EngineSnapshot;
  private readonly maxSteps: number;

  /** `terrain`: static bodies built in metres (see scene.ts); the scene owns them afterwards. */
  constructor(
    private readonly p: ThrowerParams,
    terrain: readonly Matter.Body[],
  ) {
    this.engine = createEngine(p.gravity);
    this.bag = Bodies.circle(0, -p.launchHeight * UNITS_PER_M, p.radius * UNITS_PER_M, {
      friction: p.friction,
      frictionStatic: p.friction,
      restitution: p.restitution,
      frictionAir: 0,
      // A bean bag: infinite inertia, so it does not roll away after landing.
      inertia: Infinity,
      label: 'beanbag',
    });
    Composite.add(this.engine.world, [...terrain, this.bag]);
    this.snapshot = takeSnapshot(this.engine);
    this.maxSteps = Math.round(p.timeLimit / STEP_S);
  }

  /** True when the bean bag is in an active contact pair this step (matter-js's own collision list). */
  private touching(): boolean {
    const list = this.engine.pairs.list;
    for (let i = 0; i < list.length; i++) {
      const pair = list[i] as Matter.Pair;
      if (pair.isActive && (pair.bodyA === this.bag || pair.bodyB === this.bag)) return true;
    }
    return false;
  }

  /** The scene left to itself right after a throw, for the checker's energy check. */
  passive(angleDeg: number, speed: number, arrange?: () => void): PassiveScene {
    restoreSnapshot(this.snapshot);
    arrange?.();
    const a = (angleDeg * Math.PI) / 180;
    launch(this.bag, speed * Math.cos(a), speed * Math.sin(a));
    return passiveEngine(this.engine);
  }

  /**
   * Simulates one throw (angle in degrees above horizontal, speed in m/s). `arrange` runs right
   * after the snapshot is restored, to place task-dependent terrain (see `placeBody`).
   */
  throw(angleDeg: number, speed: number, rng: Stream, observe: StepObserver, record: boolean, arrange?: () => void): ThrowOutcome {
    const p = this.p;
    restoreSnapshot(this.snapshot);
    arrange?.();
    const noisy = p.launchNoise > 0 ? speed * (1 + p.launchNoise * rng.normal()) : speed;
    const a = (angleDeg * Math.PI) / 180;
    launch(this.bag, noisy * Math.cos(a), noisy * Math.sin(a));
    const bag = this.bag;
    const rec = new Recorder(record, this.maxSteps, ['x', 'y', 'vx', 'vy']);
    let x = 0;
    let y = p.launchHeight;
    let maxHeight = y;
    let flightSteps = -1;
    let restRun = 0;
    let atRest = false;
    let steps = 0;
    let speedNow = noisy;
    rec.sample(0, [x, y, engineToMps(bag.velocity.x), -engineToMps(bag.velocity.y)]);
    while (steps < this.maxSteps) {
      step(this.engine);
      steps++;
      x = bag.position.x / UNITS_PER_M;
      y = -bag.position.y / UNITS_PER_M;
      if (y > maxHeight) maxHeight = y;
      if (flightSteps < 0 && this.touching()) flightSteps = steps;
      observe(x, y, steps);
      speedNow = engineToMps(bag.speed);
      if (rec.due(steps)) rec.sample(steps, [x, y, engineToMps(bag.velocity.x), -engineToMps(bag.velocity.y)]);
      // No grounded test needed: in flight gravity changes the speed by ≥ 0.16 m/s in 10 steps.
      if (speedNow < REST_SPEED) {
        if (++restRun >= REST_STEPS) {
          atRest = true;
          break;
        }
      } else {
        restRun = 0;
      }
    }
    if (!rec.due(steps)) rec.sample(steps, [x, y, engineToMps(bag.velocity.x), -engineToMps(bag.velocity.y)]);
    const trajectory = rec.result();
    return {
      steps,
      atRest,
      x,
      y,
      finalSpeed: speedNow,
      maxHeight,
      flightTime: (flightSteps < 0 ? steps : flightSteps) * STEP_S,
      launchEnergy: 0.5 * noisy * noisy,
      ...(trajectory ? { trajectory } : {}),
    };
  }
}
