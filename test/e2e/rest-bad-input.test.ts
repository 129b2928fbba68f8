/**
 * @module The REST surface of a real server process under bad input: every refusal
 * is a typed error with the right status, the server keeps serving, and refused
 * calls leave no trace in the state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/hub/commands/index.js';
import { ALIAS_ROUTES, API_PREFIX, ROUTES } from '../../src/transports/rest/routes.js';
import { cleanupAll, createClient, randomId, rawRequest, registerAgent, startServer, type ApiBody, type ApiResponse, type RestClient, type ServerProcess } from '../support/server.js';

let server: ServerProcess;
let api: RestClient;

beforeAll(async () => {
  server = await startServer();
  api = createClient(server.url);
});
afterAll(cleanupAll);

function expectTypedError(res: ApiResponse, status: number, code: string, field?: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  const error = res.body.error;
  expect(error?.code).toBe(code);
  expect(error?.message).toEqual(expect.any(String));
  expect(error?.message.length).toBeGreaterThan(0);
  expect(error?.hint).toEqual(expect.any(String));
  expect(error?.hint.length).toBeGreaterThan(0);
  if (field !== undefined) expect(error?.details?.['field']).toBe(field);
}

/** The server still answers /health and a normal call after the refusals. */
async function expectStillServing(): Promise<void> {
  expect((await api.get('/health')).status).toBe(200);
  const fresh = api.with({ project: randomId('alive') });
  await registerAgent(fresh);
  const listed = await fresh.get<{ agents: unknown[] }>('/agents');
  expect(listed.status).toBe(200);
  expect(listed.body.agents).toHaveLength(1);
}

/** A project that exists (it has an agent), with a client acting as that agent. */
async function freshProject(): Promise<{ project: string; client: RestClient; agent: string }> {
  const project = randomId('proj');
  const client = api.with({ project });
  const agent = await registerAgent(client);
  return { project, client: client.with({ agent }), agent };
}

const post = (path: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  rawRequest(server.url, { method: 'POST', path, headers, body });

const asResponse = (raw: { status: number; text: string }): ApiResponse => ({ status: raw.status, body: JSON.parse(raw.text) as ApiBody });

describe('REST bad input', () => {
  it('refuses wrong types with INVALID_INPUT naming the field', async () => {
    const { client } = await freshProject();
    expectTypedError(await client.post('/tasks', { title: 42 }), 400, 'INVALID_INPUT', 'title');
    expectTypedError(await client.post('/locks/build/acquire', { wait_seconds: 'soon' }), 400, 'INVALID_INPUT', 'wait_seconds');
    expectTypedError(await client.put('/state/cfg/k', { value: 1, if_version: '1' }), 400, 'INVALID_INPUT', 'if_version');
    expectTypedError(await client.post('/agents', { modules: 'auth' }), 400, 'INVALID_INPUT', 'modules');
    expectTypedError(await client.post('/tasks/claim', { ttl_seconds: -1 }), 400, 'INVALID_INPUT', 'ttl_seconds');
    expect((await client.get<{ tasks: unknown[] }>('/tasks')).body.tasks).toEqual([]);
    expect((await client.get<{ locks: unknown[] }>('/locks')).body.locks).toEqual([]);
    await expectStillServing();
  });

  it('refuses missing required fields', async () => {
    const { client } = await freshProject();
    expectTypedError(await client.put('/state/cfg/k', {}), 400, 'INVALID_INPUT', 'value');
    expectTypedError(await client.post('/events', {}), 400, 'INVALID_INPUT', 'topic');
    expectTypedError(await client.post('/tasks', { description: 'no title' }), 400, 'INVALID_INPUT', 'title');
    expectTypedError(await client.get('/agents', { timeout_seconds: 3 }), 400, 'INVALID_INPUT', 'timeout_seconds');
    expectTypedError(await client.get('/state/cfg/k'), 404, 'NOT_FOUND');
    await expectStillServing();
  });

  it('refuses a 200 KB state value and a body over 1 MiB with LIMIT_EXCEEDED, storing nothing', async () => {
    const { client, project } = await freshProject();
    const big = await client.put('/state/cfg/big', { value: 'x'.repeat(200 * 1024) });
    expectTypedError(big, 413, 'LIMIT_EXCEEDED', 'value');
    expect(big.body.error?.details?.['limit']).toEqual(expect.any(Number));
    const huge = asResponse(
      await rawRequest(server.url, {
        method: 'PUT',
        path: `${API_PREFIX}/state/cfg/huge`,
        headers: { 'content-type': 'application/json', 'x-baton-project': project },
        body: JSON.stringify({ value: 'y'.repeat(1024 * 1024 + 10) }),
      }),
    );
    expectTypedError(huge, 413, 'LIMIT_EXCEEDED');
    expectTypedError(await client.get('/state/cfg/big'), 404, 'NOT_FOUND');
    expectTypedError(await client.get('/state/cfg/huge'), 404, 'NOT_FOUND');
    const small = await client.put('/state/cfg/small', { value: { ok: true } });
    expect(small.status).toBe(200);
    await expectStillServing();
  });

  it('answers NOT_FOUND for a read naming an unknown project, without creating it; the header’s project reads as empty', async () => {
    const project = randomId('ghost');
    for (const path of ['/tasks', '/locks', '/agents', '/events', '/state']) {
      expectTypedError(await api.get(path, { project }), 404, 'NOT_FOUND');
    }
    expectTypedError(await api.get('/tasks', { project }), 404, 'NOT_FOUND');
    const ghost = api.with({ project });
    expect(await ghost.get('/agents')).toMatchObject({ status: 200, body: { agents: [], total: 0 } });
    expectTypedError(await api.get('/tasks', { project }), 404, 'NOT_FOUND');
    await expectStillServing();
  });

  it('refuses malformed JSON, a JSON array and a JSON string body with INVALID_INPUT', async () => {
    const { project } = await freshProject();
    const headers = { 'content-type': 'application/json', 'x-baton-project': project };
    expectTypedError(asResponse(await post(`${API_PREFIX}/tasks`, '{"title": "half', headers)), 400, 'INVALID_INPUT', 'body');
    expectTypedError(asResponse(await post(`${API_PREFIX}/tasks`, '{title: 1}', headers)), 400, 'INVALID_INPUT', 'body');
    expectTypedError(asResponse(await post(`${API_PREFIX}/tasks`, '[{"title":"a"}]', headers)), 400, 'INVALID_INPUT', 'body');
    expectTypedError(asResponse(await post(`${API_PREFIX}/tasks`, '"a title"', headers)), 400, 'INVALID_INPUT', 'body');
    expect((await api.with({ project }).get<{ tasks: unknown[] }>('/tasks')).body.tasks).toEqual([]);
    await expectStillServing();
  });

  it('refuses a task cycle with TASK_CYCLE and leaves the graph unchanged', async () => {
    const { client } = await freshProject();
    expect((await client.post('/tasks', { tasks: [{ id: 'a', title: 'A' }, { id: 'b', title: 'B', dependencies: ['a'] }] })).status).toBe(200);
    const before = await client.get<{ tasks: unknown[] }>('/tasks');
    const eventsBefore = await client.get<{ last_id: number }>('/events');

    const cycle = await client.post('/tasks', {
      tasks: [
        { id: 'e', title: 'E', dependencies: ['a'] },
        { id: 'c', title: 'C', dependencies: ['d'] },
        { id: 'd', title: 'D', dependencies: ['c'] },
      ],
    });
    expectTypedError(cycle, 400, 'TASK_CYCLE');
    expect(cycle.body.error?.details?.['cycle']).toEqual(expect.arrayContaining(['c', 'd']));
    expectTypedError(await client.post('/tasks', { id: 's', title: 'S', dependencies: ['s'] }), 400, 'TASK_CYCLE');

    expect((await client.get('/tasks')).body).toEqual(before.body);
    expect((await client.get<{ last_id: number }>('/events')).body.last_id).toBe(eventsBefore.body.last_id);
    expectTypedError(await client.get('/tasks/e'), 404, 'NOT_FOUND');
    await expectStillServing();
  });

  it('answers an unknown route or method with a typed 404', async () => {
    for (const [method, path] of [['GET', '/api/v1/nothing-here'], ['GET', '/nope'], ['DELETE', '/api/v1/tasks'], ['PATCH', '/api/v1/agents']] as const) {
      const res = asResponse(await rawRequest(server.url, { method, path }));
      expectTypedError(res, 404, 'NOT_FOUND');
      expect(res.body.error?.message).toContain('openapi.json');
    }
    await expectStillServing();
  });

  it('answers AGENT_REQUIRED to a call that needs an agent without one', async () => {
    const { client } = await freshProject();
    const anonymous = client.with({ agent: '' });
    expectTypedError(await anonymous.post('/locks/build/acquire', {}), 400, 'AGENT_REQUIRED');
    expectTypedError(await anonymous.post('/tasks/claim', {}), 400, 'AGENT_REQUIRED');
    expectTypedError(await client.with({ agent: 'never-registered' }).post('/locks/build/acquire', {}), 400, 'AGENT_REQUIRED');
    expect((await client.get<{ locks: unknown[] }>('/locks')).body.locks).toEqual([]);
    await expectStillServing();
  });

  it('refuses invalid lock names with INVALID_INPUT', async () => {
    const { client } = await freshProject();
    for (const name of ['a::b', '.lead', 'trail.', 'has space', 'semi;colon', 'ünïcode', 'a:b:']) {
      expectTypedError(await client.post(`/locks/${encodeURIComponent(name)}/acquire`, {}), 400, 'INVALID_INPUT', 'name');
      expectTypedError(await client.get(`/locks/${encodeURIComponent(name)}`), 400, 'INVALID_INPUT', 'name');
    }
    expect((await client.get<{ locks: unknown[] }>('/locks')).body.locks).toEqual([]);
    await expectStillServing();
  });

  it('accepts a valid 150-character lock name and refuses a 201-character one with a typed error', async () => {
    const { client } = await freshProject();
    expect((await client.post(`/locks/${'l'.repeat(150)}/acquire`, {})).status).toBe(200);
    expectTypedError(await client.post(`/locks/${'x'.repeat(201)}/acquire`, {}), 400, 'INVALID_INPUT', 'name');
  });

  it('answers a badly percent-encoded path parameter with the typed error body', async () => {
    const res = asResponse(await rawRequest(server.url, { method: 'GET', path: `${API_PREFIX}/tasks/%E0%A4%A` }));
    expectTypedError(res, 400, 'INVALID_INPUT');
  });

  const deeplyNested = (depth: number): string => `{"value":${'['.repeat(depth)}${']'.repeat(depth)}}`;

  it('survives a deeply nested JSON value (10,000 levels) and keeps serving', async () => {
    const { project } = await freshProject();
    const res = await rawRequest(server.url, {
      method: 'PUT',
      path: `${API_PREFIX}/state/cfg/deep`,
      headers: { 'content-type': 'application/json', 'x-baton-project': project },
      body: deeplyNested(10_000),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    await expectStillServing();
  });

  it('refuses a deeply nested JSON value with a typed client error', async () => {
    const { project } = await freshProject();
    const raw = await rawRequest(server.url, {
      method: 'PUT',
      path: `${API_PREFIX}/state/cfg/deep`,
      headers: { 'content-type': 'application/json', 'x-baton-project': project },
      body: deeplyNested(10_000),
    });
    const res = asResponse(raw);
    expect(res.status).toBeLessThan(500);
    expect(res.body.error?.code).toMatch(/^(INVALID_INPUT|LIMIT_EXCEEDED)$/);
  });

  it('refuses negative, fractional and non-numeric query numbers', async () => {
    const { client } = await freshProject();
    const cases: [string, Record<string, string>, string][] = [
      ['/tasks', { limit: '-3' }, 'limit'],
      ['/tasks', { limit: '0' }, 'limit'],
      ['/tasks/available', { limit: 'NaN' }, 'limit'],
      ['/events', { after: 'NaN' }, 'after'],
      ['/events', { after: '-1' }, 'after'],
      ['/events', { limit: '1.5' }, 'limit'],
      ['/events', { limit: 'Infinity' }, 'limit'],
      ['/state/cfg', { limit: 'abc' }, 'limit'],
    ];
    for (const [path, query, field] of cases) expectTypedError(await client.get(path, query), 400, 'INVALID_INPUT', field);
    expect((await client.get('/events', { after: '0', limit: '5' })).status).toBe(200);
    await expectStillServing();
  });
});

describe('OpenAPI document', () => {
  it('lists one operation for every hub command at its route, and one per alias route, with the command output as its response', async () => {
    const doc = await api.get<{ openapi: string; paths: Record<string, Record<string, { operationId: string; responses: Record<string, { content?: Record<string, { schema: { type?: string } }> }> }>> }>('/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    const names = COMMANDS.map((c) => c.name).sort();
    expect(Object.keys(ROUTES).sort()).toEqual(names);
    for (const alias of ALIAS_ROUTES) expect(names, alias.name).toContain(alias.command);
    const operations = Object.values(doc.body.paths).flatMap((methods) => Object.values(methods).map((op) => op.operationId));
    expect(operations.sort()).toEqual([...names, ...ALIAS_ROUTES.map((a) => a.name)].sort());
    for (const name of names) {
      const route = ROUTES[name]!;
      const operation = doc.body.paths[`${API_PREFIX}${route.path}`]?.[route.method.toLowerCase()];
      expect(operation?.operationId, name).toBe(name);
      expect(operation?.responses['200']?.content?.['application/json']?.schema.type, name).toBe('object');
    }
  });
});
