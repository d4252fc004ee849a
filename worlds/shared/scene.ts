/**
 * Small scene-building helpers shared by the one-shot worlds (pusher, sensor, hoops, flip):
 * static bodies placed in metres with y up, a trajectory recorder, and task-split sampling.
 *
 * Worlds describe geometry in metres, x to the right and y up, ground surface at y = 0.
 * matter-js works in units (100 per metre) with y down; the conversion lives here and in
 * engine.ts only.
 */
import Matter from 'matter-js';
import type { Stream } from '../../src/core/rng.ts';
import type { Split, Trajectory } from '../../src/core/types.ts';
import { STEP_S, UNITS_PER_M } from './engine.ts';

const { Bodies, Body } = Matter;

/** Options every static surface takes: its friction and a label for drawing. */
export interface SurfaceOptions {
  readonly friction: number;
  readonly label: string;
  readonly restitution?: number;
}

function surface(o: SurfaceOptions): Matter.IChamferableBodyDefinition {
  // frictionStatic is a multiplier on matter-js's static threshold; the pair takes the larger
  // of the two bodies' values, so surfaces keep it equal to their friction like the launcher.
  return { isStatic: true, friction: o.friction, frictionStatic: o.friction, restitution: o.restitution ?? 0, label: o.label };
}

/**
 * matter-js's `isStatic` option silently sets friction to 1 and restitution to 0, whatever the
 * options say (Body.setStatic runs during creation). Put the requested values back.
 */
function keepSurface(body: Matter.Body, o: SurfaceOptions): Matter.Body {
  body.friction = o.friction;
  body.restitution = o.restitution ?? 0;
  return body;
}

/** An axis-aligned static box spanning [x0, x1] × [y0, y1] in metres (y up). */
export function staticBox(x0: number, y0: number, x1: number, y1: number, o: SurfaceOptions): Matter.Body {
  const w = Math.abs(x1 - x0);
  const h = Math.abs(y1 - y0);
  return keepSurface(Bodies.rectangle(((x0 + x1) / 2) * UNITS_PER_M, (-(y0 + y1) / 2) * UNITS_PER_M, w * UNITS_PER_M, h * UNITS_PER_M, surface(o)), o);
}

/**
 * A static slab whose upper face is the segment (ax, ay)–(bx, by) in metres, `thickness` deep
 * below it (ax < bx). Used to build slopes and valleys out of straight pieces.
 */
export function staticSegment(ax: number, ay: number, bx: number, by: number, thickness: number, o: SurfaceOptions): Matter.Body {
  const dx = bx - ax;
  const dy = by - ay;
  const len = Math.sqrt(dx * dx + dy * dy);
  // Unit normal pointing down-left of the direction a→b (into the slab, y up).
  const nx = dy / len;
  const ny = -dx / len;
  const cx = (ax + bx) / 2 + (nx * thickness) / 2;
  const cy = (ay + by) / 2 + (ny * thickness) / 2;
  // matter-js angles turn clockwise on screen (y down): a slope rising to the right is negative.
  const angle = -Math.atan2(dy, dx);
  return keepSurface(Bodies.rectangle(cx * UNITS_PER_M, -cy * UNITS_PER_M, len * UNITS_PER_M, thickness * UNITS_PER_M, { ...surface(o), angle }), o);
}

/**
 * Moves a body so its centre is at (x, y) in metres, keeping its velocity. Only call it right
 * after a snapshot restore, to put task-dependent bodies in place: from an identical restored
 * state the move is the same arithmetic every time, so a reused engine stays bitwise-identical
 * to a fresh one (moving bodies by hand mid-history, instead of restoring, does not).
 */
export function placeBody(body: Matter.Body, x: number, y: number): void {
  setPosition(body, { x: x * UNITS_PER_M, y: -y * UNITS_PER_M }, false);
}

/**
 * matter-js 0.20's Body.setPosition with its third argument, which @types/matter-js omits:
 * `updateVelocity` true makes the move the body's velocity (how a kinematic static body, whose
 * velocity matter-js reads from the position change, is driven).
 */
export const setPosition = Body.setPosition as (body: Matter.Body, position: Matter.Vector, updateVelocity?: boolean) => void;

/** Trajectory sampling interval in steps (the same as the launcher's). */
export const SAMPLE_EVERY = 2;

/**
 * Records named channels every `SAMPLE_EVERY` steps into preallocated arrays; a disabled
 * recorder costs one branch per step, so bulk runs pay nothing.
 */
export class Recorder {
  private readonly t: Float64Array;
  private readonly data: Float64Array[];
  private n = 0;

  constructor(
    readonly enabled: boolean,
    maxSteps: number,
    private readonly names: readonly string[],
  ) {
    const capacity = enabled ? Math.floor(maxSteps / SAMPLE_EVERY) + 2 : 0;
    this.t = new Float64Array(capacity);
    this.data = names.map(() => new Float64Array(capacity));
  }

  /** Whether step `stepIndex` should be sampled (every SAMPLE_EVERY steps, or forced). */
  due(stepIndex: number): boolean {
    return this.enabled && stepIndex % SAMPLE_EVERY === 0;
  }

  /** Stores one sample; `values` follow the channel order given to the constructor. */
  sample(stepIndex: number, values: readonly number[]): void {
    if (!this.enabled) return;
    this.t[this.n] = stepIndex * STEP_S;
    for (let i = 0; i < this.data.length; i++) (this.data[i] as Float64Array)[this.n] = values[i] as number;
    this.n++;
  }

  /** The recorded trajectory (undefined when disabled). */
  result(): Trajectory | undefined {
    if (!this.enabled) return undefined;
    const channels: Record<string, Float64Array> = {};
    this.names.forEach((name, i) => {
      channels[name] = (this.data[i] as Float64Array).slice(0, this.n);
    });
    return { dt: STEP_S, sampleEvery: SAMPLE_EVERY, t: this.t.slice(0, this.n), channels };
  }
}

/**
 * Draws a task coordinate from [lo, hi] (either order); probe tasks marked `beyond` reach up to
 * 50% of the range past its far end (the "more digits" shift).
 */
export function sampleInRange(rng: Stream, split: Split, lo: number, hi: number, beyond: boolean): number {
  const a = Math.min(lo, hi);
  const b = Math.max(lo, hi);
  if (split === 'probe' && beyond) return rng.uniform(b, b + 0.5 * (b - a));
  return rng.uniform(a, b);
}

/** A probe shift of a parameter: ×`down` or ×`up` with equal odds, clamped to [min, max]. */
export function shiftedValue(rng: Stream, value: number, down: number, up: number, min: number, max: number): number {
  const factor = rng.next() < 0.5 ? down : up;
  return Math.min(max, Math.max(min, value * factor));
}

/** Wraps an angle in radians to (-π, π]. */
export function wrapAngle(a: number): number {
  const twoPi = 2 * Math.PI;
  let w = a - twoPi * Math.floor(a / twoPi);
  if (w > Math.PI) w -= twoPi;
  return w;
}
