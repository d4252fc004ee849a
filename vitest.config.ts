import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Real worker pools and real physics: give slow shared machines room, never hide a hang.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
