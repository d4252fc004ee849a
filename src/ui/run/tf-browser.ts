/**
 * tfjs in a browser worker: the WASM binaries are emitted by Vite as assets (their URLs are
 * resolved against the page, so the build works from any sub-path) and passed to `initTf`.
 */
import { initTf, type TfInit } from '../../learners/tf.ts';
import wasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** Picks the WASM backend (cpu with the reason if it fails) with the bundled binaries. */
export function initTfBrowser(): Promise<TfInit> {
  const abs = (u: string): string => new URL(u, self.location.href).href;
  return initTf('wasm', {
    wasmPaths: {
      'tfjs-backend-wasm.wasm': abs(wasm),
      'tfjs-backend-wasm-simd.wasm': abs(wasmSimd),
      'tfjs-backend-wasm-threaded-simd.wasm': abs(wasmThreaded),
    },
  });
}
