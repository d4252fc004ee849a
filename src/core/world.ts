/**
 * `defineWorld`: the one way to write a world. Parameter and task types come from their zod
 * schemas, measurement names from one const list (and hidden truth names from another), so a
 * check reads `m.restError` as a number with no cast, and a simulator that forgets a declared
 * measurement does not compile. The checks are frozen and hashed here (`defineChecks`).
 * See worlds/TEMPLATE.md for a commented example.
 */
import type { z } from 'zod';
import { defineChecks } from './checks.ts';
import type { AnyWorld, ClosedLoopSimulator, ClosedLoopWorldDef, GroundTruthCheck, MeasurementSpec, Simulator, TaskBase, WorldDef } from './types.ts';

/** Names in a measurement list. */
export type MeasurementNames<M extends readonly MeasurementSpec[]> = M[number]['name'];

/** The typed part of a world definition: schemas, measurement and truth lists, and checks over them. */
interface Typed<PS extends z.ZodType<object>, TS extends z.ZodType<TaskBase>, M extends readonly MeasurementSpec[], H extends readonly string[]> {
  /** Strict zod object: defaults and ranges for every parameter; unknown keys are rejected. */
  readonly params: PS;
  /** Task schema: validates tasks that arrive from outside (the physics worker checks every explicit task). */
  readonly task: TS;
  /** Every measurement, once: its name types the checks and the simulator's outcome. */
  readonly measurements: M;
  /** Names of the hidden quantities only checks see (RawOutcome.truth), if any. */
  readonly truth?: H;
  /** Ground-truth checks; frozen and hashed by `defineWorld`. */
  readonly checks: GroundTruthCheck<z.output<PS>, z.output<TS>, MeasurementNames<M>, H[number]>[];
}

type Untyped = 'params' | 'task' | 'measurements' | 'checks';

/** A one-shot world as its author writes it. */
export type OneShotDefinition<PS extends z.ZodType<object>, TS extends z.ZodType<TaskBase>, M extends readonly MeasurementSpec[], H extends readonly string[]> = Typed<PS, TS, M, H> &
  Omit<WorldDef<z.output<PS>, z.output<TS>>, Untyped | 'createSimulator'> & {
    createSimulator(params: z.output<PS>): Simulator<z.output<TS>, MeasurementNames<M>, H[number]>;
  };

/** A closed-loop world as its author writes it. */
export type ClosedLoopDefinition<PS extends z.ZodType<object>, TS extends z.ZodType<TaskBase>, M extends readonly MeasurementSpec[], H extends readonly string[]> = Typed<PS, TS, M, H> &
  Omit<ClosedLoopWorldDef<z.output<PS>, z.output<TS>>, Untyped | 'createClosedLoop'> & {
    createClosedLoop(params: z.output<PS>): ClosedLoopSimulator<z.output<TS>, MeasurementNames<M>, H[number]>;
  };

/** Defines a closed-loop world (`kind: 'closed-loop'`). */
export function defineWorld<PS extends z.ZodType<object>, TS extends z.ZodType<TaskBase>, const M extends readonly MeasurementSpec[], const H extends readonly string[] = readonly string[]>(
  def: ClosedLoopDefinition<PS, TS, M, H>,
): ClosedLoopWorldDef<z.output<PS>, z.output<TS>>;
/** Defines a one-shot world. */
export function defineWorld<PS extends z.ZodType<object>, TS extends z.ZodType<TaskBase>, const M extends readonly MeasurementSpec[], const H extends readonly string[] = readonly string[]>(
  def: OneShotDefinition<PS, TS, M, H>,
): WorldDef<z.output<PS>, z.output<TS>>;
export function defineWorld(def: {
  readonly id: string;
  readonly measurements: readonly MeasurementSpec[];
  readonly truth?: readonly string[];
  readonly checks: GroundTruthCheck<never, never>[];
}): AnyWorld {
  const names = new Set<string>();
  for (const m of def.measurements) {
    if (names.has(m.name)) throw new Error(`world '${def.id}': measurement '${m.name}' is declared twice`);
    names.add(m.name);
  }
  // The world keeps every field as written (methods stay methods: `this` and self-references work).
  const { truth: _truth, ...rest } = def;
  return { ...rest, checks: defineChecks(def.checks) } as unknown as AnyWorld;
}
