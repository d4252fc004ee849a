/**
 * Imported first by the lab worker: the deterministic Math goes in before any world module (and
 * so any matter-js engine) is evaluated, so runs made in the page replay bitwise in Node. Only
 * workers install it; the page's thread keeps the browser's Math.
 */
import { installDeterministicMath } from '../../core/detmath.ts';

installDeterministicMath();
