/**
 * @module Vitest configuration for `npm test`: unit, conformance, e2e, fuzz and
 * regression suites, after a check that Redis and PostgreSQL answer (one line
 * saying how to start them when not). The slow fault and race suites, and the
 * tests that build (test/slow), are `npm run test:slow` (vitest.slow.config.ts); unit tests alone, with no
 * services, are `npm run test:unit` (vitest.unit.config.ts). Suites that spawn
 * OS processes use the built `dist/` (npm test builds first).
 */
import { defineConfig } from 'vitest/config';

export const SLOW_SUITES = ['test/fault/**/*.test.ts', 'test/race/**/*.test.ts', 'test/slow/**/*.test.ts'];

export default defineConfig({
  test: {
    globals: false,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...SLOW_SUITES],
    globalSetup: ['test/support/services-check.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
