/**
 * @module Suite `mcp`: MCP tool calls over Streamable HTTP against the built
 * server (`dist/cli/main.js start`, SQLite, its own process). 64 clients, each its
 * own MCP session over one undici pool, act as the agent their session registered
 * as; the lock read is also measured over the stateless 2026-07-28 revision (no
 * session: the agent travels in X-Baton-Agent). Compared in the same run with the
 * same calls over REST and with a bare Fastify GET /ping (another process): one
 * lock's state (`list_locks` with a name over MCP, GET /api/v1/locks/{name} over
 * REST: a read, so the figure is the
 * surface's cost) and acquire_lock + release_lock pairs (two writes, bound by the
 * store). Then per-call latency in an open loop at 1,000 such reads/s, and
 * lock handoff latency: from the moment the holder sends release_lock to the
 * moment the waiter's blocked acquire_lock call returns.
 *
 * The generator speaks Streamable HTTP itself (JSON-RPC over POST, JSON or SSE
 * answers): the SDK client would spend more CPU per call than the server does,
 * on the same two cores.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { spawnServer, type ChildServer } from '../lib/child-server.js';
import { addCheck } from '../lib/explain.js';
import { runClosedLoop } from '../lib/closed-loop.js';
import { createHistogram, toMeasurement } from '../lib/histogram.js';
import { runOpenLoop } from '../lib/open-loop.js';
import { check, ratioCheck } from '../lib/report.js';
import { createRestClient, type RestClient } from '../lib/rest-client.js';
import type { BenchContext, BenchSuite, Check, Measurement } from '../lib/types.js';

const CLIENTS = 64;
const PROJECT = 'bench';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
const VERSION = '2025-06-18';
/** MCP calls/s over a trivial Fastify route's requests/s, 64 connections (issue 8). */
const TRIVIAL_RATIO = 0.4;

const cleanEnv = (): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('BATON_')));

/** One MCP session: tool calls answered with the structured result, or rejected with the tool error. */
interface McpSession {
  call(name: string, args?: Record<string, unknown>): Promise<Record<string, unknown>>;
}

interface RpcAnswer {
  id?: unknown;
  result?: { isError?: boolean; structuredContent?: Record<string, unknown>; content?: { text?: string }[] };
  error?: { message: string };
}

/** The JSON-RPC answer in a JSON body or in an SSE stream (the last `data:` line carrying it). */
function parseAnswer(contentType: string, text: string): RpcAnswer {
  if (contentType.startsWith('application/json')) return JSON.parse(text) as RpcAnswer;
  const data = text.split('\n').filter((line) => line.startsWith('data: ')).map((line) => JSON.parse(line.slice(6)) as RpcAnswer);
  const answer = data.find((m) => 'result' in m || 'error' in m);
  if (!answer) throw new Error(`no answer in the event stream: ${text.slice(0, 200)}`);
  return answer;
}

async function openSession(pool: Pool): Promise<McpSession> {
  const base = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  const init = await pool.request({
    method: 'POST',
    path: `/mcp?project=${PROJECT}`,
    headers: base,
    body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: VERSION, capabilities: {}, clientInfo: { name: 'baton-bench', version: '1' } } }),
  });
  await init.body.text();
  const session = init.headers['mcp-session-id'];
  if (typeof session !== 'string') throw new Error(`initialize answered ${init.statusCode} without a session`);
  const headers = { ...base, 'mcp-session-id': session, 'mcp-protocol-version': VERSION };
  const done = await pool.request({ method: 'POST', path: '/mcp', headers, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
  await done.body.text();
  let next = 1;
  return {
    async call(name, args = {}) {
      const response = await pool.request({ method: 'POST', path: '/mcp', headers, body: JSON.stringify({ jsonrpc: '2.0', id: next++, method: 'tools/call', params: { name, arguments: args } }) });
      const answer = parseAnswer(String(response.headers['content-type']), await response.body.text());
      if (answer.error) throw new Error(`${name}: ${answer.error.message}`);
      if (answer.result?.isError) throw new Error(`${name}: ${answer.result.content?.[0]?.text ?? 'tool error'}`);
      return answer.result?.structuredContent ?? {};
    },
  };
}

const REVISION_2026 = '2026-07-28';
const ENVELOPE_2026 = { 'io.modelcontextprotocol/protocolVersion': REVISION_2026, 'io.modelcontextprotocol/clientCapabilities': {} };

/** A 2026-07-28 client: no session, every request carries its revision and its caller. */
function modernSession(pool: Pool, agent: string): McpSession {
  const base = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': REVISION_2026, 'mcp-method': 'tools/call', 'x-baton-agent': agent };
  let next = 1;
  return {
    async call(name, args = {}) {
      const body = JSON.stringify({ jsonrpc: '2.0', id: next++, method: 'tools/call', params: { name, arguments: args, _meta: ENVELOPE_2026 } });
      const response = await pool.request({ method: 'POST', path: `/mcp?project=${PROJECT}`, headers: { ...base, 'mcp-name': name }, body });
      const answer = parseAnswer(String(response.headers['content-type']), await response.body.text());
      if (answer.error) throw new Error(`${name}: ${answer.error.message}`);
      if (answer.result?.isError) throw new Error(`${name}: ${answer.result.content?.[0]?.text ?? 'tool error'}`);
      return answer.result?.structuredContent ?? {};
    },
  };
}

async function mcpLockPair(session: McpSession, name: string): Promise<void> {
  const acquired = await session.call('acquire_lock', { name });
  if (acquired['acquired'] !== true) throw new Error(`lock ${name} not acquired: ${JSON.stringify(acquired).slice(0, 200)}`);
  await session.call('release_lock', { name, token: acquired['token'] });
}

async function restLockPair(client: RestClient, worker: number, name: string): Promise<void> {
  const agent = `rest-${worker}`;
  const acquired = await client.call('POST', `/api/v1/locks/${name}/acquire`, { agent, body: {} });
  if (acquired['acquired'] !== true) throw new Error(`lock ${name} not acquired over REST`);
  await client.call('POST', `/api/v1/locks/${name}/release`, { agent, body: { token: acquired['token'] } });
}

async function startServers(ctx: BenchContext): Promise<{ baton: ChildServer; ping: ChildServer }> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (\`npm run bench\` does).`);
  const [baton, ping] = await Promise.all([
    spawnServer({ args: [CLI, 'start', '--host', '127.0.0.1', '--port', '0', '--data-dir', ctx.tempDir('mcp')], env: cleanEnv(), cwd: ROOT }),
    spawnServer({ args: ['--import', 'tsx', join(ROOT, 'bench/lib/ping-server.ts')], env: cleanEnv(), cwd: ROOT }),
  ]);
  ctx.defer(() => Promise.all([baton.stop(), ping.stop()]));
  return { baton, ping };
}

/** Handoff rounds: holder takes a fresh lock, waiter queues on it, holder releases; time release → waiter's answer. */
async function measureHandoff(holder: McpSession, waiter: McpSession, rounds: number): Promise<Measurement> {
  const handoff = createHistogram();
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    const name = `handoff-${round}`;
    const held = await holder.call('acquire_lock', { name });
    const waiting = waiter.call('acquire_lock', { name, wait_seconds: 10 }).then((granted) => ({ granted, at: performance.now() }));
    // Queued once list_locks shows the waiter; polling happens before the timed part.
    while (((await holder.call('list_locks', { name }))['waiters'] as unknown[]).length === 0) await new Promise((r) => setImmediate(r));
    const releasedAt = performance.now();
    await holder.call('release_lock', { name, token: held['token'] });
    const { granted, at } = await waiting;
    handoff.record(at - releasedAt);
    if (granted['acquired'] !== true) throw new Error(`handoff ${round}: the waiter was not granted the lock`);
    await waiter.call('release_lock', { name, token: granted['token'] });
  }
  return toMeasurement(handoff, { name: 'lock handoff, release → waiter returns', unit: 'handoff', concurrency: 2, rate: null, durationMs: performance.now() - started });
}

export const suite: BenchSuite = {
  name: 'mcp',
  description: `MCP tool calls over Streamable HTTP (${CLIENTS} sessions) vs the same pair over REST and a bare Fastify GET /ping`,
  async run(ctx) {
    const durationMs = ctx.duration(5000, 1500);
    const warmupMs = ctx.duration(1000, 300);
    const measurements: Measurement[] = [];
    const checks: Check[] = [];
    const notes: string[] = [];

    ctx.log('starting the servers');
    const servers = await startServers(ctx);
    const pool = new Pool(servers.baton.url, { connections: CLIENTS, pipelining: 1 });
    const rest = createRestClient(servers.baton.url, { connections: CLIENTS, project: PROJECT });
    const ping = createRestClient(servers.ping.url, { connections: CLIENTS });
    ctx.defer(() => Promise.all([pool.close(), rest.close(), ping.close()]));
    const sessions = await Promise.all(Array.from({ length: CLIENTS }, () => openSession(pool)));
    await Promise.all(sessions.map((s, i) => s.call('register_agent', { agent_id: `mcp-${i}` })));
    for (let i = 0; i < CLIENTS; i++) await rest.call('POST', '/api/v1/agents', { agent: `rest-${i}`, body: {} });

    ctx.log(`trivial GET /ping, ${CLIENTS} connections`);
    const loop = { workers: CLIENTS, durationMs, warmupMs };
    const trivial = await runClosedLoop({ ...loop, name: 'Fastify GET /ping', unit: 'request', cpu: { httpServerPid: servers.ping.pid }, op: () => ping.call('GET', '/ping') });
    // CPU per operation in the server under test: each run's other process.
    const batonCpu = { httpServerPid: servers.baton.pid };
    // A read first: it measures the surface, where a lock pair is bound by the store's writes.
    ctx.log(`lock reads over REST and MCP, ${CLIENTS} clients`);
    const readRest = await runClosedLoop({ ...loop, name: `REST GET lock, ${CLIENTS} callers`, unit: 'call', cpu: batonCpu, op: (w) => rest.call('GET', `/api/v1/locks/mcp-${w}`) });
    const readMcp = await runClosedLoop({ ...loop, name: `MCP list_locks of one lock, ${CLIENTS} sessions`, unit: 'call', cpu: batonCpu, op: (w) => sessions[w]!.call('list_locks', { name: `mcp-${w}` }) });
    const stateless = Array.from({ length: CLIENTS }, (_, i) => modernSession(pool, `mcp-${i}`));
    const readModern = await runClosedLoop({ ...loop, name: `MCP ${REVISION_2026} list_locks of one lock, ${CLIENTS} clients`, unit: 'call', cpu: batonCpu, op: (w) => stateless[w]!.call('list_locks', { name: `mcp-${w}` }) });
    ctx.log(`lock pairs over REST and MCP, ${CLIENTS} clients`);
    const pairRest = await runClosedLoop({ ...loop, name: `REST lock pair, ${CLIENTS} callers`, unit: 'pair', cpu: batonCpu, op: (w) => restLockPair(rest, w, `rest-${w}`) });
    const pairMcp = await runClosedLoop({ ...loop, name: `MCP lock pair, ${CLIENTS} sessions`, unit: 'pair', cpu: batonCpu, op: (w) => mcpLockPair(sessions[w]!, `mcp-${w}`) });
    measurements.push(trivial, readRest, readMcp, readModern, pairRest, pairMcp);
    addCheck(checks, notes, ratioCheck('MCP/trivial calls/s, one lock read', readMcp.opsPerSec, trivial.opsPerSec, '>=', TRIVIAL_RATIO, 'calls/s'), readMcp, trivial);
    addCheck(checks, notes, ratioCheck(`MCP ${REVISION_2026}/trivial calls/s, one lock read`, readModern.opsPerSec, trivial.opsPerSec, '>=', TRIVIAL_RATIO, 'calls/s'), readModern, trivial);
    addCheck(checks, notes, ratioCheck('MCP/trivial calls/s, lock pairs', 2 * pairMcp.opsPerSec, trivial.opsPerSec, '>=', TRIVIAL_RATIO, 'calls/s'), pairMcp, trivial);
    notes.push(
      `one lock read: MCP ${Math.round(readMcp.opsPerSec)} calls/s = ${(readMcp.opsPerSec / readRest.opsPerSec).toFixed(2)}x REST, ${(readMcp.opsPerSec / trivial.opsPerSec).toFixed(2)}x GET /ping (${Math.round(trivial.opsPerSec)}/s)`,
      `one lock read over ${REVISION_2026}: ${Math.round(readModern.opsPerSec)} calls/s = ${(readModern.opsPerSec / readMcp.opsPerSec).toFixed(2)}x the 2025 sessions, ${(readModern.opsPerSec / trivial.opsPerSec).toFixed(2)}x GET /ping`,
      `lock pairs (2 writes): MCP ${Math.round(2 * pairMcp.opsPerSec)} calls/s = ${(pairMcp.opsPerSec / pairRest.opsPerSec).toFixed(2)}x REST, ${((2 * pairMcp.opsPerSec) / trivial.opsPerSec).toFixed(2)}x GET /ping`,
    );

    const rate = 1000;
    ctx.log(`MCP open loop, ${rate} calls/s`);
    const open = await runOpenLoop({
      name: `MCP lock read, open loop ${rate}/s`,
      unit: 'call',
      rate,
      durationMs: ctx.duration(5000, 2000),
      warmupMs,
      op: async (index) => {
        await sessions[index % CLIENTS]!.call('list_locks', { name: `mcp-${index % CLIENTS}` });
      },
    });
    measurements.push(open);
    checks.push(check(`MCP p99 per call at ${rate}/s`, open.p99Ms, '<', 10, 'ms'));
    if (open.sendLag.p99Ms > 1) notes.push(`open-loop generator lagged (p99 ${open.sendLag.p99Ms.toFixed(2)} ms behind schedule): latencies include it`);

    ctx.log('lock handoff');
    const handoff = await measureHandoff(sessions[0]!, sessions[1]!, ctx.quick ? 50 : 300);
    measurements.push(handoff);
    checks.push(check('lock handoff p99 (release → waiter returns)', handoff.p99Ms, '<', 5, 'ms'));
    notes.push("CPU µs/op: this process (the load generator) + the HTTP server's process (Baton's; the trivial server's for GET /ping), in 10 ms ticks; warm-up included");
    return { measurements, checks, notes };
  },
};
