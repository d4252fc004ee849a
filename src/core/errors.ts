/**
 * Input errors: a user's bad value, named by its field, with what is allowed. The CLI turns one
 * into exit code 2; everything else is an internal error. A module of its own, so learners and
 * registries can raise one without importing the episode runtime.
 */
import type { z } from 'zod';

/** Parse failure with the offending field, the value and what is allowed. */
export class InputError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(value === undefined ? `${field}: missing; expected ${allowed}` : `${field}: ${JSON.stringify(value) ?? String(value)} is not allowed; expected ${allowed}`);
    this.name = 'InputError';
  }
}

/** Turns the first zod issue into an InputError naming field, value and what is allowed. */
export function inputErrorFromZod(prefix: string, error: z.ZodError, input: unknown): InputError {
  const issue = error.issues[0];
  if (!issue) return new InputError(prefix, input, 'a valid value');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '?';
    const path = [...issue.path, key].join('.');
    return new InputError(prefix ? `${prefix}.${path}` : path, key, 'a known key (unknown keys are rejected)');
  }
  let value: unknown = input;
  for (const p of issue.path) value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[p as PropertyKey] : undefined;
  const path = issue.path.join('.');
  let allowed = issue.message;
  if (issue.code === 'too_big' || issue.code === 'too_small') {
    allowed = issue.code === 'too_big' ? `a value ≤ ${String(issue.maximum)}` : `a value ≥ ${String(issue.minimum)}`;
  } else if (issue.code === 'invalid_type') {
    allowed = `a ${issue.expected}`;
  } else if (issue.code === 'invalid_value') {
    allowed = `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return new InputError(prefix && path ? `${prefix}.${path}` : prefix || path, value, allowed);
}
