/**
 * @module Client commands load no server code: the built CLI runs under a
 * `node --import` hook written here that records every module resolved through
 * the ESM loader and, at exit, every CommonJS module in require.cache (what a
 * CommonJS package requires never reaches the ESM hook on Node 20). `--version`,
 * `lock list`, `status`, `task list` and `run --lock` must load none of the
 * server's packages; `doctor`, which opens the store, is the control that the
 * trace sees them when they do load.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, childEnv, CLI, cleanupAll, randomId, startServer, tempDir, type ServerProcess } from '../support/server.js';

const SERVER_PACKAGES = ['fastify', 'better-sqlite3', 'pg', 'ioredis', '@modelcontextprotocol/sdk', 'zod', 'aedes'];

/** Runs in the loader's own thread: every resolved URL, appended to the log named at registration. */
const HOOKS = `
import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(log, resolved.url + '\\n');
  return resolved;
}
`;

/** Preloaded with --import: registers the hooks and, at exit, adds what CommonJS loaded. */
const REGISTER = `
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
const log = process.env.MODULE_TRACE_LOG;
register(new URL('./hooks.mjs', import.meta.url), { data: { log } });
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => appendFileSync(log, Object.keys(cache).map((path) => 'cjs:' + path + '\\n').join('')));
`;

let server: ServerProcess;
let register: string;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  assertBuilt();
  dir = tempDir();
  writeFileSync(join(dir, 'hooks.mjs'), HOOKS);
  writeFileSync(join(dir, 'register.mjs'), REGISTER);
  register = pathToFileURL(join(dir, 'register.mjs')).href;
  server = await startServer();
  env = { BATON_URL: server.url, BATON_PROJECT: randomId('load'), BATON_AGENT: 'tracer' };
});

afterAll(async () => {
  await cleanupAll();
});

/** The modules `baton ...args` loaded (URLs and CommonJS paths), and its exit code. */
function trace(args: string[], extra: Record<string, string> = env): Promise<{ code: number | null; modules: string[]; stderr: string }> {
  const log = join(dir, `${randomId('trace')}.log`);
  writeFileSync(log, '');
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', register, CLI, ...args], { env: childEnv({ ...extra, MODULE_TRACE_LOG: log }), timeout: 30_000 }, (error, _stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, modules: readFileSync(log, 'utf8').split('\n').filter((l) => l !== ''), stderr });
    });
  });
}

/** The server packages among the modules (by their node_modules folder). */
const serverPackagesIn = (modules: readonly string[]): string[] =>
  SERVER_PACKAGES.filter((name) => modules.some((m) => m.includes(`/node_modules/${name}/`)));

describe('client commands load no server modules', () => {
  for (const args of [['--version'], ['lock', 'list'], ['status'], ['task', 'list'], ['run', '--lock', 'traced', '--', 'true']]) {
    it(`baton ${args.join(' ')}`, async () => {
      const r = await trace(args);
      expect(r.code, r.stderr).toBe(0);
      // The trace saw the CLI and its one package (commander is CommonJS: both halves of the trace work).
      expect(r.modules.some((m) => m.endsWith('/dist/cli/main.js'))).toBe(true);
      expect(r.modules.some((m) => m.startsWith('cjs:') && m.includes('/node_modules/commander/'))).toBe(true);
      expect(serverPackagesIn(r.modules)).toEqual([]);
    });
  }

  it('the control: doctor opens the store, and the trace sees its packages', async () => {
    const r = await trace(['doctor', '--data-dir', tempDir(), '--json'], {});
    expect(serverPackagesIn(r.modules)).toEqual(expect.arrayContaining(['better-sqlite3', 'zod']));
  });
});
