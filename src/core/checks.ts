/**
 * Ground-truth checks: the anchors. Written by a world's author, deep-frozen at definition, and
 * identified by a content hash so a run can prove at its end that they did not change.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { CheckSuite, GroundTruthCheck, CheckInput, TaskBase, Verdict } from './types.ts';

// The check types live in types.ts (the world contract holds a CheckSuite); re-exported here.
export type { CheckInput, CheckSuite, GroundTruthCheck };


function deepFreeze<V>(value: V): V {
  if (value !== null && (typeof value === 'object' || typeof value === 'function') && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Reflect.ownKeys(value as object)) {
      // Function.prototype's own accessors (caller, arguments) throw in strict mode: skip them.
      const desc = Object.getOwnPropertyDescriptor(value as object, key);
      if (desc && 'value' in desc) deepFreeze(desc.value);
    }
  }
  return value;
}

/**
 * A predicate's source with formatting removed: whitespace outside string literals and the
 * parentheses around a lone arrow parameter. Transpilers (esbuild in the CLI, vite in tests)
 * print the same code with different spacing; the hash must not depend on that.
 */
export function normaliseSource(src: string): string {
  let out = '';
  let quote = '';
  for (let i = 0; i < src.length; i++) {
    const ch = src[i] as string;
    if (quote) {
      out += ch;
      if (ch === '\\') out += src[++i] ?? '';
      else if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'" || ch === '`') {
      quote = ch;
      out += ch;
    } else if (!/\s/.test(ch)) {
      out += ch;
    }
  }
  return out.replace(/\(([A-Za-z_$][\w$]*)\)=>/g, '$1=>').replace(/;}/g, '}');
}

/** Computes the content hash of a list of checks. */
export function hashChecks(checks: readonly GroundTruthCheck<never, never>[]): string {
  const src = (f: ((...a: never[]) => unknown) | undefined): string => (f ? normaliseSource(f.toString()) : '');
  const text = checks.map((c) => `${c.name}\u0000${c.doc}\u0000${src(c.margin)}\u0000${src(c.applies)}`).join('\u0001');
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/** Freezes a world's checks (any later mutation throws in strict code) and hashes them. */
export function defineChecks<P, T extends TaskBase, M extends string = string, H extends string = string>(checks: GroundTruthCheck<P, T, M, H>[]): CheckSuite<P, T, M, H> {
  const names = new Set<string>();
  for (const c of checks) {
    if (names.has(c.name)) throw new Error(`duplicate ground-truth check '${c.name}'`);
    names.add(c.name);
  }
  const frozen = deepFreeze(checks.slice());
  return deepFreeze({ checks: frozen, hash: hashChecks(frozen as GroundTruthCheck<never, never>[]) });
}

/** Applies the checks to one episode. A non-finite margin is a failing verdict, never a pass. */
export function applyChecks<P, T>(suite: CheckSuite<P, T>, input: CheckInput<P, T>): Verdict[] {
  return suite.checks.filter((c) => !c.applies || c.applies(input.params)).map((c) => {
    const m = c.margin(input);
    const margin = Number.isFinite(m) ? m : -Infinity;
    return { check: c.name, pass: margin >= 0, margin };
  });
}
