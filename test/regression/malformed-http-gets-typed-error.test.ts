/**
 * @module Issue 7, item 16: requests Node's HTTP parser refuses (duplicate or
 * conflicting Content-Length, Content-Length with Transfer-Encoding, bad header
 * bytes) are answered with Baton's typed error body, and the server keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { sendRaw } from './support/raw-http.js';

let server: TestApp;
beforeAll(async () => {
  server = await startApp();
});
afterAll(() => server.close());

const post = (headers: string, body = '{}'): string =>
  `POST /api/v1/agents HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\n${headers}\r\n${body}`;

describe('a request the HTTP parser refuses', () => {
  it.each([
    ['two equal Content-Length headers', 'Content-Length: 2\r\nContent-Length: 2\r\n'],
    ['two conflicting Content-Length headers', 'Content-Length: 2\r\nContent-Length: 3\r\n'],
    ['Content-Length with Transfer-Encoding', 'Content-Length: 2\r\nTransfer-Encoding: chunked\r\n'],
    ['a control byte in a header name', 'X-Bad\u0001: 1\r\nContent-Length: 2\r\n'],
    ['a header line without a colon', 'Not a header\r\nContent-Length: 2\r\n'],
  ])('with %s gets 400 and the typed JSON error body', async (_what, headers) => {
    const answer = await sendRaw(server.port, post(headers));
    expect(answer.status, answer.text).toBe(400);
    expect(answer.text.toLowerCase()).toContain('content-type: application/json');
    expect(answer.body).toMatchObject({ error: { code: 'INVALID_INPUT', message: expect.stringMatching(/malformed/i), hint: expect.any(String) } });
    expect(answer.closed).toBe(true);
  });

  it('leaves the server serving', async () => {
    await sendRaw(server.port, post('Content-Length: 2\r\nContent-Length: 3\r\n'));
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
  });
});
