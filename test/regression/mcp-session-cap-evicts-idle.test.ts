/**
 * @module Issue 7, item 9: MCP sessions cannot lock clients out. A failed
 * initialize keeps no session; idle sessions expire in minutes; at the cap the
 * least recently used idle session is evicted rather than the newcomer refused
 * (a session with a call in flight is never evicted); and the stdio proxy
 * reopens a session the server forgot.
 */
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { call, eventually, stdioClient } from '../support/mcp.js';
import { randomId } from '../support/server.js';
import { startApp, type TestApp } from './support/app.js';
import { INITIALIZE, openSession, rpc, sessionAlive } from './support/mcp-raw.js';

const apps: TestApp[] = [];
async function app(mcp: { maxSessions?: number; sessionIdleMs?: number } = {}): Promise<TestApp> {
  const started = await startApp({ mcp });
  apps.push(started);
  return started;
}
afterEach(() => {
  vi.useRealTimers();
});
afterAll(() => Promise.all(apps.map((a) => a.close())));

describe('a failed initialize', () => {
  it('keeps no session, so failures never fill the cap', async () => {
    const server = await app({ maxSessions: 3 });
    for (let i = 0; i < 10; i++) {
      const failed = await rpc(server.url, { ...INITIALIZE, params: { protocolVersion: 5 } });
      expect(failed.body).toMatchObject({ error: {} });
      if (failed.session) expect(await sessionAlive(server.url, failed.session)).toBe(false);
    }
    const fine = await Promise.all([openSession(server.url), openSession(server.url), openSession(server.url)]);
    for (const session of fine) expect(await sessionAlive(server.url, session)).toBe(true);
  });
});

describe('at the session cap', () => {
  it('evicts the least recently used idle session and admits the newcomer', async () => {
    const server = await app({ maxSessions: 3 });
    const [a, b, c] = [await openSession(server.url), await openSession(server.url), await openSession(server.url)];
    expect(await sessionAlive(server.url, a)).toBe(true);
    const d = await openSession(server.url);
    expect(await sessionAlive(server.url, b)).toBe(false);
    for (const session of [a, c, d]) expect(await sessionAlive(server.url, session)).toBe(true);
  });

  it('never evicts a session with a call in flight', async () => {
    const server = await app({ maxSessions: 2 });
    const busy = await openSession(server.url);
    const waiting = rpc(server.url, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_events', arguments: { types: ['deps.map_set'], wait_seconds: 1 } } }, busy);
    const idle = await openSession(server.url);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const newcomer = await openSession(server.url);
    expect(await sessionAlive(server.url, idle)).toBe(false);
    const answered = (await waiting).body as { result?: { structuredContent?: unknown } }[];
    expect(answered.at(-1)?.result?.structuredContent).toMatchObject({ timed_out: true });
    expect(await sessionAlive(server.url, busy)).toBe(true);
    expect(await sessionAlive(server.url, newcomer)).toBe(true);
  });
});

describe('idle sessions', () => {
  it('expire within minutes by default, not hours', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    const server = await app();
    const session = await openSession(server.url);
    vi.advanceTimersByTime(5 * 60_000);
    expect(await sessionAlive(server.url, session)).toBe(true);
    vi.advanceTimersByTime(31 * 60_000);
    expect(await sessionAlive(server.url, session)).toBe(false);
  });

  it('are reopened by the stdio proxy once the server forgot them', async () => {
    const server = await app({ maxSessions: 1 });
    const project = randomId('proxy');
    const proxy = await stdioClient({ BATON_URL: server.url, CLAUDE_CODE_SESSION_ID: 'proxied' });
    await call(proxy.client, 'register_agent', { project });
    // Another client takes the only slot: the proxy's session is evicted.
    await openSession(server.url);
    await eventually(async () => (await call(proxy.client, 'heartbeat', { project }))['status'] === 'active');
    expect(proxy.stderr()).toContain('forgot this session');
    await proxy.close();
  });
});
