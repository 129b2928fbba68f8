/**
 * @module Profile power-pack over seed 000's own transport, the legacy HTTP+SSE
 * of MCP 2024-11-05 at /sse, with the SDK's SSEClientTransport: the seed's
 * usage example with two sessions, sharing the locks of Streamable HTTP
 * clients; the Host/Origin check and bearer tokens as on /mcp (a session
 * answers only the token that opened it); refusals of unknown sessions and
 * malformed bodies; and 16 SSE sessions racing for one lock.
 */
import { request } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/main.js';
import { call, httpClient, startInProcess } from '../support/mcp.js';
import { racePytest } from '../support/lock-race.js';
import { randomId } from '../support/server.js';

const TOKEN = 'sse-agent-token-0123456789';
const OTHER = 'sse-other-token-0123456789';

async function sseClient(url: string, options: { project?: string; agent?: string; token?: string } = {}): Promise<Client> {
  const endpoint = new URL('/sse', url);
  if (options.project) endpoint.searchParams.set('project', options.project);
  const headers: Record<string, string> = {
    ...(options.agent ? { 'x-baton-agent': options.agent } : {}),
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
  };
  const client = new Client({ name: 'baton-e2e-sse', version: '1.0.0' });
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- the legacy transport is what is under test.
  await client.connect(new SSEClientTransport(endpoint, { requestInit: { headers } }));
  return client;
}

/** The first SSE event of a stream opened with `fetch` (the endpoint event of GET /sse). */
async function firstEvent(body: ReadableStream<Uint8Array> | null): Promise<string> {
  const chunk = await body?.getReader().read();
  return new TextDecoder().decode(chunk?.value ?? new Uint8Array());
}

/** The status of a raw GET /sse with these headers (the stream is dropped at once). */
function statusOf(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL('/sse', url);
    const req = request({ host: target.hostname, port: target.port, path: target.pathname, headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      resolve(res.statusCode ?? 0);
      res.destroy();
    });
    req.on('error', reject);
    req.end();
  });
}

describe('profile power-pack over legacy SSE (/sse)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startInProcess();
  });
  afterAll(async () => {
    await server.close();
  });

  it("serves the seed's tools and runs its usage example with two sessions", async () => {
    const project = randomId('sse');
    const one = await sseClient(server.url, { project, agent: 'sse-one' });
    const two = await sseClient(server.url, { project, agent: 'sse-two' });
    expect(one.getServerVersion()?.name).toBe('coordination');
    expect((await one.listTools()).tools.map((t) => t.name)).toContain('acquire_lock');
    expect(await call(one, 'acquire_lock', { lock_name: 'pytest', timeout: 600 })).toMatchObject({ success: true });
    expect(await call(two, 'acquire_lock', { lock_name: 'pytest' })).toMatchObject({ success: false, holder: 'sse-one', holder_tier: 'active' });
    // A Streamable HTTP client of the same project sees the same lock: one store behind both transports.
    const modern = await httpClient(server.url, { query: { profile: 'power-pack', project } });
    expect(await call(modern, 'check_lock', { lock_name: 'pytest' })).toMatchObject({ available: false, holder: 'sse-one' });
    expect(await call(one, 'release_lock', { lock_name: 'pytest' })).toMatchObject({ success: true });
    expect(await call(two, 'acquire_lock', { lock_name: 'pr-create' })).toMatchObject({ success: true });
    expect((await call(one, 'session_status'))['counts']).toMatchObject({ active: 2 });
    // The seed's URL exactly (no project named): the server's default project.
    const plain = await sseClient(server.url);
    expect(await call(plain, 'acquire_lock', { lock_name: 'pytest' })).toMatchObject({ success: true });
    expect(await call(plain, 'release_lock', { lock_name: 'pytest' })).toMatchObject({ success: true });
    await Promise.all([one.close(), two.close(), modern.close(), plain.close()]);
  });

  it('refuses a foreign Host or Origin, an unknown session and a malformed body', async () => {
    expect(await statusOf(server.url, { host: 'evil.example' })).toBe(403);
    expect(await statusOf(server.url, { origin: 'http://evil.example' })).toBe(403);
    const unknown = await fetch(new URL('/sse/messages?sessionId=nope', server.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }) });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    // A live session, then a body that is no JSON-RPC message.
    const abort = new AbortController();
    const stream = await fetch(new URL('/sse', server.url), { headers: { accept: 'text/event-stream' }, signal: abort.signal });
    const endpoint = /data: (\S+)/.exec(await firstEvent(stream.body))?.[1] ?? '';
    expect(endpoint).toMatch(/^\/sse\/messages\?sessionId=/);
    const bad = await fetch(new URL(endpoint, server.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ not: 'json-rpc' }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    abort.abort();
  });

  it('16 SSE sessions racing for pytest: never two holders, no server error', async () => {
    const project = randomId('sse');
    const clients = await Promise.all(Array.from({ length: 16 }, (_, i) => sseClient(server.url, { project, agent: `sse-racer-${i}` })));
    const { maxHolding, acquisitions } = await racePytest(clients, 4);
    expect(maxHolding).toBe(1);
    expect(acquisitions).toBeGreaterThan(0);
    await Promise.all(clients.map((c) => c.close()));
  }, 60_000);
});

describe('profile power-pack over legacy SSE with tokens', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startInProcess({}, { tokens: [{ token: TOKEN, role: 'agent', projects: ['web'], agent: 'token-agent' }, { token: OTHER, role: 'agent', projects: ['web'] }] });
  });
  afterAll(async () => {
    await server.close();
  });

  it('needs the bearer token /mcp needs, and keeps a session to the token that opened it', async () => {
    expect(await statusOf(server.url, {})).toBe(401);
    expect(await statusOf(server.url, { authorization: 'Bearer not-a-known-token-at-all' })).toBe(401);
    const client = await sseClient(server.url, { project: 'web', token: TOKEN });
    expect(await call(client, 'acquire_lock', { lock_name: 'pytest' })).toMatchObject({ success: true });
    expect(await call(client, 'check_lock', { lock_name: 'pytest' })).toMatchObject({ holder: 'token-agent' });
    await call(client, 'release_lock', { lock_name: 'pytest' });
    // Another token may not post into this session.
    const abort = new AbortController();
    const stream = await fetch(new URL('/sse?project=web', server.url), { headers: { accept: 'text/event-stream', authorization: `Bearer ${TOKEN}` }, signal: abort.signal });
    const endpoint = /data: (\S+)/.exec(await firstEvent(stream.body))?.[1] ?? '';
    const post = (token?: string) =>
      fetch(new URL(endpoint, server.url), { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }) });
    expect((await post()).status).toBe(401);
    expect((await post(OTHER)).status).toBe(403);
    expect((await post(TOKEN)).status).toBe(202);
    abort.abort();
    await client.close();
  });
});
