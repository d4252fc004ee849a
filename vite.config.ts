import { defineConfig } from 'vite';

// The app (index.html → src/ui/main.ts) and the browser test pages. `base: './'` makes every
// asset URL relative, so dist/ works from any static host and any sub-path. Workers are ES
// modules so the same worker code runs in the browser and in Node.
export default defineConfig({
  base: './',
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
});
