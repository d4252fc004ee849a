/**
 * Deterministic transcendental functions for simulation.
 *
 * V8's Math.sin/cos/atan2/pow/exp differ by one ulp between Node 20 and Chromium on a few
 * percent of inputs, enough for a matter-js scene to diverge. Every context that simulates
 * (physics workers, the in-process checker, benchmarks) installs these pure-JS fdlibm ports
 * from @stdlib before matter-js runs, so a run made in the CLI replays bitwise in the browser.
 * Math.sqrt and the arithmetic operators are IEEE-754 correctly rounded and need no help.
 */
import sin from '@stdlib/math-base-special-sin';
import cos from '@stdlib/math-base-special-cos';
import tan from '@stdlib/math-base-special-tan';
import asin from '@stdlib/math-base-special-asin';
import acos from '@stdlib/math-base-special-acos';
import atan from '@stdlib/math-base-special-atan';
import stdlibAtan2 from '@stdlib/math-base-special-atan2';
import exp from '@stdlib/math-base-special-exp';
import ln from '@stdlib/math-base-special-ln';
import pow from '@stdlib/math-base-special-pow';

/**
 * atan2 as fdlibm (and V8) define it: for x < 0 the result is near +π or −π by the sign of y.
 * @stdlib's port picks the side by the sign of atan(y/x) instead, which is lost when y/x underflows
 * to +0 (y = −5e−324, x = −2 gave +π, native −π). Only that case differs, so every other input
 * (and every golden digest) keeps @stdlib's value.
 */
function atan2(y: number, x: number): number {
  if (x < 0 && y < 0 && y / x === 0) return -Math.PI;
  return stdlibAtan2(y, x);
}

/** The replacements, by the name of the Math function they stand in for. */
export const deterministicMath = Object.freeze({ sin, cos, tan, asin, acos, atan, atan2, exp, log: ln, pow });

type MathName = keyof typeof deterministicMath;
let installed = false;

/** Replaces Math's transcendental functions with the deterministic ports (idempotent). */
export function installDeterministicMath(): void {
  if (installed) return;
  const target = Math as unknown as Record<MathName, unknown>;
  for (const name of Object.keys(deterministicMath) as MathName[]) {
    target[name] = deterministicMath[name];
  }
  installed = true;
}

/** True once `installDeterministicMath` has run in this context (workers report it back). */
export function deterministicMathInstalled(): boolean {
  return installed && Math.sin === deterministicMath.sin && Math.pow === deterministicMath.pow;
}
