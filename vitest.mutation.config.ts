// The test set Stryker runs against mutants of the core (stryker.config.json): the tests of the
// mutated folders only, so each mutant costs seconds, not the whole suite. (Not merged with
// vitest.config.ts: mergeConfig concatenates `include` lists.) MUTATION_TESTS narrows it further
// to comma-separated globs, e.g. MUTATION_TESTS='tests/feedback/**/*.test.ts' when mutating
// src/feedback/channels.ts: the fuzzers of tests/metrics take ~25 s per mutant on a loaded machine.
import { defineConfig } from 'vitest/config';

const narrowed = process.env.MUTATION_TESTS?.split(',').map((s) => s.trim()).filter(Boolean);

export default defineConfig({
  test: {
    include: narrowed?.length ? narrowed : ['tests/{metrics,anchors,feedback,meta,runs}/**/*.test.ts'],
    // Stryker's instrumented sources contain `new Function`, so the scan for compiled code would
    // fail on every mutant (a trap noted in DESIGN.md): that one file runs in `npm test` only.
    exclude: ['tests/metrics/no-compile.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // As in vitest.config.ts: tests run with the deterministic Math the CLI installs.
    setupFiles: ['tests/setup/deterministic-math.ts'],
  },
});
