import { defineConfig } from 'vitest/config';

/**
 * One vitest run covers both projects so CI gets one closing line (`N passed, N failed`).
 * - unit: `*.test.ts` beside the code, including `*.int.test.ts` that talk to the local servers;
 * - e2e: the studio in Chromium against `fustgo serve` (needs `npm run build` first).
 */
export default defineConfig({
  test: {
    reporters: ['default', './scripts/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'src-main/**/*.test.ts',
            'src-shared/**/*.test.ts',
            'connectors/**/*.test.ts',
            'src-renderer/**/*.test.ts',
          ],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
