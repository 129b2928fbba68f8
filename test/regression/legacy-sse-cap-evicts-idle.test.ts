/**
 * @module Issue 7, item 9 on the legacy HTTP+SSE transport (found by the audit):
 * /sse refused every newcomer once 1,000 streams were open and never expired an
 * idle one, so abandoned streams locked clients out for good. It now follows
 * the policy of /mcp (session-pool.ts): idle streams expire within minutes, and
 * at the cap the least recently used idle stream is closed and the newcomer
 * admitted.
 */
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { startApp, type TestApp } from './support/app.js';

const apps: TestApp[] = [];
async function app(legacySse: { maxSessions?: number; sessionIdleMs?: number } = {}): Promise<TestApp> {
  const started = await startApp({ legacySse });
  apps.push(started);
  return started;
}
const aborts: AbortController[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const abort of aborts.splice(0)) abort.abort();
});
afterAll(() => Promise.all(apps.map((a) => a.close())));

interface Stream {
  session: string;
  /** Resolves once the server ended the stream. */
  ended: Promise<void>;
}

/** Opens GET /sse and reads its first event, which names the endpoint (and so the session id). */
async function openStream(url: string): Promise<Stream> {
  const abort = new AbortController();
  aborts.push(abort);
  const res = await fetch(`${url}/sse`, { headers: { accept: 'text/event-stream' }, signal: abort.signal });
  if (res.status !== 200 || !res.body) throw new Error(`GET /sse answered ${res.status}: ${await res.text()}`);
  const reader = res.body.getReader();
  let text = '';
  while (!/sessionId=([\w-]+)/.test(text)) {
    const chunk = await reader.read();
    if (chunk.done) throw new Error(`the stream ended before naming its endpoint: ${text}`);
    text += new TextDecoder().decode(chunk.value as Uint8Array);
  }
  const session = /sessionId=([\w-]+)/.exec(text)?.[1] ?? '';
  const ended = (async () => {
    for (;;) if ((await reader.read().catch(() => ({ done: true }))).done) return;
  })();
  return { session, ended };
}

/** Whether the server still knows the session: a ping posted to it is accepted (202) or not found (404). */
async function alive(url: string, session: string): Promise<boolean> {
  const res = await fetch(`${url}/sse/messages?sessionId=${session}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: `alive-${Math.random()}`, method: 'ping' }),
  });
  if (res.status !== 202 && res.status !== 404) throw new Error(`the ping answered ${res.status}: ${await res.text()}`);
  return res.status === 202;
}

describe('legacy /sse at the stream cap', () => {
  it('closes the least recently used idle stream and admits the newcomer', async () => {
    const server = await app({ maxSessions: 3 });
    const [a, b, c] = [await openStream(server.url), await openStream(server.url), await openStream(server.url)];
    expect(await alive(server.url, a.session)).toBe(true);
    const d = await openStream(server.url);
    await b.ended;
    expect(await alive(server.url, b.session)).toBe(false);
    for (const s of [a, c, d]) expect(await alive(server.url, s.session)).toBe(true);
  });

  it('keeps admitting newcomers however many streams were opened and abandoned', async () => {
    const server = await app({ maxSessions: 2 });
    for (let i = 0; i < 6; i++) await openStream(server.url);
    const newcomer = await openStream(server.url);
    expect(await alive(server.url, newcomer.session)).toBe(true);
  });
});

describe('legacy /sse idle streams', () => {
  it('expire within minutes by default, not never', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    const server = await app();
    const stream = await openStream(server.url);
    vi.advanceTimersByTime(5 * 60_000);
    expect(await alive(server.url, stream.session)).toBe(true);
    vi.advanceTimersByTime(31 * 60_000);
    expect(await alive(server.url, stream.session)).toBe(false);
    await stream.ended;
  });
});
