/**
 * @module Issue 7, item 4: a token bound to an agent acts only as that agent, on
 * REST (path and body), MCP arguments and SSE; an admin token may act for others.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, callError, httpClient } from '../support/mcp.js';
import { createClient, randomId, type RestClient } from '../support/server.js';
import { openSse } from '../support/sse.js';
import { startApp, type TestApp } from './support/app.js';

const ALICE = 'tok-alice-0123456789abcdef';
const ADMIN = 'tok-admin-0123456789abcdef';
const project = randomId('bind');
let server: TestApp;
let alice: RestClient;
let bob: RestClient;
let admin: RestClient;

beforeAll(async () => {
  server = await startApp({
    tokens: [
      { token: ALICE, role: 'agent', projects: ['*'], agent: 'alice' },
      { token: ADMIN, role: 'admin', projects: ['*'] },
    ],
  });
  alice = createClient(server.url, { project, token: ALICE });
  admin = createClient(server.url, { project, token: ADMIN });
  bob = admin.with({ agent: 'bob' });
  expect((await alice.post('/agents', {})).status).toBe(200);
  expect((await bob.post('/agents', {})).status).toBe(200);
  expect((await bob.post('/locks/bob-lock/acquire', {})).body).toMatchObject({ acquired: true });
});
afterAll(() => server.close());

describe('a token bound to an agent', () => {
  it('refuses acting as another agent named in the body, with FORBIDDEN naming the bound agent', async () => {
    const res = await alice.post('/locks/stolen/acquire', { agent_id: 'bob' });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'FORBIDDEN', details: { bound_agent: 'alice', agent_id: 'bob' } });
    expect(res.body.error?.message).toContain("'alice'");
    expect((await admin.get('/locks/stolen')).body).toMatchObject({ held: false });
  });

  it("refuses signing off another agent through the path, and leaves that agent's locks held", async () => {
    const res = await alice.post('/agents/bob/sign-off', {});
    expect(res.status).toBe(403);
    expect(res.body.error?.code).toBe('FORBIDDEN');
    expect((await admin.get('/locks/bob-lock')).body).toMatchObject({ held: true, locks: [{ holder: 'bob' }] });
  });

  it('refuses another agent in MCP arguments as a FORBIDDEN tool error', async () => {
    const client = await httpClient(server.url, { headers: { authorization: `Bearer ${ALICE}`, 'x-baton-project': project } });
    const refused = await callError(client, 'release_lock', { name: 'bob-lock', agent_id: 'bob' });
    expect(refused.code).toBe('FORBIDDEN');
    expect(refused.text).toContain("'alice'");
    expect(await call(client, 'heartbeat', {})).toMatchObject({ status: 'active' });
    await client.close();
    expect((await admin.get('/locks/bob-lock')).body).toMatchObject({ held: true });
  });

  it('refuses an event stream opened for another agent', async () => {
    const stream = await openSse(`${server.url}/api/events?agent_id=bob`, { authorization: `Bearer ${ALICE}`, 'x-baton-project': project });
    stream.close();
    expect(stream.status).toBe(403);
    const own = await openSse(`${server.url}/api/events?agent_id=alice`, { authorization: `Bearer ${ALICE}`, 'x-baton-project': project });
    own.close();
    expect(own.status).toBe(200);
  });

  it('still acts as its own agent, explicitly or by default', async () => {
    expect((await alice.post('/locks/own/acquire', { agent_id: 'alice' })).body).toMatchObject({ acquired: true });
    expect((await admin.get('/locks/own')).body).toMatchObject({ locks: [{ holder: 'alice' }] });
    expect((await alice.post('/locks/own/release', {})).status).toBe(200);
  });
});

describe('an admin token', () => {
  it('may act for another agent', async () => {
    expect((await admin.post('/locks/for-bob/acquire', { agent_id: 'bob' })).body).toMatchObject({ acquired: true });
    expect((await admin.get('/locks/for-bob')).body).toMatchObject({ locks: [{ holder: 'bob' }] });
    expect((await admin.post('/agents/bob/heartbeat', {})).status).toBe(200);
  });
});
