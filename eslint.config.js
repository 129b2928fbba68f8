// @ts-check
/**
 * Lint: type-aware typescript-eslint rules, plus the layer boundaries of
 * docs/architecture.md enforced per folder with no-restricted-imports.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import unicorn from 'eslint-plugin-unicorn';

const layerRule = (message, patterns) => ['error', { patterns: [{ group: patterns, message }] }];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.scratch/**', 'eslint.config.js'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { unicorn },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-unnecessary-condition': ['error', { allowConstantLoopConditions: true }],
      'unicorn/prefer-node-protocol': 'error',
      'unicorn/filename-case': ['error', { case: 'kebabCase' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': layerRule('core/ is pure domain: import only from core/ (no node:*, no store, hub or transports). Pass time and ids in through core/ports.ts.', [
        'node:*', '../../hub/*', '../../store/*', '../../transports/*', '../../server/*', '../../cli/*', '../hub/*', '../store/*', '../transports/*',
        'better-sqlite3', 'fastify', 'ioredis', 'pg', '@modelcontextprotocol/*',
      ]),
    },
  },
  {
    files: ['src/hub/**/*.ts'],
    rules: {
      'no-restricted-imports': layerRule('hub/ is the use-case layer: it may use core/ and the Store port (store/store.ts), never a transport, the server or a concrete store.', [
        '../transports/*', '../server/*', '../cli/*', '../store/sqlite/*', '../store/redis/*', '../store/postgres/*', 'better-sqlite3', 'fastify',
      ]),
    },
  },
  {
    files: ['src/transports/**/*.ts'],
    rules: {
      'no-restricted-imports': layerRule('transports call the hub only; concrete stores are wired in server/main.ts.', [
        '../../store/sqlite/*', '../../store/redis/*', '../../store/postgres/*', '../store/*', 'better-sqlite3',
      ]),
    },
  },
  {
    files: ['scripts/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { parserOptions: { projectService: false }, globals: { console: 'readonly', process: 'readonly' } },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts', 'src/store/conformance/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
);
