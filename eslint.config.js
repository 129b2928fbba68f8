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
  // Layers by folder (docs/architecture.md). Each message says what the folder may use instead.
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': layerRule('core/ is pure domain: import only from core/ (no node:*, no store, bus, hub or transports). Pass time and ids in through core/ports.ts.', [
        'node:*', '**/hub/**', '**/store/**', '**/bus/**', '**/transports/**', '**/server/**', '**/cli/**',
        'better-sqlite3', 'fastify', 'ioredis', 'pg', '@modelcontextprotocol/*',
      ]),
    },
  },
  {
    files: ['src/store/**/*.ts'],
    ignores: ['src/store/**/*.test.ts'],
    rules: {
      'no-restricted-imports': layerRule('store/ implements the Store port: it may use core/ and its own folders, never the hub, the bus, a transport, the server or the CLI.', [
        '**/hub/**', '**/bus/**', '**/transports/**', '**/server/**', '**/cli/**', 'fastify', '@modelcontextprotocol/*',
      ]),
    },
  },
  {
    files: ['src/store/step/**/*.ts', 'src/store/steps/**/*.ts', 'src/store/cache/**/*.ts', 'src/store/*.ts'],
    rules: {
      'no-restricted-imports': layerRule('The step machinery and the steps are engine-neutral: no driver, no engine folder (an engine implements Source, RowLoader or StepEngine instead).', [
        '**/hub/**', '**/bus/**', '**/transports/**', '**/server/**', '**/cli/**', '**/sqlite/**', '**/redis/**', '**/postgres/**',
        'better-sqlite3', 'ioredis', 'pg', 'fastify', '@modelcontextprotocol/*',
      ]),
    },
  },
  {
    files: ['src/store/sqlite/**/*.ts'],
    ignores: ['src/store/**/*.test.ts'],
    rules: {
      'no-restricted-imports': layerRule('The SQLite engine uses better-sqlite3 and the shared store code only.', [
        '**/hub/**', '**/bus/**', '**/transports/**', '**/server/**', '**/cli/**', '**/redis/**', '**/postgres/**', 'ioredis', 'pg', 'fastify',
      ]),
    },
  },
  {
    files: ['src/store/postgres/**/*.ts'],
    ignores: ['src/store/**/*.test.ts'],
    rules: {
      'no-restricted-imports': layerRule('The PostgreSQL engine uses pg and the shared store code only.', [
        '**/hub/**', '**/bus/**', '**/transports/**', '**/server/**', '**/cli/**', '**/redis/**', '**/sqlite/**', 'ioredis', 'better-sqlite3', 'fastify',
      ]),
    },
  },
  {
    files: ['src/store/redis/**/*.ts'],
    ignores: ['src/store/**/*.test.ts'],
    rules: {
      'no-restricted-imports': layerRule('The Redis engine uses ioredis and the shared store code only.', [
        '**/hub/**', '**/bus/**', '**/transports/**', '**/server/**', '**/cli/**', '**/postgres/**', '**/sqlite/**', 'pg', 'better-sqlite3', 'fastify',
      ]),
    },
  },
  {
    files: ['src/bus/**/*.ts'],
    rules: {
      'no-restricted-imports': layerRule('bus/ follows the store log through the Store port (store/store.ts) and a notifier; it knows no engine, hub or transport.', [
        '**/hub/**', '**/transports/**', '**/server/**', '**/cli/**', '**/store/sqlite/**', '**/store/redis/**', '**/store/postgres/**', '**/store/step*/**', '**/store/cache/**',
        'better-sqlite3', 'ioredis', 'pg', 'fastify',
      ]),
    },
  },
  {
    files: ['src/hub/**/*.ts'],
    ignores: ['src/hub/**/*.test.ts'],
    rules: {
      'no-restricted-imports': layerRule('hub/ is the use-case layer: it may use core/, the bus port and the Store port (store/store.ts), never a transport, the server or the store\'s inside.', [
        '**/transports/**', '**/server/**', '**/cli/**', '**/store/sqlite/**', '**/store/redis/**', '**/store/postgres/**', '**/store/step*/**', '**/store/cache/**',
        'better-sqlite3', 'ioredis', 'pg', 'fastify',
      ]),
    },
  },
  {
    files: ['src/transports/**/*.ts'],
    rules: {
      'no-restricted-imports': layerRule('transports call the hub only; concrete stores are wired in server/main.ts.', [
        '**/store/**', '../server/*', '../../server/*', '../cli/*', '../../cli/*', 'better-sqlite3', 'ioredis', 'pg',
      ]),
    },
  },
  {
    files: ['src/project/**/*.ts'],
    ignores: ['src/project/**/*.test.ts'],
    rules: {
      'no-restricted-imports': layerRule('project/ reads a directory\'s git files to name its project: node:fs, node:path and node:crypto only, nothing of the server (hooks load it on every tool call).', [
        '**/core/**', '**/hub/**', '**/store/**', '**/bus/**', '**/transports/**', '**/server/**', '**/cli/**', 'zod', 'fastify', 'better-sqlite3', 'ioredis', 'pg', '@modelcontextprotocol/*',
      ]),
    },
  },
  {
    files: ['src/profiles/**/*.ts'],
    ignores: ['src/profiles/**/*.test.ts'],
    rules: {
      'no-restricted-imports': layerRule("profiles/ maps a seed's tool names onto hub commands (hub.execute): it may use core/ and hub/, never the store, the bus, a transport, the server or the CLI.", [
        '**/store/**', '**/bus/**', '**/transports/**', '**/server/**', '**/cli/**', 'fastify', 'better-sqlite3', 'ioredis', 'pg', '@modelcontextprotocol/*',
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
