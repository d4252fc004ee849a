import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Real worker pools and real physics: give slow shared machines room, never hide a hang.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Tests simulate in process like the CLI does, so they install the deterministic Math the
    // way the CLI's entry does (importing the core never does; tests/core/no-side-effects checks it).
    setupFiles: ['tests/setup/deterministic-math.ts'],
  },
});
