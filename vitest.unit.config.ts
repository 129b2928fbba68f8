/**
 * @module `npm run test:unit`: the unit tests beside the code, with no services
 * and no build: everything under src/ except the Redis and PostgreSQL store suites.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globals: false,
    include: ['src/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'src/store/redis/**', 'src/store/postgres/**'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
