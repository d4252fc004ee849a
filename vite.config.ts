import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The app (index.html → src/ui/main.ts) and the browser test pages. `base: './'` makes every
// asset URL relative, so dist/ works from any static host and any sub-path. Workers are ES
// modules so the same worker code runs in the browser and in Node.

// Packages whose version can change a result: the same list the CLI records in a run's
// provenance (src/cli/run-files.ts RESULT_PACKAGES; the browser test holds them equal), read at
// build time so a run made in the page records what it was built with.
const RESULT_PACKAGES = ['matter-js', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'pure-rand', 'zod', '@noble/hashes'];
const version = (name: string): string => {
  try {
    return (JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'missing';
  }
};
const own = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  base: './',
  // The workers' tfjs: core, the wasm and cpu backends and layers' initialisers, without the
  // union package's WebGL backend, tfjs-data and converter (src/ui/run/tfjs-page.ts says why).
  resolve: { alias: [{ find: /^@tensorflow\/tfjs$/, replacement: fileURLToPath(new URL('./src/ui/run/tfjs-page.ts', import.meta.url)) }] },
  worker: { format: 'es' },
  define: { __MIRAGE_BUILD__: JSON.stringify({ mirageLab: own.version, packages: Object.fromEntries(RESULT_PACKAGES.map((n) => [n, version(n)])) }) },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
});
