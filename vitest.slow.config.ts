/**
 * @module `npm run test:slow`: the fault-injection and multi-process race suites
 * (minutes each) and test/slow (tests that run a build, such as `npm start` on a
 * stale dist), apart from `npm test`; .ci/run runs both.
 */
import { defineConfig } from 'vitest/config';
import { SLOW_SUITES } from './vitest.config.js';

export default defineConfig({
  test: {
    globals: false,
    include: SLOW_SUITES,
    globalSetup: ['test/support/services-check.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
