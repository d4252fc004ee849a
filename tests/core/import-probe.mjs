// Worker for tests/core/no-side-effects.test.ts: imports the given modules in a fresh context
// (no vitest setup file here) and reports whether Math's functions are still the native ones.
import { parentPort, workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const names = ['sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'atan2', 'exp', 'log', 'pow'];
const native = Object.fromEntries(names.map((n) => [n, Math[n]]));
const loaded = [];
for (const spec of workerData.modules) {
  const mod = await tsImport(new URL(`../../${spec}`, import.meta.url).href, import.meta.url);
  loaded.push({ module: spec, exports: Object.keys(mod).length });
}
if (workerData.call) {
  // The control: an entry point's explicit install must be seen as a swap.
  const mod = await tsImport(new URL(`../../${workerData.call.module}`, import.meta.url).href, import.meta.url);
  mod[workerData.call.fn]();
}
const swapped = names.filter((n) => Math[n] !== native[n]);
parentPort.postMessage({ loaded, swapped, sinIsNative: Math.sin === native.sin && /\[native code\]/.test(Function.prototype.toString.call(Math.sin)) });
