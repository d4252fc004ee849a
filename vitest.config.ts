import { defineConfig } from 'vitest/config';

// Shared by both projects below.
const common = {
  // Real worker pools and real physics: give slow shared machines room, never hide a hang.
  testTimeout: 120_000,
  hookTimeout: 60_000,
  pool: 'forks' as const,
  // Tests simulate in process like the CLI does, so they install the deterministic Math the
  // way the CLI's entry does (importing the core never does; tests/core/no-side-effects checks it).
  setupFiles: ['tests/setup/deterministic-math.ts'],
};

/**
 * Two projects, so `npm test` stays under 10 minutes on 2 cores. Most node files are one busy
 * thread, and vitest's default (cores − 1 = one file at a time) left the second core idle:
 * measured on a quiet 2-core machine, one file at a time took 593–617 s, two at a time 491 s.
 * The browser files (a vite build, Chromium and the page's own workers each) then ran side by
 * side and doubled each other's time (classroom 93 → 186 s, app 74 → 133 s), so they run after
 * the node files, one at a time, on an otherwise idle machine — their frame-rate and
 * time-to-first-result checks measure the page, not the neighbours. Different worker counts need
 * different group orders (vitest refuses one group with two counts).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...common,
          name: 'node',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/browser/**'],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...common,
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
