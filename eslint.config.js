// Lint rules that guard the design's walls: seeded randomness only in simulation code, no DOM
// outside src/ui/, and the import walls (pixi, wall 1, anchors, worlds, node:) kept as data in
// walls.config.js and checked by its `walls/imports` rule.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { wallsPlugin } from './walls.config.js';

const clockAndDice = [
  { object: 'Math', property: 'random', message: 'Use the seeded stream passed in (src/core/rng.ts).' },
  { object: 'Date', property: 'now', message: 'Simulation time is the step count, never the clock.' },
  { object: 'performance', property: 'now', message: 'Simulation time is the step count, never the clock.' },
];
const domGlobals = ['window', 'document', 'navigator', 'localStorage', 'indexedDB', 'HTMLElement', 'HTMLCanvasElement'].map(
  (name) => ({ name, message: 'The core imports no DOM: only src/ui/ may touch it.' }),
);

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'runs/**', 'coverage/**', 'reports/**', '.stryker-tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.worker } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.ts'],
    // The UI and the browser test pages are the only code that may touch the DOM.
    ignores: ['src/ui/**', 'tests/browser/**'],
    rules: { 'no-restricted-globals': ['error', ...domGlobals] },
  },
  {
    // Simulation and learning code: everything under worlds/, workers/ and src/ except the CLI
    // (which times benchmarks) and the UI (which animates).
    files: ['worlds/**/*.ts', 'workers/**/*.ts', 'src/**/*.ts'],
    ignores: ['src/cli/**', 'src/ui/**', 'src/bench/**'],
    rules: { 'no-restricted-properties': ['error', ...clockAndDice] },
  },
  {
    // Every import wall at once (one rule, so walls on the same files never replace each other).
    plugins: { walls: wallsPlugin },
    rules: { 'walls/imports': 'error' },
  },
);
