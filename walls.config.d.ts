// Types of walls.config.js (plain JS so eslint.config.js can load it without a TypeScript loader).
import type { Rule } from 'eslint';

/** One import wall (see walls.config.js for the fields' meaning). */
export interface Wall {
  readonly name: string;
  readonly files: readonly string[];
  readonly except?: readonly string[];
  readonly forbid?: readonly string[];
  readonly allowOnly?: readonly string[];
  readonly forbidPackages?: readonly string[];
  readonly message: string;
}

export const NODE_ALLOWED: readonly string[];
export const WALLS: readonly Wall[];
export function globToRegExp(glob: string): RegExp;
export function matchesAny(p: string, globs: readonly string[] | undefined): boolean;
export function wallsFor(file: string): Wall[];
export function wallViolations(file: string, spec: string): Wall[];
export const wallsPlugin: { rules: { imports: Rule.RuleModule } };
