/**
 * Scenario files: a JSON file that sets a registered world's parameters (gravity, friction,
 * zone sizes, target ranges, terrain parameters…) and, optionally, a fixed list of tasks —
 * without code. Everything is validated by the world's own schemas, so a scenario can never
 * reach outside what the world allows.
 *
 * ```json
 * { "name": "moon-range", "world": "projectile", "params": { "gravity": 1.62 },
 *   "tasks": [{ "split": "train", "targetX": 4 }, { "split": "probe", "targetX": 12 }] }
 * ```
 */
import { z } from 'zod';
import { InputError, inputErrorFromZod } from './errors.ts';
import { resolveParams } from './runtime.ts';
import type { AnyWorld, TaskBase } from './types.ts';
import { directionRequiredText, MetricError, parse, parseMetric, resolveDirection, type Metric } from '../metrics/index.ts';

const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The file's shape (world-specific parts are checked against the world afterwards). */
export const scenarioSchema = z.strictObject({
  name: z.string().min(1).max(100).describe('Short name, shown in reports.'),
  description: z.string().max(2000).optional().describe('What the scenario is for.'),
  world: z.string().describe('Id of a registered world.'),
  params: z.record(z.string(), z.unknown()).default({}).describe("Parameter overrides, validated by the world's schema."),
  tasks: z.array(z.unknown()).max(100_000).optional().describe("Fixed tasks, each validated by the world's task schema."),
  metric: z
    .strictObject({ expression: z.string(), direction: z.enum(['lower', 'higher']).optional(), threshold: z.number() })
    .optional()
    .describe("A metric over the world's measurements; without a direction, the one its measurements declare (src/metrics/direction.ts)."),
});

/** A validated scenario: resolved parameters and typed tasks. */
export interface Scenario {
  readonly name: string;
  readonly description?: string;
  readonly world: AnyWorld;
  readonly params: Record<string, unknown>;
  readonly tasks?: readonly TaskBase[];
  /** The scenario's metric, parsed, its direction given or declared (issue 15: the same rule as the CLI). */
  readonly metric?: Metric;
}

/**
 * Parses scenario JSON text against the registry; every error is an InputError whose field is
 * the path inside the file (e.g. `scenario.params.gravity`, `scenario.tasks[3].targetX`).
 */
export function parseScenario(text: string, getWorld: (id: string) => AnyWorld): Scenario {
  let json: unknown;
  let forbidden: string | undefined;
  try {
    // zod copies records by assignment, where a "__proto__" key would silently become a
    // prototype instead of an error: refuse prototype keys while parsing.
    json = JSON.parse(text, (key, value: unknown) => {
      if (PROTOTYPE_KEYS.has(key)) forbidden ??= key;
      return value;
    });
  } catch (err) {
    throw new InputError('scenario', text.slice(0, 40), `valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (forbidden !== undefined) throw new InputError('scenario', forbidden, 'keys other than __proto__, constructor and prototype');
  const r = scenarioSchema.safeParse(json);
  if (!r.success) throw inputErrorFromZod('scenario', r.error, json);
  let world: AnyWorld;
  try {
    world = getWorld(r.data.world);
  } catch (err) {
    if (err instanceof InputError) throw new InputError('scenario.world', r.data.world, err.allowed);
    throw err;
  }
  let params: Record<string, unknown>;
  try {
    params = resolveParams(world, r.data.params);
  } catch (err) {
    if (err instanceof InputError) throw new InputError(`scenario.${err.field}`, err.value, err.allowed);
    throw err;
  }
  const tasks = r.data.tasks?.map((t, i) => {
    const tr = world.task.safeParse(t);
    if (!tr.success) {
      const e = inputErrorFromZod('', tr.error, t);
      throw new InputError(`scenario.tasks[${i}]${e.field ? `.${e.field}` : ''}`, e.value, e.allowed);
    }
    // Task overrides go through the parameter schema too, so a task cannot leave its ranges.
    if (tr.data.overrides) {
      try {
        resolveParams(world, { ...params, ...tr.data.overrides });
      } catch (err) {
        if (err instanceof InputError) throw new InputError(`scenario.tasks[${i}].overrides`, err.value, err.allowed);
        throw err;
      }
    }
    return tr.data as TaskBase;
  });
  const metric = r.data.metric ? scenarioMetric(world, r.data.metric) : undefined;
  return { name: r.data.name, ...(r.data.description ? { description: r.data.description } : {}), world, params, ...(tasks ? { tasks } : {}), ...(metric ? { metric } : {}) };
}

/** A scenario's metric through the one direction rule (exit 2 naming `scenario.metric.direction` when the declarations give none). */
function scenarioMetric(world: AnyWorld, spec: { expression: string; direction?: 'lower' | 'higher' | undefined; threshold: number }): Metric {
  try {
    const direction = resolveDirection(parse(spec.expression, world.measurements), world.measurements, spec.direction);
    return parseMetric({ ...spec, direction }, world.measurements);
  } catch (err) {
    if (err instanceof MetricError && err.code === 'direction-required') throw new InputError('scenario.metric.direction', undefined, directionRequiredText(spec.expression, err));
    if (err instanceof MetricError) throw new InputError('scenario.metric.expression', spec.expression.slice(0, 60), `a metric expression over ${world.id}'s measurements (${err.message})`);
    throw err;
  }
}
