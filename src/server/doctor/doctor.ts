/**
 * @module `baton doctor`: every check an operator needs to trust a setup, in the
 * order things depend on each other (configuration, data directory, the server
 * and its lock, /health, an MCP initialize, the store and its durability, clock
 * skew, the client configs init wrote, the hook routes they call). Each check
 * is ok, warn or fail with a hint; the report fails when any check fails.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { loadServerConfig, type ConfigOverrides, type ServerConfig } from '../config.js';
import { lockDataDir } from '../data-dir.js';
import { defaultDataDir, processAlive, readServerRecord } from '../server-record.js';
import { VERSION } from '../version.js';
import { check, type Check } from './check.js';
import { checkClientConfigs, type HookCommand } from './client-configs.js';
import { probeStore } from './store-probe.js';

export interface DoctorOptions {
  overrides: ConfigOverrides;
  /** A server to check instead of the one recorded in the data directory (--url, BATON_URL). */
  url?: string | undefined;
  /** BATON_TOKEN, for a server that requires one. */
  token?: string | undefined;
  /** Where the client configs are looked for (the repository of this directory). */
  cwd: string;
}

export interface DoctorReport {
  ok: boolean;
  /** How many checks failed and warned. */
  failures: number;
  warnings: number;
  checks: Check[];
}

const TIMEOUT_MS = 3_000;

const reason = (error: unknown): string => {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error instanceof Error ? error.message : String(error)}${cause}`;
};

function dataDirCheck(dataDir: string): Check {
  const stat = statSync(dataDir, { throwIfNoEntry: false });
  if (!stat) return check('data-dir', 'warn', `${dataDir} does not exist yet`, 'It is created by the first baton start.');
  if (!stat.isDirectory()) return check('data-dir', 'fail', `${dataDir} is not a directory`, 'Pick another with --data-dir or BATON_DATA_DIR.');
  try {
    accessSync(dataDir, constants.W_OK);
  } catch {
    return check('data-dir', 'fail', `${dataDir} is not writable by this user`, 'Fix its permissions or pick another with --data-dir.');
  }
  return check('data-dir', 'ok', `${dataDir} is writable`);
}

interface Found {
  url: string;
  pid?: number;
  source: 'flag' | 'record';
}

function serverCheck(dataDir: string, url: string | undefined): { check: Check; found?: Found } {
  if (url !== undefined) return { check: check('server', 'ok', `checking the server at ${url} (--url / BATON_URL)`), found: { url, source: 'flag' } };
  const record = readServerRecord(dataDir);
  if (!record) return { check: check('server', 'fail', `no server is recorded for ${dataDir}`, 'Start one: baton start --daemon.') };
  if (!processAlive(record.pid)) return { check: check('server', 'fail', `the server recorded for ${dataDir} (pid ${record.pid}, ${record.url}) is not running`, 'Start it again: baton start --daemon.') };
  return { check: check('server', 'ok', `pid ${record.pid} runs, recorded at ${record.url}`), found: { url: record.url, pid: record.pid, source: 'record' } };
}

/** SQLite: one server per data directory, holding its lock. Taking the lock for an instant tells whether anyone holds it. */
function lockCheck(config: ServerConfig, found: Found | undefined, answering: boolean): Check {
  if (config.store.kind !== 'sqlite') return check('lock', 'skip', `${config.store.kind} serves several coordinators: no data-directory lock`);
  if (statSync(config.dataDir, { throwIfNoEntry: false }) === undefined) return check('lock', 'skip', 'no data directory yet');
  let free = false;
  try {
    lockDataDir(config.dataDir).release();
    free = true;
  } catch {
    free = false;
  }
  if (free && answering && found?.source === 'record') {
    return check('lock', 'fail', `the server at ${found.url} (pid ${found.pid ?? '?'}) answers but does not hold ${config.dataDir}'s lock: it is not this directory's SQLite server (another store or data directory wrote the record)`, `Stop the stray server (kill ${found.pid ?? '<pid>'}), then baton start --daemon --data-dir ${config.dataDir}.`);
  }
  if (free) return check('lock', 'ok', 'free: no server holds the data directory');
  if (!answering) return check('lock', 'fail', `another process holds ${config.dataDir}'s lock but no recorded server answers`, 'A server may be starting or hung: baton status, then stop the process that holds server.lock.');
  return check('lock', 'ok', `held by one server (pid ${found?.pid ?? '?'})`);
}

async function fetchJson(url: URL, init: RequestInit, token: string | undefined): Promise<{ status: number; text: string; headers: Headers }> {
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  headers.set('connection', 'close');
  const res = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

async function healthCheck(found: Found, config: ServerConfig | undefined, token: string | undefined): Promise<{ check: Check; answering: boolean }> {
  let res: { status: number; text: string };
  try {
    res = await fetchJson(new URL('/health', found.url), {}, token);
  } catch (error) {
    return { check: check('health', 'fail', `${found.url}/health does not answer: ${reason(error)}`, 'The process runs but does not serve: see baton logs, then baton stop and baton start --daemon.'), answering: false };
  }
  let body: { status?: string; version?: string; store?: { engine?: string; status?: string; reason?: string } };
  try {
    body = JSON.parse(res.text) as typeof body;
  } catch {
    return { check: check('health', 'fail', `${found.url}/health answered ${res.status} with something that is not Baton's`, 'Another program listens there: check --url / the port.'), answering: false };
  }
  const engine = body.store?.engine;
  if (config && engine !== undefined && engine !== config.store.kind) {
    return { check: check('health', 'fail', `the server at ${found.url} serves a ${engine} store but this configuration says ${config.store.kind}: it is not the server this configuration describes (other flags, or a second server wrote ${config.dataDir}'s record)`, 'Stop the server you do not want (baton stop), and start one per data directory.'), answering: true };
  }
  const version = body.version !== undefined && body.version !== VERSION ? ` (server ${body.version}, this CLI ${VERSION})` : '';
  if (body.status === 'ok') return { check: check('health', version === '' ? 'ok' : 'warn', `/health ok, ${engine ?? 'store'} healthy${version}`, version === '' ? undefined : 'Restart the server so it runs this version: baton restart.'), answering: true };
  if (body.status === 'degraded') return { check: check('health', 'warn', `/health degraded: ${body.store?.reason ?? 'the store reports a problem'}`, 'Free disk space or fix the store, then watch baton logs.'), answering: true };
  return { check: check('health', 'fail', `/health says ${body.status ?? res.status}: ${body.store?.reason ?? 'the store is unavailable'}`, 'Fix the store (see the store check below), then baton logs.'), answering: true };
}

/** An MCP initialize, as an agent's client sends it; the session it opens is closed again. */
async function mcpCheck(found: Found, token: string | undefined): Promise<Check> {
  const body = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'baton-doctor', version: VERSION } } };
  try {
    const res = await fetchJson(new URL('/mcp', found.url), { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify(body) }, token);
    // The answer is JSON, or one SSE `data:` line carrying it.
    const json = res.text.trimStart().startsWith('{') ? res.text : (res.text.split('\n').find((l) => l.startsWith('data:'))?.slice(5) ?? '');
    const answer = JSON.parse(json) as { result?: { serverInfo?: { name?: string; version?: string }; protocolVersion?: string }; error?: { message?: string } };
    const session = res.headers.get('mcp-session-id');
    if (session) await fetchJson(new URL('/mcp', found.url), { method: 'DELETE', headers: { 'mcp-session-id': session } }, token).catch(() => undefined);
    if (!answer.result?.serverInfo) return check('mcp', 'fail', `MCP initialize at ${found.url}/mcp failed: ${answer.error?.message ?? `HTTP ${res.status}`}`, res.status === 401 ? 'Set BATON_TOKEN to a token of this server.' : 'See baton logs.');
    return check('mcp', 'ok', `MCP initialize answered by ${answer.result.serverInfo.name ?? '?'} ${answer.result.serverInfo.version ?? ''} (protocol ${answer.result.protocolVersion ?? '?'})`.replace('  ', ' '));
  } catch (error) {
    return check('mcp', 'fail', `MCP initialize at ${found.url}/mcp failed: ${reason(error)}`, 'See baton logs.');
  }
}

/**
 * The hooks init's files run: each command hook's program must be found on PATH (else the
 * client gets exit 127, a non-blocking error: the hook does nothing and --strict fails open),
 * and each HTTP route must answer a POST without a session (not 404, not 5xx).
 */
async function hooksCheck(routes: [string, string][], commands: HookCommand[], token: string | undefined): Promise<Check> {
  const missing = commands.filter((c) => c.found === undefined);
  if (missing.length > 0) {
    const programs = [...new Set(missing.map((c) => c.program))].join(', ');
    const files = [...new Set(missing.map((c) => c.file))].join(', ');
    return check('hooks', 'fail', `the command hooks in ${files} run ${programs}, which is not on PATH: the client gets exit 127 and treats it as a non-blocking error, so these hooks do nothing (and --strict fails open)`,
      'Install the package so its bins are on PATH (npm install -g baton-mcp), then restart the editor. An editor started from a desktop launcher may see another PATH than this shell.');
  }
  const resolved = [...new Set(commands.map((c) => `${c.program} → ${c.found ?? ''}`))];
  const commandNote = resolved.length === 0 ? '' : `; command hooks run ${resolved.join(', ')}`;
  if (routes.length === 0) {
    return resolved.length === 0 ? check('hooks', 'skip', 'no hooks installed') : check('hooks', 'ok', `no HTTP hooks${commandNote} (they reach the server through the data directory)`);
  }
  const failures: string[] = [];
  for (const [client, origin] of routes) {
    const url = new URL(`/hooks/${client}/pre-tool`, origin);
    try {
      const res = await fetchJson(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }, token);
      if (res.status === 404 || res.status >= 500) failures.push(`${url.href} answered ${res.status}`);
    } catch (error) {
      failures.push(`${url.href}: ${reason(error)}`);
    }
  }
  if (failures.length > 0) return check('hooks', 'fail', failures.join('; '), 'Start the server the hooks call, or run baton init --http URL (this server\'s URL) so they call this one.');
  return check('hooks', 'ok', `${routes.length} hook route${routes.length === 1 ? '' : 's'} answer${commandNote}`);
}

export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const checks: Check[] = [];
  let config: ServerConfig | undefined;
  try {
    config = loadServerConfig(options.overrides);
    checks.push(check('config', 'ok', `configuration valid (store ${config.store.kind}, ${config.host}:${config.port})`));
  } catch (error) {
    checks.push(check('config', 'fail', reason(error), 'Fix the setting named (config.json in the data directory, or the BATON_* variable).'));
  }
  const dataDir = config?.dataDir ?? options.overrides.dataDir ?? defaultDataDir();
  checks.push(dataDirCheck(dataDir));

  const server = serverCheck(dataDir, options.url);
  checks.push(server.check);
  let answering = false;
  if (server.found) {
    const health = await healthCheck(server.found, config, options.token);
    answering = health.answering;
    if (config) checks.push(lockCheck(config, server.found, answering));
    checks.push(health.check);
    checks.push(answering ? await mcpCheck(server.found, options.token) : check('mcp', 'skip', 'the server does not answer'));
  } else {
    if (config) checks.push(lockCheck(config, undefined, false));
    checks.push(check('health', 'skip', 'no server to ask'), check('mcp', 'skip', 'no server to ask'));
  }

  if (config) checks.push(...(await probeStore(config)));
  else checks.push(check('store', 'skip', 'configuration invalid'), check('durability', 'skip', 'configuration invalid'), check('clock', 'skip', 'configuration invalid'));

  const clients = checkClientConfigs(options.cwd, server.found?.url);
  checks.push(...clients.checks, await hooksCheck(clients.hookRoutes, clients.hookCommands, options.token));

  const failures = checks.filter((c) => c.status === 'fail').length;
  const warnings = checks.filter((c) => c.status === 'warn').length;
  return { ok: failures === 0, failures, warnings, checks };
}
