/**
 * @module Process-level test support: runs the built `baton start` as a child
 * process on a temporary data directory (stop, kill, restart on the same data),
 * and a tiny REST client that answers `{ status, body }` instead of throwing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = join(REPO_ROOT, 'dist', 'cli', 'main.js');

/** The typed error body every Baton surface sends. */
export interface ApiError {
  code: string;
  message: string;
  hint: string;
  details?: Record<string, unknown>;
}

/** A response body: the command's result, or `{ error }`. */
export type ApiBody = Record<string, unknown> & { error?: ApiError };

export interface ApiResponse<TBody = ApiBody> {
  status: number;
  body: TBody;
}

/** A unique id for projects, agents and keys, so test files can run in parallel. */
export const randomId = (prefix: string): string => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;

const tempDirs = new Set<string>();

/** A fresh temporary directory, removed by `cleanupAll`. */
export function tempDir(prefix = 'baton-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** The environment for a child: this process's, without BATON_* settings that would leak in. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('BATON_')) env[name] = value;
  return { ...env, ...extra };
}

export function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does).`);
}

// ---- the server process ---------------------------------------------------

export interface ServerOptions {
  /** Reuse a data directory (restart); a fresh temporary one when omitted. */
  dataDir?: string;
  /** Extra environment, e.g. BATON_TOKENS. */
  env?: Record<string, string>;
  startTimeoutMs?: number;
}

export interface ServerProcess {
  readonly url: string;
  readonly dataDir: string;
  readonly child: ChildProcess;
  /** Everything the server wrote to stderr so far (for failure messages). */
  stderr(): string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Graceful stop: SIGTERM, then waits for the exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Crash: SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
  /** Kills (if still running) and starts a new server on the same data directory. */
  restart(options?: Omit<ServerOptions, 'dataDir'>): Promise<ServerProcess>;
}

const running = new Set<ChildProcess>();

export async function waitForHealth(url: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
      last = `status ${res.status}`;
    } catch (error) {
      last = error;
    }
    await sleep(50);
  }
  throw new Error(`${url}/health did not answer within ${timeoutMs} ms: ${String(last)}`);
}

/** Starts `baton start --port 0 --data-dir DIR`, reads the URL from the first stdout line, waits for /health. */
export async function startServer(options: ServerOptions = {}): Promise<ServerProcess> {
  assertBuilt();
  const dataDir = options.dataDir ?? tempDir();
  const child = spawn(process.execPath, [CLI, 'start', '--port', '0', '--data-dir', dataDir], {
    env: childEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let errText = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    errText += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`The server printed no URL within ${options.startTimeoutMs ?? 15_000} ms. stderr:\n${errText}`));
    }, options.startTimeoutMs ?? 15_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`The server exited (${code ?? signal}) before printing its URL. stderr:\n${errText}`));
    });
  });
  // Keep draining stdout so the child never blocks on a full pipe.
  lines.on('line', () => undefined);
  await waitForHealth(url);

  const server: ServerProcess = {
    url,
    dataDir,
    child,
    exited,
    stderr: () => errText,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async restart(more = {}) {
      await server.kill();
      return startServer({ ...options, ...more, dataDir });
    },
  };
  return server;
}

/** Kills every server this process started and removes every temporary directory. */
export async function cleanupAll(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) {
            resolve();
            return;
          }
          child.once('exit', () => {
            resolve();
          });
          child.kill('SIGKILL');
        }),
    ),
  );
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

// ---- the REST client ------------------------------------------------------

export interface ClientDefaults {
  project?: string;
  agent?: string;
  token?: string;
  headers?: Record<string, string>;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | boolean>;
  headers?: Record<string, string>;
}

export interface RestClient {
  readonly url: string;
  request<TBody = ApiBody>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<TBody>>;
  get<TBody = ApiBody>(path: string, query?: RequestOptions['query']): Promise<ApiResponse<TBody>>;
  post<TBody = ApiBody>(path: string, body?: unknown): Promise<ApiResponse<TBody>>;
  put<TBody = ApiBody>(path: string, body?: unknown): Promise<ApiResponse<TBody>>;
  delete<TBody = ApiBody>(path: string, query?: RequestOptions['query']): Promise<ApiResponse<TBody>>;
  /** The same server with other defaults (another project, agent or token). */
  with(defaults: ClientDefaults): RestClient;
}

/** A client of /api/v1; `path` is below the prefix (`/tasks`) or absolute (`/health`, `/api/...`). */
export function createClient(url: string, defaults: ClientDefaults = {}): RestClient {
  const headersFor = (extra: Record<string, string> | undefined): Record<string, string> => ({
    ...(defaults.project ? { 'x-baton-project': defaults.project } : {}),
    ...(defaults.agent ? { 'x-baton-agent': defaults.agent } : {}),
    ...(defaults.token ? { authorization: `Bearer ${defaults.token}` } : {}),
    ...defaults.headers,
    ...extra,
  });
  const client: RestClient = {
    url,
    request: async (method, path, options = {}) => {
      const full = new URL(path.startsWith('/api/') || path === '/health' ? path : `/api/v1${path}`, url);
      for (const [name, value] of Object.entries(options.query ?? {})) full.searchParams.set(name, String(value));
      const headers = headersFor(options.headers);
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(full, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
      const text = await res.text();
      // The caller names the body type it expects (TBody); JSON.parse gives it unchecked.
      return { status: res.status, body: text === '' ? {} : JSON.parse(text) };
    },
    get: (path, query) => client.request('GET', path, query ? { query } : {}),
    post: (path, body) => client.request('POST', path, { body: body ?? {} }),
    put: (path, body) => client.request('PUT', path, { body: body ?? {} }),
    delete: (path, query) => client.request('DELETE', path, query ? { query } : {}),
    with: (more) => createClient(url, { ...defaults, ...more, headers: { ...defaults.headers, ...more.headers } }),
  };
  return client;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * One request through node:http with full control of the bytes and headers
 * (fetch forbids a Host header and always sends well-formed JSON).
 */
export function rawRequest(url: string, options: { method: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: target.hostname, port: target.port, method: options.method, path: options.path, headers: options.headers ?? {}, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text });
        });
        res.on('error', reject);
      },
    );
    // The server may answer (413) and close before it has read a huge body.
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Registers an agent and returns its id. */
export async function registerAgent(client: RestClient, agentId?: string, name?: string): Promise<string> {
  const res = await client.post<{ agent_id?: string; error?: ApiError }>('/agents', { ...(agentId ? { agent_id: agentId } : {}), ...(name ? { name } : {}) });
  if (res.status !== 200 || !res.body.agent_id) throw new Error(`register_agent failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.agent_id;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
