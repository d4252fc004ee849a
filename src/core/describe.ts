/**
 * A world described as plain data (parameters from its zod schema with defaults, ranges and
 * docs; action space; measurements; checks): what `mirage-lab list` prints and what an app
 * can show without running anything.
 */
import { z } from 'zod';
import { paramRanges } from './checkWorld.ts';
import type { AnyWorld } from './types.ts';

/** Describes a world: parameters (from its schema), action space at default parameters, measurements, checks. */
export function describeWorld(w: AnyWorld) {
  const json = z.toJSONSchema(w.params, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, { default?: unknown; description?: string; enum?: unknown[] }> };
  const ranges = paramRanges(w);
  const params = Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    default: s.default,
    ...(ranges[name]?.min !== undefined ? { min: ranges[name]?.min } : {}),
    ...(ranges[name]?.max !== undefined ? { max: ranges[name]?.max } : {}),
    ...(s.enum ? { options: s.enum } : {}),
    ...(ranges[name]?.type === 'integer' ? { integer: true } : {}),
    doc: s.description ?? '',
  }));
  const defaults = w.params.parse({});
  return {
    id: w.id,
    version: w.version,
    title: w.title,
    description: w.description,
    params,
    actionSpace: w.actionSpace(defaults),
    measurements: w.measurements,
    checks: w.checks.checks.map((c) => ({ name: c.name, doc: c.doc })),
    checksHash: w.checks.hash,
  };
}

/** The plain-data description of a world. */
export type WorldDescription = ReturnType<typeof describeWorld>;
