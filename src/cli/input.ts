/**
 * CLI input parsing: every option goes through zod, and a bad value becomes an InputError
 * naming the field, the value and what is allowed (the CLI exits 2 on it).
 */
import { z } from 'zod';
import { InputError, inputErrorFromZod } from '../core/runtime.ts';
import { SPLITS } from '../core/types.ts';

/** Keys that must never be merged into a parameter object. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A whole number given on the command line, within [min, max]. */
export function wholeNumber(field: string, min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^-?\d+$/, { message: `a whole number from ${min} to ${max}` })
    .transform(Number)
    .pipe(z.number().int().min(min, { message: `a whole number from ${min} to ${max}` }).max(max, { message: `a whole number from ${min} to ${max}` }))
    .describe(field);
}

/** A decimal number given on the command line, within [min, max]. */
export function decimalNumber(min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^[-+]?(\d+\.?\d*|\.\d+)$/, { message: `a number from ${min} to ${max}` })
    .transform(Number)
    .pipe(z.number().min(min, { message: `a number from ${min} to ${max}` }).max(max, { message: `a number from ${min} to ${max}` }));
}

/** Parses one CLI option value with a schema; throws InputError naming the option. */
export function parseOption<T>(field: string, schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  let allowed = issue?.message ?? 'a valid value';
  if (issue?.code === 'invalid_value') allowed = `one of ${issue.values.map(String).join(', ')}`;
  throw new InputError(field, value, allowed);
}

/** The split option. */
export const splitSchema = z.enum(SPLITS);

/**
 * Turns `--set key=value` pairs into a null-prototype object. Numbers are numbers, the rest
 * strings; prototype keys and duplicates are rejected, never merged. The world's schema then
 * validates names and ranges.
 */
export function parseSets(pairs: readonly string[]): Record<string, number | string> {
  const out = Object.create(null) as Record<string, number | string>;
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InputError('--set', pair, 'key=value (e.g. --set gravity=5)');
    const key = pair.slice(0, eq).trim();
    const raw = pair.slice(eq + 1).trim();
    if (FORBIDDEN_KEYS.has(key)) throw new InputError('--set', key, 'a parameter name (prototype keys are rejected)');
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new InputError('--set', key, 'a parameter name of letters, digits and _');
    if (Object.prototype.hasOwnProperty.call(out, key)) throw new InputError(`--set ${key}`, raw, 'each parameter once');
    if (raw === '') throw new InputError(`--set ${key}`, raw, 'a value');
    const num = Number(raw);
    out[key] = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(raw) && Number.isFinite(num) ? num : raw;
  }
  return out;
}

/** Validates world parameters given with --set; errors name `--set <key>`. */
export function validateSets(schema: z.ZodType, sets: Record<string, unknown>): Record<string, unknown> {
  // Copy into a plain object for zod (keys were already screened for prototype names).
  const plain: Record<string, unknown> = {};
  for (const k of Object.keys(sets)) plain[k] = sets[k];
  const r = schema.safeParse(plain);
  if (r.success) return r.data as Record<string, unknown>;
  const issue = r.error.issues[0];
  if (issue?.code === 'unrecognized_keys') {
    const known = Object.keys((z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: object }).properties ?? {});
    throw new InputError('--set', issue.keys[0], `a parameter of this world: ${known.join(', ')}`);
  }
  const e = inputErrorFromZod('', r.error, plain);
  throw new InputError(`--set ${e.field}`, e.value, e.allowed);
}
