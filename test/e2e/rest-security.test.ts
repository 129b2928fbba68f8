/**
 * @module HTTP security of a real server process: foreign Origin and Host headers
 * (cross-origin and DNS-rebinding requests) are refused, and a server with tokens
 * refuses missing and unknown tokens, observers' mutations and out-of-scope projects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PREFIX } from '../../src/transports/rest/routes.js';
import { cleanupAll, createClient, randomId, rawRequest, registerAgent, startServer, type ApiBody, type ApiResponse, type RestClient, type ServerProcess } from '../support/server.js';
import { openSse } from '../support/sse.js';

afterAll(cleanupAll);

function expectTypedError(res: ApiResponse, status: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.error?.code).toBe(code);
  expect(res.body.error?.message).toEqual(expect.any(String));
  expect(res.body.error?.hint).toEqual(expect.any(String));
}

describe('browser protections on a loopback server', () => {
  let server: ServerProcess;
  let port: string;
  let project: string;

  beforeAll(async () => {
    server = await startServer();
    port = new URL(server.url).port;
    project = randomId('sec');
    await registerAgent(createClient(server.url, { project }));
  });

  const get = async (headers: Record<string, string>): Promise<ApiResponse> => {
    const raw = await rawRequest(server.url, { method: 'GET', path: `${API_PREFIX}/agents`, headers: { 'x-baton-project': project, ...headers } });
    return { status: raw.status, body: JSON.parse(raw.text) as ApiBody };
  };

  it('refuses a request whose Origin is another site with 403 FORBIDDEN', async () => {
    expectTypedError(await get({ origin: 'http://evil.example' }), 403, 'FORBIDDEN');
    expectTypedError(await get({ origin: `http://evil.example:${port}` }), 403, 'FORBIDDEN');
    expectTypedError(await get({ origin: 'null' }), 403, 'FORBIDDEN');
    const write = await rawRequest(server.url, {
      method: 'POST',
      path: `${API_PREFIX}/tasks`,
      headers: { origin: 'https://attacker.test', 'content-type': 'application/json', 'x-baton-project': project },
      body: JSON.stringify({ title: 'from a browser' }),
    });
    expect(write.status).toBe(403);
    expect((await createClient(server.url, { project }).get<{ tasks: unknown[] }>('/tasks')).body.tasks).toEqual([]);
  });

  it('accepts a request whose Origin is this server', async () => {
    expect((await get({ origin: `http://127.0.0.1:${port}` })).status).toBe(200);
    expect((await get({ origin: `http://localhost:${port}` })).status).toBe(200);
  });

  it('refuses a request whose Host is not this server (DNS rebinding) with 403 FORBIDDEN', async () => {
    expectTypedError(await get({ host: `evil.example:${port}` }), 403, 'FORBIDDEN');
    expectTypedError(await get({ host: `127.0.0.1.nip.io:${port}` }), 403, 'FORBIDDEN');
    expect((await get({ host: `localhost:${port}` })).status).toBe(200);
  });

  it('refuses a foreign Origin on the event stream too', async () => {
    const stream = await openSse(`${server.url}/api/events`, { 'x-baton-project': project, origin: 'http://evil.example' });
    stream.close();
    expect(stream.status).toBe(403);
    expect((stream.errorBody as ApiBody).error?.code).toBe('FORBIDDEN');
  });
});

describe('a server configured with tokens', () => {
  const alpha = randomId('alpha');
  const beta = randomId('beta');
  const tokens = {
    admin: `admin-${randomId('t')}-0123456789`,
    observer: `observer-${randomId('t')}-0123456789`,
    alphaAgent: `alpha-${randomId('t')}-0123456789`,
  };
  let server: ServerProcess;
  let as: (token?: string, project?: string) => RestClient;

  beforeAll(async () => {
    const config = [
      { token: tokens.admin, role: 'admin', projects: ['*'] },
      { token: tokens.observer, role: 'observer', projects: ['*'] },
      { token: tokens.alphaAgent, role: 'agent', projects: [alpha], agent: 'alpha-bot' },
    ];
    server = await startServer({ env: { BATON_TOKENS: JSON.stringify(config) } });
    as = (token, project = alpha) => createClient(server.url, { project, ...(token ? { token } : {}) });
    await registerAgent(as(tokens.admin, alpha));
    await registerAgent(as(tokens.admin, beta));
  });

  it('refuses a request without a token with 401 UNAUTHORIZED', async () => {
    expectTypedError(await as().get('/agents'), 401, 'UNAUTHORIZED');
    expectTypedError(await as().post('/tasks', { title: 'anonymous' }), 401, 'UNAUTHORIZED');
    const stream = await openSse(`${server.url}/api/events`, { 'x-baton-project': alpha });
    stream.close();
    expect(stream.status).toBe(401);
  });

  it('refuses an unknown token with 401 UNAUTHORIZED', async () => {
    expectTypedError(await as('not-a-token-of-this-server').get('/agents'), 401, 'UNAUTHORIZED');
    expectTypedError(await as(`${tokens.admin}x`).get('/agents'), 401, 'UNAUTHORIZED');
  });

  it('lets an observer read but refuses its mutations with 403 FORBIDDEN', async () => {
    const observer = as(tokens.observer);
    expect((await observer.get('/agents')).status).toBe(200);
    expectTypedError(await observer.post('/tasks', { title: 'observed' }), 403, 'FORBIDDEN');
    expectTypedError(await observer.post('/agents', {}), 403, 'FORBIDDEN');
    expectTypedError(await observer.put('/state/cfg/k', { value: 1 }), 403, 'FORBIDDEN');
    expect((await as(tokens.admin).get<{ tasks: unknown[] }>('/tasks')).body.tasks).toEqual([]);
  });

  it('refuses a token scoped to another project with 403 FORBIDDEN, by header or by argument', async () => {
    const agent = as(tokens.alphaAgent);
    const added = await agent.post<{ added: { id: string }[] }>('/tasks', { title: 'in scope' });
    expect(added.status).toBe(200);
    expectTypedError(await as(tokens.alphaAgent, beta).get('/agents'), 403, 'FORBIDDEN');
    expectTypedError(await as(tokens.alphaAgent, beta).post('/tasks', { title: 'out of scope' }), 403, 'FORBIDDEN');
    expectTypedError(await agent.post('/tasks', { title: 'out of scope', project: beta }), 403, 'FORBIDDEN');
    expect((await as(tokens.admin, beta).get<{ tasks: unknown[] }>('/tasks')).body.tasks).toEqual([]);
    expect((await as(tokens.admin, alpha).get<{ tasks: unknown[] }>('/tasks')).body.tasks).toHaveLength(1);
  });

  it('acts as the agent bound to the token', async () => {
    const registered = await as(tokens.alphaAgent).post<{ agent_id: string }>('/agents', { name: 'bot' });
    expect(registered.status).toBe(200);
    expect(registered.body.agent_id).toBe('alpha-bot');
    const lock = await as(tokens.alphaAgent).post<{ acquired: boolean }>('/locks/deploy/acquire', {});
    expect(lock.body.acquired).toBe(true);
    const held = await as(tokens.alphaAgent).get<{ locks: { holder: string }[] }>('/locks/deploy');
    expect(held.body.locks.map((l) => l.holder)).toEqual(['alpha-bot']);
  });
});
