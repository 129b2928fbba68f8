/**
 * @module Issue 7, item 10: a request whose JSON-RPC id is already in flight in the
 * same session is refused (-32600, "id already in flight"), so the first request
 * still gets its answer, and a lock granted to it is never dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/mcp.js';
import { createClient, randomId, type RestClient } from '../support/server.js';
import { startApp, type TestApp } from './support/app.js';
import { openSession, rpc } from './support/mcp-raw.js';

let server: TestApp;
beforeAll(async () => {
  server = await startApp();
});
afterAll(() => server.close());

interface RpcMessage {
  id?: unknown;
  result?: { structuredContent?: Record<string, unknown> };
  error?: { code: number; message: string };
}

const waiters = async (rest: RestClient, name: string): Promise<number> => (await rest.get<{ waiters: unknown[] }>(`/locks/${name}`)).body.waiters.length;

describe('two in-flight requests with one JSON-RPC id in one session', () => {
  it('refuses the second with -32600 and still answers the first with its grant', async () => {
    const project = randomId('dup');
    const holder = createClient(server.url, { project, agent: 'holder' });
    await holder.post('/agents', {});
    await holder.post('/agents', { agent_id: 'waiter' });
    expect((await holder.post('/locks/busy/acquire', {})).body).toMatchObject({ acquired: true });

    const headers = { 'x-baton-agent': 'waiter', 'x-baton-project': project };
    const session = await openSession(server.url, headers);
    const acquire = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'acquire_lock', arguments: { name: 'busy', wait_seconds: 20 } } };
    const first = rpc(server.url, acquire, session, headers);
    await eventually(async () => (await waiters(holder, 'busy')) === 1);

    const second = await rpc(server.url, { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'list_locks', arguments: {} } }, session, headers);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ jsonrpc: '2.0', id: 7, error: { code: -32600 } });
    expect((second.body as RpcMessage).error?.message).toMatch(/already in flight/);

    expect((await holder.post('/locks/busy/release', {})).status).toBe(200);
    const answered = (await first).body as RpcMessage[];
    const result = answered.find((m) => m.id === 7);
    expect(result?.result?.structuredContent).toMatchObject({ acquired: true });
    expect((await holder.get('/locks/busy')).body).toMatchObject({ held: true, locks: [{ holder: 'waiter' }] });
  });

  it('refuses a repeated id within one batch, answering the others', async () => {
    const session = await openSession(server.url);
    const ping = (id: number) => ({ jsonrpc: '2.0', id, method: 'ping' });
    const answer = await rpc(server.url, [ping(1), ping(1), ping(2)], session);
    const messages = answer.body as RpcMessage[];
    expect(messages.filter((m) => m.id === 1 && 'result' in m)).toHaveLength(1);
    expect(messages.filter((m) => m.id === 1 && m.error?.code === -32600)).toHaveLength(1);
    expect(messages.filter((m) => m.id === 2 && 'result' in m)).toHaveLength(1);
  });

  it('accepts the id again once its first request was answered', async () => {
    const session = await openSession(server.url);
    const list = { jsonrpc: '2.0', id: 'again', method: 'tools/call', params: { name: 'list_locks', arguments: {} } };
    expect((await rpc(server.url, list, session)).body).toMatchObject({ id: 'again', result: {} });
    expect((await rpc(server.url, list, session)).body).toMatchObject({ id: 'again', result: {} });
  });
});
