/**
 * @module Both protocol eras at one /mcp and through `baton mcp`, with the real
 * clients of both SDK lines: the 2.x client negotiates 2026-07-28 (stateless, no
 * session), the 1.x one the 2025 handshake (its HTTP side is mcp-http.test.ts). Discovery, the catalog, identity
 * without a session, blocking calls with progress and cancellation, listen
 * streams, and what the 2026 wire refuses.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonEvent } from '../../src/core/events/event.js';
import { loadServerConfig } from '../../src/server/config.js';
import { startServer as startBaton, type RunningServer } from '../../src/server/main.js';
import { call, callError, eventually, httpClient, modernHttpClient, modernStdioClient, startInProcess, stdioClient } from '../support/mcp.js';
import { cleanupAll, randomId, tempDir } from '../support/server.js';

const REVISION = '2026-07-28';
const ENVELOPE = { 'io.modelcontextprotocol/protocolVersion': REVISION, 'io.modelcontextprotocol/clientCapabilities': {} };
const silent = { info: () => undefined, error: () => undefined };

/** A 2026 request as a client puts it on the wire: the envelope in _meta, the revision's headers. */
async function post(url: string, method: string, params: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<{ status: number; session: string | null; body: Record<string, unknown> }> {
  const source = params['name'] ?? params['uri'];
  const name: Record<string, string> = typeof source === 'string' ? { 'mcp-name': source } : {};
  const res = await fetch(`${url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': REVISION, 'mcp-method': method, ...name, ...headers },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: { ...params, _meta: { ...ENVELOPE, ...(params['_meta'] as object | undefined) } } }),
  });
  return { status: res.status, session: res.headers.get('mcp-session-id'), body: (await res.json()) as Record<string, unknown> };
}

/** Resolves with the next event of `type` in `project`. */
function nextEvent(server: RunningServer, project: string, type: string): Promise<BatonEvent> {
  return new Promise((resolve) => {
    const off = server.hub.context.bus.subscribe(project, (e) => {
      if (e.type !== type) return;
      off();
      resolve(e);
    });
  });
}

let server: RunningServer;
let secured: RunningServer;
const TOKEN = 'tok-modern-0123456789abcdef';

beforeAll(async () => {
  [server, secured] = await Promise.all([
    startInProcess({ progressIntervalMs: 100 }),
    startInProcess({}, { tokens: [{ token: TOKEN, role: 'agent', projects: ['*'], agent: 'token-agent' }] }),
  ]);
});
afterAll(async () => {
  await Promise.all([server.close(), secured.close()]);
  await cleanupAll();
});

describe('the 2026-07-28 revision over Streamable HTTP', () => {
  it('answers the discovery probe with the revision and what initialize tells a 2025 client, without a session', async () => {
    const discovered = await post(server.url, 'server/discover');
    expect(discovered.status).toBe(200);
    expect(discovered.session).toBeNull();
    const result = discovered.body['result'] as Record<string, unknown>;
    expect(result).toMatchObject({ resultType: 'complete', supportedVersions: [REVISION], cacheScope: 'private', _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'baton' } } });
    expect(result['ttlMs']).toBeGreaterThan(0);

    const legacy = await httpClient(server.url);
    expect(result['instructions']).toBe(legacy.getInstructions());
    const { logging: _logging, ...capabilities } = legacy.getServerCapabilities() ?? {};
    expect(result['capabilities']).toEqual(capabilities);
    await legacy.close();
  });

  it('serves the catalog, the resources and the prompts a 2025 client gets', async () => {
    const [modern, legacy] = await Promise.all([modernHttpClient(server.url), httpClient(server.url)]);
    expect(modern.getProtocolEra()).toBe('modern');
    const names = (list: { name: string }[]): string[] => list.map((x) => x.name);
    expect(names((await modern.listTools()).tools)).toEqual(names((await legacy.listTools()).tools));
    expect(names((await modern.listResources()).resources)).toEqual(names((await legacy.listResources()).resources));
    expect(names((await modern.listPrompts()).prompts)).toEqual(names((await legacy.listPrompts()).prompts));
    const read = await modern.readResource({ uri: 'baton://status' });
    expect(read.contents[0]).toMatchObject({ uri: 'baton://status', mimeType: 'application/json' });
    const prompt = await modern.getPrompt({ name: 'startup' });
    expect(JSON.stringify(prompt.messages)).toContain('start_session');
    await Promise.all([modern.close(), legacy.close()]);
  });

  it('acts as the X-Baton-Agent or the bearer token agent on every request, and remembers no one without them', async () => {
    const project = randomId('p');
    const byHeader = await modernHttpClient(server.url, { headers: { 'x-baton-agent': 'modern-header', 'x-baton-project': project } });
    expect(await call(byHeader, 'register_agent')).toMatchObject({ agent_id: 'modern-header', project });
    expect(await call(byHeader, 'heartbeat', { activity: 'working' })).toMatchObject({ agent_id: 'modern-header' });
    await byHeader.close();

    const anonymous = await modernHttpClient(server.url, { query: { project } });
    const { agent_id: minted } = await call(anonymous, 'register_agent', { name: 'anon' });
    // No session: the next request is nobody until it says who it is.
    expect(await callError(anonymous, 'heartbeat')).toMatchObject({ code: 'AGENT_REQUIRED' });
    expect(await call(anonymous, 'heartbeat', { agent_id: minted })).toMatchObject({ agent_id: minted });
    await anonymous.close();

    const byToken = await modernHttpClient(secured.url, { headers: { authorization: `Bearer ${TOKEN}`, 'x-baton-agent': 'modern-header' } });
    expect(await call(byToken, 'register_agent')).toMatchObject({ agent_id: 'token-agent' });
    await byToken.close();
    await expect(modernHttpClient(secured.url)).rejects.toThrow(/401|authoriz/i);
  });

  it('streams progress while a call blocks, and stops the wait at once when the call is cancelled', async () => {
    const project = randomId('p');
    const holder = await modernHttpClient(server.url, { headers: { 'x-baton-agent': 'holder', 'x-baton-project': project } });
    const waiter = await modernHttpClient(server.url, { headers: { 'x-baton-agent': 'waiter', 'x-baton-project': project } });
    await call(holder, 'register_agent');
    await call(waiter, 'register_agent');
    await call(holder, 'acquire_lock', { name: 'busy' });
    // A wait that times out keeps its place for a while: the timed-out one and the cancelled one wait on different locks.
    await call(holder, 'acquire_lock', { name: 'slow' });

    const progress: number[] = [];
    const timedOut = await waiter.callTool({ name: 'acquire_lock', arguments: { name: 'slow', wait_seconds: 0.5 } }, { onprogress: (p) => progress.push(p.progress) });
    expect(timedOut.structuredContent).toMatchObject({ acquired: false, timed_out: true });
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    const queued = nextEvent(server, project, 'lease.queued');
    const abort = new AbortController();
    const waiting = waiter.callTool({ name: 'acquire_lock', arguments: { name: 'busy', wait_seconds: 30 } }, { signal: abort.signal });
    await queued;
    const ended = nextEvent(server, project, 'lease.wait_ended');
    const cancelledAt = Date.now();
    abort.abort();
    await expect(waiting).rejects.toThrow();
    await ended;
    expect(Date.now() - cancelledAt).toBeLessThan(2_000);
    await Promise.all([holder.close(), waiter.close()]);
  });

  it('tells a listener when a resource it listens to changes, and ends its stream gracefully when the server stops', async () => {
    const own = await startInProcess();
    const project = randomId('p');
    const watcher = await modernHttpClient(own.url, { query: { project } });
    const actor = await modernHttpClient(own.url, { query: { project }, headers: { 'x-baton-agent': 'actor' } });
    const updated: string[] = [];
    watcher.setNotificationHandler('notifications/resources/updated', (n) => {
      updated.push(n.params.uri);
    });
    const subscription = await watcher.listen({ resourceSubscriptions: ['baton://locks', 'test://elsewhere'] });
    expect(subscription.honoredFilter).toEqual({ resourceSubscriptions: ['baton://locks'] });
    await call(actor, 'register_agent');
    await call(actor, 'acquire_lock', { name: 'watched' });
    await eventually(() => Promise.resolve(updated.includes('baton://locks')));
    expect(updated.every((uri) => uri === 'baton://locks')).toBe(true);
    await own.close();
    expect(await subscription.closed).toBe('graceful');
    await Promise.all([watcher.close(), actor.close()]);
  });

  it("refuses what the revision forbids with the revision's errors", async () => {
    const unsupported = await post(server.url, 'tools/list', { _meta: { 'io.modelcontextprotocol/protocolVersion': '2099-01-01' } }, { 'mcp-protocol-version': '2099-01-01' });
    expect(unsupported.status).toBe(400);
    expect(unsupported.body).toMatchObject({ id: 1, error: { code: -32022, data: { requested: '2099-01-01' } } });
    expect((unsupported.body['error'] as { data: { supported: string[] } }).data.supported).toEqual(expect.arrayContaining([REVISION, '2025-11-25']));

    const mismatched = await post(server.url, 'tools/call', { name: 'heartbeat', arguments: {} }, { 'mcp-name': 'acquire_lock' });
    expect(mismatched).toMatchObject({ status: 400, body: { id: 1, error: { code: -32020 } } });
    const noMethodHeader = await post(server.url, 'tools/list', {}, { 'mcp-method': 'prompts/list' });
    expect(noMethodHeader).toMatchObject({ status: 400, body: { error: { code: -32020 } } });
    const noCapabilities = await post(server.url, 'tools/list', { _meta: { 'io.modelcontextprotocol/clientCapabilities': null } });
    expect(noCapabilities).toMatchObject({ status: 400, body: { error: { code: -32602 } } });
    for (const method of ['initialize', 'ping', 'logging/setLevel', 'resources/subscribe']) {
      expect(await post(server.url, method), method).toMatchObject({ status: 404, body: { error: { code: -32601 } } });
    }
    const stale = await post(server.url, 'tools/list', {}, { 'mcp-session-id': randomUUID() });
    expect(stale).toMatchObject({ status: 200, session: null, body: { result: { resultType: 'complete' } } });
    const missing = await post(server.url, 'resources/read', { uri: 'baton://nothing' });
    expect(missing).toMatchObject({ status: 200, body: { error: { code: -32602 } } });
  });
});

describe('the 2026-07-28 revision through baton mcp', () => {
  it('is negotiated on stdio, serves the 2025 catalog, and acts as the CLAUDE_CODE_SESSION_ID agent', async () => {
    const project = randomId('p');
    const sessionId = randomUUID();
    const proxy = await modernStdioClient({ BATON_URL: server.url, BATON_PROJECT: project, CLAUDE_CODE_SESSION_ID: sessionId });
    try {
      expect(proxy.client.getNegotiatedProtocolVersion()).toBe(REVISION);
      const legacy = await httpClient(server.url);
      expect((await proxy.client.listTools()).tools.map((t) => t.name)).toEqual((await legacy.listTools()).tools.map((t) => t.name));
      await legacy.close();
      expect(await call(proxy.client, 'register_agent', { name: 'claude' })).toMatchObject({ agent_id: sessionId, project });
      expect(await call(proxy.client, 'heartbeat', { activity: 'working' })).toMatchObject({ agent_id: sessionId });
    } finally {
      await proxy.close();
    }
  });

  it('streams progress of a blocking call and cancels it at once', async () => {
    const project = randomId('p');
    const holder = await modernHttpClient(server.url, { headers: { 'x-baton-agent': 'holder', 'x-baton-project': project } });
    await call(holder, 'register_agent');
    await call(holder, 'acquire_lock', { name: 'busy' });
    // A wait that times out keeps its place for a while: the timed-out one and the cancelled one wait on different locks.
    await call(holder, 'acquire_lock', { name: 'slow' });
    const proxy = await modernStdioClient({ BATON_URL: server.url, BATON_PROJECT: project, CLAUDE_CODE_SESSION_ID: 'stdio-waiter' });
    try {
      await call(proxy.client, 'register_agent');
      const progress: number[] = [];
      const timedOut = await proxy.client.callTool({ name: 'acquire_lock', arguments: { name: 'slow', wait_seconds: 0.5 } }, { onprogress: (p) => progress.push(p.progress) });
      expect(timedOut.structuredContent).toMatchObject({ acquired: false, timed_out: true });
      expect(progress.length).toBeGreaterThanOrEqual(2);

      const queued = nextEvent(server, project, 'lease.queued');
      const abort = new AbortController();
      const waiting = proxy.client.callTool({ name: 'acquire_lock', arguments: { name: 'busy', wait_seconds: 30 } }, { signal: abort.signal });
      await queued;
      const ended = nextEvent(server, project, 'lease.wait_ended');
      const cancelledAt = Date.now();
      abort.abort();
      await expect(waiting).rejects.toThrow();
      await ended;
      expect(Date.now() - cancelledAt).toBeLessThan(2_000);
    } finally {
      await Promise.all([proxy.close(), holder.close()]);
    }
  });

  it('answers with an error while the server is down, and carries on when it is back, with nothing to reopen', async () => {
    const dataDir = tempDir();
    const config = { ...loadServerConfig({ dataDir, port: 0, host: '127.0.0.1' }), store: { kind: 'sqlite' as const, url: undefined, namespace: undefined } };
    let own = await startBaton(config, silent);
    const port = Number(new URL(own.url).port);
    const proxy = await modernStdioClient({ BATON_URL: own.url, BATON_AGENT: 'steady' });
    try {
      await call(proxy.client, 'register_agent');
      await own.close();
      const down = await proxy.client.callTool({ name: 'heartbeat', arguments: {} }).catch((error: unknown) => error);
      expect(String(down)).toMatch(/did not answer/);
      own = await startBaton({ ...config, port }, silent);
      expect(await call(proxy.client, 'heartbeat', { activity: 'idle' })).toMatchObject({ agent_id: 'steady' });
      expect(proxy.stderr()).not.toContain('opening a new one');
    } finally {
      await proxy.close();
      await own.close();
    }
  });
});

describe('the 2025 revisions through baton mcp, beside them', () => {
  it('stream progress of a blocking call and cancel it at once', async () => {
    const project = randomId('p');
    const holder = await modernHttpClient(server.url, { headers: { 'x-baton-agent': 'holder', 'x-baton-project': project } });
    await call(holder, 'register_agent');
    await call(holder, 'acquire_lock', { name: 'busy' });
    // A wait that times out keeps its place for a while: the timed-out one and the cancelled one wait on different locks.
    await call(holder, 'acquire_lock', { name: 'slow' });
    const proxy = await stdioClient({ BATON_URL: server.url, BATON_PROJECT: project, CLAUDE_CODE_SESSION_ID: 'legacy-waiter' });
    try {
      expect(await call(proxy.client, 'register_agent')).toMatchObject({ agent_id: 'legacy-waiter' });
      const progress: number[] = [];
      const timedOut = await proxy.client.callTool({ name: 'acquire_lock', arguments: { name: 'slow', wait_seconds: 0.5 } }, undefined, { onprogress: (p) => progress.push(p.progress) });
      expect(timedOut.structuredContent).toMatchObject({ acquired: false, timed_out: true });
      expect(progress.length).toBeGreaterThanOrEqual(2);

      const queued = nextEvent(server, project, 'lease.queued');
      const abort = new AbortController();
      const waiting = proxy.client.callTool({ name: 'acquire_lock', arguments: { name: 'busy', wait_seconds: 30 } }, undefined, { signal: abort.signal });
      await queued;
      const ended = nextEvent(server, project, 'lease.wait_ended');
      const cancelledAt = Date.now();
      abort.abort();
      await expect(waiting).rejects.toThrow();
      await ended;
      expect(Date.now() - cancelledAt).toBeLessThan(2_000);
    } finally {
      await Promise.all([proxy.close(), holder.close()]);
    }
  });
});
