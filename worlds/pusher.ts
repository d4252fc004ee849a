/**
 * pusher — a pusher paddle shoves a block along a floor with friction onto a pad.
 *
 * One-shot action: the paddle moves right at `pushSpeed` for `pushTime` seconds, then stops;
 * the block rides on it and then slides on under Coulomb friction until it stops.
 *
 * Ground truth `blockOnPad`: the block is at rest with its centre on the pad. Gameable proxies:
 * - `timeOnPad` rewards sliding across the pad (the block touches it and leaves);
 * - `minBlockToPad` rewards passing over the pad's centre at any speed.
 *
 * Why the friction is computed here and not by matter-js: matter-js's friction is not Coulomb.
 * Its kinetic impulse removes a fixed velocity per step regardless of gravity and mass, and
 * below ~1.5 m/s a resting-contact branch takes over (measured: μ = 0.01 stopped a 1 m/s block
 * in 4 cm but let a 2 m/s block slide 54 cm; gravity 5 → 20 changed nothing). A pushing world
 * needs a slide distance that grows with speed and shrinks with μ·g, so the floor is
 * frictionless to matter-js and the block gets the Coulomb deceleration μ·g every step.
 */
import Matter from 'matter-js';
import { z } from 'zod';
import type { WorldView } from '../src/core/view.ts';
import { SPLITS, type MeasurementSpec, type PassiveScene } from '../src/core/types.ts';
import { defineWorld } from '../src/core/world.ts';
import { createEngine, engineToMps, mpsToEngine, restoreSnapshot, step, STEP_S, takeSnapshot, UNITS_PER_M, type EngineSnapshot } from './shared/engine.ts';
import { engineEnergy } from './shared/energy.ts';
import { Recorder, sampleInRange, setPosition, shiftedValue, staticBox } from './shared/scene.ts';

const { Bodies, Body, Composite } = Matter;

const params = z.strictObject({
  gravity: z.number().min(1).max(30).default(9.81).describe('Gravity in m/s².'),
  friction: z.number().min(0.05).max(1.5).default(0.4).describe('Coulomb friction coefficient between block and floor.'),
  blockSize: z.number().min(0.05).max(0.5).default(0.2).describe('Side of the square block in m.'),
  padHalfWidth: z.number().min(0.02).max(1).default(0.15).describe('Half-width of the pad in m; the block centre must rest within it.'),
  padMin: z.number().min(0.2).max(10).default(0.6).describe('Nearest pad centre of train and anchor tasks, in m from the block start.'),
  padMax: z.number().min(0.2).max(10).default(2.4).describe('Farthest pad centre of train and anchor tasks, in m from the block start.'),
  timeLimit: z.number().min(1).max(20).default(5).describe('Episode time limit in s.'),
});
type PusherParams = z.infer<typeof params>;

const task = z.strictObject({
  split: z.enum(SPLITS),
  padX: z.number().min(0).max(30),
  overrides: z.strictObject({ friction: params.shape.friction.unwrap() }).optional(),
});
/** A pusher task (inferred from its schema). */
export type PusherTask = z.infer<typeof task>;

/** Action bounds: paddle speed (m/s) and push duration (s). */
const ACTION_LOW = [0.1, 0.05] as const;
const ACTION_HIGH = [3, 1.5] as const;

/** A block slower than this (m/s) with the paddle stopped counts as at rest, for REST_STEPS steps. */
const REST_SPEED = 0.01;
const REST_STEPS = 10;
/** Gap between paddle and block at the start (m): they touch on the first step. */
const START_GAP = 0.002;
const PADDLE_WIDTH = 0.05;

const measurements = [
  { name: 'restError', doc: 'Distance from where the block ends to the pad centre.', unit: 'm', better: 'lower' },
  { name: 'blockSpeed', doc: 'Speed of the block at the end of the episode.', unit: 'm/s', better: 'lower' },
  { name: 'pushDistance', doc: 'How far the block moved from its start.', unit: 'm', better: 'none' },
  { name: 'minBlockToPad', doc: 'Closest approach of the block centre to the pad centre at any time.', unit: 'm', better: 'lower', gameable: 'a fast push slides the block over the pad centre and beyond' },
  { name: 'timeOnPad', doc: 'Time the block centre spent over the pad.', unit: 's', better: 'higher', gameable: 'a block sliding across the pad counts without stopping on it' },
  { name: 'maxBlockSpeed', doc: 'Highest block speed during the episode.', unit: 'm/s', better: 'none' },
  { name: 'pusherTravel', doc: 'Distance the paddle moved (speed × duration).', unit: 'm', better: 'none' },
  { name: 'effort', doc: 'Work per kilogram the paddle does: the block\'s kinetic energy at its speed plus friction over the paddle\'s travel.', unit: 'J/kg', better: 'lower' },
] as const satisfies readonly MeasurementSpec[];

/** Builds the floor, block and paddle once; episodes replay from a snapshot. */
class PusherScene {
  private readonly engine: Matter.Engine;
  private readonly block: Matter.Body;
  private readonly paddle: Matter.Body;
  private readonly snapshot: EngineSnapshot;
  private readonly maxSteps: number;
  private readonly paddleX0: number;

  constructor(private readonly p: PusherParams) {
    this.engine = createEngine(p.gravity);
    const s = p.blockSize;
    // Frictionless to matter-js: the block's friction is applied in `push` (see the header).
    const floor = staticBox(-3, -1, 40, 0, { friction: 0, label: 'floor' });
    this.block = Bodies.rectangle(0, (-s / 2) * UNITS_PER_M, s * UNITS_PER_M, s * UNITS_PER_M, {
      friction: 0,
      frictionStatic: 0,
      frictionAir: 0,
      restitution: 0,
      // A sled, not a die: without rotation the push stays a clean 1-D problem.
      inertia: Infinity,
      label: 'block',
    });
    // The paddle is static and moved kinematically: matter-js then treats it as infinitely
    // heavy and reads its velocity from the position change, so the block takes its speed.
    this.paddleX0 = -s / 2 - START_GAP - PADDLE_WIDTH / 2;
    this.paddle = Bodies.rectangle(this.paddleX0 * UNITS_PER_M, (-s / 2) * UNITS_PER_M, PADDLE_WIDTH * UNITS_PER_M, s * 0.6 * UNITS_PER_M, {
      isStatic: true,
      friction: 0,
      frictionStatic: 0,
      restitution: 0,
      label: 'paddle',
    });
    Composite.add(this.engine.world, [floor, this.block, this.paddle]);
    // Let the block settle onto the floor before the snapshot, so every push starts at rest.
    for (let i = 0; i < 30; i++) step(this.engine);
    Body.setVelocity(this.block, { x: 0, y: 0 });
    this.snapshot = takeSnapshot(this.engine);
    this.maxSteps = Math.round(p.timeLimit / STEP_S);
  }

  /** Coulomb friction on the sliding block for one step; below one step's worth of deceleration it sticks. */
  private friction(decel: number): void {
    const v = this.block.velocity.x;
    if (v !== 0) {
      const nv = Math.abs(v) <= decel ? 0 : v - (v > 0 ? decel : -decel);
      Body.setVelocity(this.block, { x: nv, y: this.block.velocity.y });
    }
  }

  /** Coulomb deceleration per step, in matter-js velocity units (units per step). */
  private decel(): number {
    return mpsToEngine(this.p.friction * this.p.gravity * STEP_S);
  }

  /** The scene left to itself with the block just released at `speed` (m/s), for the energy check. */
  passive(speed: number): PassiveScene {
    restoreSnapshot(this.snapshot);
    Body.setVelocity(this.block, { x: mpsToEngine(speed), y: 0 });
    const decel = this.decel();
    // Friction is the world's own physics, not an action: the passive scene keeps it.
    return {
      step: () => {
        this.friction(decel);
        step(this.engine);
      },
      energy: () => engineEnergy(this.engine),
    };
  }

  /** Simulates one push toward a pad at `padX` (m from the block's start). */
  push(padX: number, pushSpeed: number, pushTime: number, record: boolean) {
    const p = this.p;
    restoreSnapshot(this.snapshot);
    const block = this.block;
    const paddle = this.paddle;
    // Positions are measured from the block's start (the pad's frame too).
    const x0 = block.position.x / UNITS_PER_M;
    const pushSteps = Math.max(1, Math.round(pushTime / STEP_S));
    const decel = this.decel();
    const dPaddle = mpsToEngine(pushSpeed);
    const hw = p.padHalfWidth;
    const rec = new Recorder(record, this.maxSteps, ['x', 'vx', 'paddleX']);

    let x = 0;
    let vx = 0;
    let minToPad = Math.abs(x - padX);
    let onPadSteps = 0;
    let maxSpeed = 0;
    let restRun = 0;
    let atRest = false;
    let steps = 0;
    let paddleX = this.paddleX0;
    rec.sample(0, [x, 0, paddleX]);
    while (steps < this.maxSteps) {
      if (steps < pushSteps) {
        paddleX += pushSpeed * STEP_S;
        setPosition(paddle, { x: paddle.position.x + dPaddle, y: paddle.position.y }, true);
      } else if (steps === pushSteps) {
        // Stop the paddle: a zero move sets its velocity to zero.
        setPosition(paddle, { x: paddle.position.x, y: paddle.position.y }, true);
      }
      this.friction(decel);
      step(this.engine);
      steps++;
      x = block.position.x / UNITS_PER_M - x0;
      vx = engineToMps(block.velocity.x);
      const d = Math.abs(x - padX);
      if (d < minToPad) minToPad = d;
      if (d <= hw) onPadSteps++;
      const speed = Math.abs(vx);
      if (speed > maxSpeed) maxSpeed = speed;
      if (rec.due(steps)) rec.sample(steps, [x, vx, paddleX]);
      if (steps >= pushSteps && engineToMps(block.speed) < REST_SPEED) {
        if (++restRun >= REST_STEPS) {
          atRest = true;
          break;
        }
      } else {
        restRun = 0;
      }
    }
    if (!rec.due(steps)) rec.sample(steps, [x, vx, paddleX]);
    const blockSpeed = engineToMps(block.speed);
    const trajectory = rec.result();
    return {
      steps,
      atRest,
      measurements: {
        restError: Math.abs(x - padX),
        blockSpeed,
        pushDistance: x,
        minBlockToPad: minToPad,
        timeOnPad: onPadSteps * STEP_S,
        maxBlockSpeed: maxSpeed,
        pusherTravel: pushSteps * STEP_S * pushSpeed,
        effort: 0.5 * pushSpeed * pushSpeed + p.friction * p.gravity * pushSteps * STEP_S * pushSpeed,
      },
      ...(trajectory ? { trajectory } : {}),
    };
  }
}

/** What the app draws: the floor, the pad, the block (x channel) and the paddle (paddleX channel). */
function view(p: PusherParams, t: z.infer<typeof task>): WorldView {
  const far = Math.max(p.padMax, t.padX) + p.padHalfWidth + 0.6;
  const s = p.blockSize;
  return {
    bounds: { x0: -0.5, x1: far, y0: -0.2, y1: Math.max(0.8, (far + 0.5) * 0.3) },
    shapes: [
      { kind: 'rect', role: 'ground', x: far / 2, y: -0.05, w: far + 2, h: 0.1 },
      { kind: 'rect', role: 'zone', x: t.padX, y: 0.01, w: 2 * p.padHalfWidth, h: 0.02 },
    ],
    bodies: [
      { name: 'block', shape: { kind: 'box', w: s, h: s }, x: 'x', y: s / 2, trail: true },
      { name: 'paddle', shape: { kind: 'box', w: PADDLE_WIDTH, h: s * 0.6 }, x: 'paddleX', y: s / 2, trail: false },
    ],
  };
}

/** The pusher world definition. */
export const pusher = defineWorld({
  id: 'pusher',
  version: 1,
  title: 'Pusher',
  description: 'Push a block with a paddle (speed, duration) so that it slides to rest on a pad.',
  params,
  task,
  // The honest metric a designer would start from (its gameable neighbours are marked above).
  defaultMetric: (p) => ({ expression: 'restError', direction: 'lower', threshold: p.padHalfWidth }),
  // The designer's metric: the block's closest pass over the pad.
  designerMetric: (p) => ({ expression: 'minBlockToPad', direction: 'lower', threshold: p.padHalfWidth, blindSpot: 'a fast push slides the block over the pad and beyond: passing is not stopping' }),
  actionSpace: () => ({ names: ['pushSpeed', 'pushTime'], low: [...ACTION_LOW], high: [...ACTION_HIGH], units: ['m/s', 's'] }),
  measurements,
  checks: [
    {
      name: 'blockOnPad',
      doc: 'The block ends at rest (slower than 0.02 m/s) with its centre on the pad. Margin in m; a still-moving block fails by its speed × 1 s.',
      margin: ({ measurements: m, params: p }) => Math.min(p.padHalfWidth - m.restError, 0.02 - m.blockSpeed),
    },
  ],
  featureNames: () => ['padX', 'friction'],
  taskFeatures: (t, p) => [t.padX, t.overrides?.friction ?? p.friction],
  sampleTask(rng, split, p) {
    // Probe tasks: a third shift friction (×0.5 or ×1.6), a third put the pad beyond the train range.
    const kind = split === 'probe' ? rng.int(0, 2) : 2;
    const padX = sampleInRange(rng, split, p.padMin, p.padMax, kind === 1);
    if (kind === 0) return { split, padX, overrides: { friction: shiftedValue(rng, p.friction, 0.5, 1.6, 0.05, 1.5) } };
    return { split, padX };
  },
  // The energy check's scene: the block released at a random push speed, sliding to a stop.
  passive: (p, rng) => new PusherScene(p).passive(rng.uniform(ACTION_LOW[0], ACTION_HIGH[0])),
  view,
  createSimulator(p) {
    const scene = new PusherScene(p);
    return {
      run(t, action, _rng, options) {
        const r = scene.push(t.padX, action[0] as number, action[1] as number, options.trajectory);
        return { steps: r.steps, terminated: r.atRest, truncated: !r.atRest, measurements: r.measurements, ...(r.trajectory ? { trajectory: r.trajectory } : {}) };
      },
    };
  },
});
