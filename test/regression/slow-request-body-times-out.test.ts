/**
 * @module Issue 7, item 11: a request whose headers or body trickle in is cut at
 * the request timeout (30 s by default) with a typed 408, while long-poll waits
 * and event streams, which take long to answer but arrived whole, keep working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse } from '../support/sse.js';
import { createClient, randomId } from '../support/server.js';
import { startApp, type TestApp } from './support/app.js';
import { rawExchange } from './support/raw-http.js';

const TIMEOUT_MS = 1_500;
let server: TestApp;
beforeAll(async () => {
  server = await startApp({ requestTimeoutMs: TIMEOUT_MS });
});
afterAll(() => server.close());

/** Opens a POST announcing `length` bytes and sends them 10 bytes every 200 ms. */
function trickle(length: number, deadlineMs: number) {
  return rawExchange(
    server.port,
    (socket) => {
      socket.write(`POST /api/v1/agents HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`);
      const drip = setInterval(() => {
        if (socket.destroyed) clearInterval(drip);
        else socket.write(' '.repeat(10));
      }, 200);
      socket.on('close', () => {
        clearInterval(drip);
      });
    },
    deadlineMs,
  );
}

describe('the request timeout', () => {
  it('is 30 s by default, with headers due within it', async () => {
    const defaults = await startApp();
    expect(defaults.app.server.requestTimeout).toBe(30_000);
    expect(defaults.app.server.headersTimeout).toBeLessThanOrEqual(30_000);
    await defaults.close();
  });

  it('cuts every slow body with 408 and the typed error body', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => trickle(10_000, TIMEOUT_MS + 4_000)));
    for (const answer of answers) {
      expect(answer.closed).toBe(true);
      expect(answer.elapsedMs).toBeLessThan(TIMEOUT_MS + 3_000);
      expect(answer.status).toBe(408);
      expect(answer.body).toMatchObject({ error: { code: 'REQUEST_TIMEOUT', hint: expect.any(String) } });
    }
  });

  it('cuts headers that never end', async () => {
    const answer = await rawExchange(
      server.port,
      (socket) => {
        socket.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Slow: `);
        const drip = setInterval(() => {
          if (socket.destroyed) clearInterval(drip);
          else socket.write('a');
        }, 200);
        socket.on('close', () => {
          clearInterval(drip);
        });
      },
      TIMEOUT_MS + 4_000,
    );
    expect(answer.closed).toBe(true);
    expect(answer.elapsedMs).toBeLessThan(TIMEOUT_MS + 3_000);
  });

  it('lets a long-poll wait answer after longer than the timeout', async () => {
    const client = createClient(server.url, { project: randomId('poll') });
    await client.post('/agents', { agent_id: 'waiter' });
    const started = Date.now();
    const res = await client.get('/events/wait', { types: 'deps.map_set', wait_seconds: 3 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ timed_out: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
  });

  it('keeps an event stream open past the timeout and delivers later events', async () => {
    const project = randomId('sse');
    const client = createClient(server.url, { project });
    await client.post('/agents', { agent_id: 'streamer' });
    const stream = await openSse(`${server.url}/api/events`, { 'x-baton-project': project });
    expect((await stream.next())?.event).toBe('agent.registered');
    await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS + 1_500));
    await client.post('/events', { topic: 'later', agent_id: 'streamer' });
    expect((await stream.next())?.event).toBe('custom');
    stream.close();
  });
});
