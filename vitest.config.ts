/**
 * @module Vitest configuration: explicit imports (no globals), one run for unit,
 * conformance, e2e and race suites. Suites that spawn OS processes use the built
 * `dist/` (npm test builds first).
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globals: false,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
