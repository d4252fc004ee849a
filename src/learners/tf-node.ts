/**
 * Node-only half of the tfjs setup: finds the WASM binaries inside the installed
 * `@tensorflow/tfjs-backend-wasm` package. Kept apart so `tf.ts` stays importable in a browser.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { initTf, type TfBackendName, type TfInit } from './tf.ts';

/** The package's `dist/` folder (with a trailing separator), where the `.wasm` files are. */
export function nodeWasmDir(): string {
  const pkg = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return path.join(path.dirname(pkg), 'dist') + path.sep;
}

/**
 * `initTf` for Node: WASM from the installed package, else `cpu` with the reason. (Plain
 * `initTf()` also finds the files in Node today, because Emscripten looks next to the CJS
 * bundle; this makes the location explicit so a bundler or test runner cannot move it.)
 */
export function initTfNode(preferred?: TfBackendName): Promise<TfInit> {
  let wasmPaths: string | undefined;
  try {
    wasmPaths = nodeWasmDir();
  } catch {
    // Not resolvable: initTf falls back to cpu and records tfjs's own error.
  }
  return initTf(preferred, wasmPaths === undefined ? {} : { wasmPaths });
}
