import { defineConfig } from 'vitest/config';

/** The browser tests whose checks are measured in frames (see the browser-timed project). */
const TIMED = 'test/browser/widgets.test.ts';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          // The browser's modules, the pure core and the build, one folder per module of src/.
          name: 'unit',
          environment: 'happy-dom',
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['test/unit/setup.ts'],
        },
      },
      {
        test: {
          // The relay in Node: HTTP, the vendors' stand-ins, its SQLite outbox and processes killed and
          // restarted, which take seconds of their own on a busy machine.
          name: 'relay',
          environment: 'node',
          include: ['test/relay/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'browser',
          environment: 'node',
          include: ['test/browser/**/*.test.ts'],
          exclude: [TIMED],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Two cores: one Chromium per worker is what the machine holds.
          maxWorkers: 2,
        },
      },
      {
        test: {
          // The widget tests that count frames and layout shifts (drawn within the frame the answer
          // arrives in, CLS 0): run alone, after the others, so that no second Chromium takes the CPU
          // a frame needs. The checks are the same; only what runs beside them is not.
          name: 'browser-timed',
          environment: 'node',
          include: [TIMED],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          maxWorkers: 1,
        },
      },
      {
        test: {
          // The relay's PostgreSQL store: one throwaway cluster for the run (test/pg/cluster.ts).
          name: 'pg',
          environment: 'node',
          include: ['test/pg/**/*.test.ts'],
          globalSetup: ['test/pg/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          maxWorkers: 2,
        },
      },
    ],
  },
});
