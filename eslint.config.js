// Lint rules that guard the design's walls: seeded randomness only in simulation code, and
// no DOM or pixi outside src/ui/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const clockAndDice = [
  { object: 'Math', property: 'random', message: 'Use the seeded stream passed in (src/core/rng.ts).' },
  { object: 'Date', property: 'now', message: 'Simulation time is the step count, never the clock.' },
  { object: 'performance', property: 'now', message: 'Simulation time is the step count, never the clock.' },
];
const pixiImports = { group: ['pixi.js', 'pixi.js/*', '@pixi/*'], message: 'pixi.js belongs in src/ui/ only.' };
// Wall 1: learners, the meta-agent and feedback get world facts only as plain data (LearnerEnv):
// never check code (it lives in worlds/) nor probe tasks (src/anchors/probe.ts).
const wallImports = {
  group: ['**/anchors/probe*', '**/worlds', '**/worlds/**'],
  message: 'Wall 1: learners, the meta-agent and feedback never import probe tasks or world/check code; they get plain data (LearnerEnv) and anchor verdicts through the AnchorOracle.',
};
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
    rules: {
      'no-restricted-imports': ['error', { patterns: [pixiImports] }],
      'no-restricted-globals': ['error', ...domGlobals],
    },
  },
  {
    // Simulation and learning code: everything under worlds/, workers/ and src/ except the CLI
    // (which times benchmarks) and the UI (which animates).
    files: ['worlds/**/*.ts', 'workers/**/*.ts', 'src/**/*.ts'],
    ignores: ['src/cli/**', 'src/ui/**', 'src/bench/**'],
    rules: { 'no-restricted-properties': ['error', ...clockAndDice] },
  },
  {
    // A later block's options for the same rule replace the earlier ones: repeat the pixi pattern.
    files: ['src/learners/**/*.ts', 'src/meta/**/*.ts', 'src/feedback/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [pixiImports, wallImports] }] },
  },
);
