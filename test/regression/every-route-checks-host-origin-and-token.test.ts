/**
 * @module Issue 7, item 17: /health, /metrics and the OpenAPI document refuse a
 * foreign Host or Origin like every other route; /metrics needs an observer or
 * admin token once tokens are configured; two Host headers are refused; and the
 * bearer scheme is case-insensitive.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, rawRequest } from '../support/server.js';
import { startApp, type TestApp } from './support/app.js';
import { sendRaw } from './support/raw-http.js';

const AGENT = 'tok-agent-0123456789abcdef';
const OBSERVER = 'tok-observer-0123456789abcdef';
const ADMIN = 'tok-admin-0123456789abcdef';
const ROUTES = ['/health', '/metrics', '/api/v1/openapi.json'];

let open: TestApp;
let secured: TestApp;

beforeAll(async () => {
  [open, secured] = await Promise.all([
    startApp(),
    startApp({
      tokens: [
        { token: AGENT, role: 'agent', projects: ['*'], agent: 'a' },
        { token: OBSERVER, role: 'observer', projects: ['*'] },
        { token: ADMIN, role: 'admin', projects: ['*'] },
      ],
    }),
  ]);
});
afterAll(() => Promise.all([open.close(), secured.close()]));

describe('the operational routes', () => {
  it.each(ROUTES)('%s refuses a foreign Host (DNS rebinding) and a foreign Origin with 403 FORBIDDEN', async (path) => {
    const evilHost = await rawRequest(open.url, { method: 'GET', path, headers: { host: `evil.example:${open.port}` } });
    expect(evilHost.status).toBe(403);
    expect(JSON.parse(evilHost.text)).toMatchObject({ error: { code: 'FORBIDDEN', hint: expect.any(String) } });
    const evilOrigin = await rawRequest(open.url, { method: 'GET', path, headers: { origin: 'http://evil.example' } });
    expect(evilOrigin.status).toBe(403);
    expect((await rawRequest(open.url, { method: 'GET', path, headers: { host: `localhost:${open.port}` } })).status).toBe(200);
  });

  it('/metrics needs an observer or admin token when tokens are configured', async () => {
    const metrics = (token?: string) => rawRequest(secured.url, { method: 'GET', path: '/metrics', headers: token ? { authorization: `Bearer ${token}` } : {} });
    const anonymous = await metrics();
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.text)).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    const agent = await metrics(AGENT);
    expect(agent.status).toBe(403);
    expect(JSON.parse(agent.text)).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect((await metrics(OBSERVER)).status).toBe(200);
    expect((await metrics(ADMIN)).text).toContain('baton_http_requests_total');
  });

  it('/health stays readable without a token from a loopback Host, for baton status', async () => {
    const health = await fetch(`${secured.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
  });
});

describe('the Host header', () => {
  it('is refused with 400 INVALID_INPUT when the request carries two', async () => {
    const answer = await sendRaw(open.port, `GET /api/v1/agents HTTP/1.1\r\nHost: 127.0.0.1:${open.port}\r\nHost: evil.example\r\nConnection: close\r\n\r\n`);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'INVALID_INPUT', details: { field: 'host' } } });
  });
});

describe('the bearer scheme', () => {
  it('is accepted in any letter case (RFC 7235)', async () => {
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      const res = await createClient(secured.url, { headers: { authorization: `${scheme} ${ADMIN}` } }).get('/agents');
      expect(res.status, scheme).toBe(200);
    }
    expect((await createClient(secured.url, { headers: { authorization: `Basic ${ADMIN}` } }).get('/agents')).status).toBe(401);
  });
});
