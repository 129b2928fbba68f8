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
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.scratch/**', '.artifacts/**', 'eslint.config.js', 'src/dashboard/public/vendor/**'] },
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
    // The dashboard's browser code: plain ES modules served as they are (no build), so no type-aware rules; browser globals only.
    files: ['src/dashboard/public/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false },
      globals: Object.fromEntries(['window', 'document', 'location', 'sessionStorage', 'fetch', 'URLSearchParams', 'AbortController', 'TextDecoderStream', 'requestAnimationFrame', 'cancelAnimationFrame',
        'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'getComputedStyle', 'matchMedia', 'addEventListener', 'removeEventListener', 'console', 'performance'].map((name) => [name, 'readonly'])),
    },
    rules: {
      ...tseslint.configs.disableTypeChecked.rules,
      'no-restricted-imports': layerRule('The dashboard runs in the browser and talks to Baton over REST and SSE only: import its own files and vendor/ only.', ['node:*', '**/hub/**', '**/store/**', '**/core/**', '**/transports/**', '**/server/**', '**/cli/**']),
    },
  },
  {
    files: ['src/hooks/**/*.ts'],
    ignores: ['src/hooks/**/*.test.ts'],
    rules: {
      'no-restricted-imports': layerRule('hooks/ decides over hub commands (hub.execute) and the project identity; its routes live in transports/hooks. Never the store, an engine or a transport.', [
        '**/store/**', '**/transports/**', '**/cli/**', '**/server/*', 'better-sqlite3', 'ioredis', 'pg', '@modelcontextprotocol/*',
      ]),
    },
  },
  {
    files: ['src/hooks/shim.ts'],
    rules: {
      'no-restricted-imports': layerRule('The hook shim runs once per tool call: node:* only, nothing of Baton (start-up time is the budget).', [
        '../*', './*', 'zod', 'fastify', 'commander', 'better-sqlite3', 'ioredis', 'pg', '@modelcontextprotocol/*',
      ]),
    },
  },
  {
    files: ['src/init/**/*.ts'],
    ignores: ['src/init/**/*.test.ts'],
    rules: {
      'no-restricted-imports': layerRule('init/ writes client config files from the project identity and the hooks module\'s entries (hooks/hook-entries.ts): nothing of the server, the hub, the store or a transport.', [
        '**/hub/**', '**/store/**', '**/bus/**', '**/transports/**', '**/server/**', '**/cli/**', '**/core/**', '**/hooks/decisions*', 'fastify', 'better-sqlite3', 'ioredis', 'pg', '@modelcontextprotocol/*',
      ]),
    },
  },
  {
    // Client commands talk to a running server over REST and must start fast: nothing of the server, the hub or a store.
    files: ['src/cli/client/**/*.ts', 'src/cli/output.ts', 'src/cli/act.ts', 'src/cli/client-commands.ts', 'src/cli/commands/{lock,task,task-file,agent,state,events,run,status-summary,depmap}.ts'],
    rules: {
      'no-restricted-imports': layerRule('cli/client and the client commands speak REST through cli/client/http-client.ts: they may read the server record (server/server-record.ts), the route table (transports/rest/routes.ts) and project/, nothing else of the server (start-up time).', [
        '**/hub/**', '**/store/**', '**/bus/**', '**/server/**', '!**/server/server-record.js', '**/transports/*.js', '**/transports/{http,mcp,sse}/**', '**/transports/rest/{openapi,query,rest-routes}.js', '**/core/**', '!**/core/errors.js',
        'zod', 'fastify', 'better-sqlite3', 'ioredis', 'pg', '@modelcontextprotocol/*',
      ]),
    },
  },
  {
    files: ['src/import-graph/**/*.ts'],
    ignores: ['src/import-graph/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/core/**', '**/hub/**', '**/store/**', '**/bus/**', '**/transports/**', '**/server/**', '**/cli/**', 'zod', 'fastify', 'better-sqlite3', 'ioredis', 'pg', '@modelcontextprotocol/*'], message: "import-graph/ reads a repository's files and resolves its imports for `baton depmap`: node:*, project/ and its own files only." },
          { group: ['typescript'], allowTypeImports: true, message: 'typescript is loaded at run time, from the analysed repository first (load-typescript.ts): import its types only.' },
        ],
      }],
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
    languageOptions: { parserOptions: { projectService: false }, globals: { console: 'readonly', process: 'readonly', URL: 'readonly', setInterval: 'readonly' } },
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
