import { defineConfig } from 'vite';

// The web app arrives with the UI issue; this config already serves the physics worker as an
// ES module worker so the same worker code runs in the browser and in Node.
export default defineConfig({
  worker: { format: 'es' },
  build: { target: 'es2022' },
});
