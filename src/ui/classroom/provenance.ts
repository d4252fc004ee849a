/**
 * The provenance of runs made in the page: the package versions this build declares (the page
 * cannot read installed files), the browser, the tfjs backend. A page record resumes only in a
 * page of the same build, as a CLI record resumes only with the same install.
 */
import { makeProvenance } from '../../runs/provenance.ts';
import type { Provenance } from '../../runs/record.ts';
import pkg from '../../../package.json';

const RESULT_PACKAGES = ['matter-js', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'pure-rand', 'zod', '@noble/hashes'];

/** The page's provenance for a run on `backend`. */
export function pageProvenance(backend: string): Provenance {
  const deps = pkg.dependencies as Record<string, string>;
  return makeProvenance({
    mirageLab: pkg.version,
    packages: Object.fromEntries(RESULT_PACKAGES.map((n) => [n, deps[n] ?? 'unknown'])),
    runtime: 'browser',
    backend,
  });
}
