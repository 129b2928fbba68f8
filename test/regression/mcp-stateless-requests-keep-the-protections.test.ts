/**
 * @module Issue 9: the issue-7 protections hold for 2026-07-28 requests, which
 * come without a session. Host/Origin and tokens are checked on each request;
 * malformed params answer a readable -32602; two clients using one request id at
 * once each get their own answer (there is no session for the ids to collide
 * in); the stdio proxy, where answers share stdout, refuses an id already in
 * flight; and listen streams are capped like sessions.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonEvent } from '../../src/core/events/event.js';
import { assertBuilt, childEnv, CLI, createClient, randomId, rawRequest } from '../support/server.js';
import { startApp, type TestApp } from './support/app.js';
import { MCP_HEADERS, REVISION_2026, rpc2026 } from './support/mcp-raw.js';

const TOKEN = 'tok-stateless-0123456789abcdef';
const ENVELOPE = { 'io.modelcontextprotocol/protocolVersion': REVISION_2026, 'io.modelcontextprotocol/clientCapabilities': {} };

let server: TestApp;
let secured: TestApp;
beforeAll(async () => {
  [server, secured] = await Promise.all([startApp({ mcp: { maxSessions: 2 } }), startApp({ tokens: [{ token: TOKEN, role: 'agent', projects: ['*'] }] })]);
});
afterAll(() => Promise.all([server.close(), secured.close()]));

function nextEvent(app: TestApp, project: string, type: string): Promise<BatonEvent> {
  return new Promise((resolve) => {
    const off = app.bus.subscribe(project, (e) => {
      if (e.type !== type) return;
      off();
      resolve(e);
    });
  });
}

interface RpcError {
  id: unknown;
  error: { code: number; message: string; data?: { code?: string } };
}

describe('a 2026-07-28 request', () => {
  it('is refused from a foreign Host or Origin, and without a known token', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/list', params: { _meta: ENVELOPE } });
    const headers = { ...MCP_HEADERS, 'mcp-protocol-version': REVISION_2026, 'mcp-method': 'tools/list' };
    const evilHost = await rawRequest(secured.url, { method: 'POST', path: '/mcp', headers: { ...headers, host: 'evil.example.com', authorization: `Bearer ${TOKEN}` }, body });
    expect(evilHost.status).toBe(403);
    const evilOrigin = await rawRequest(secured.url, { method: 'POST', path: '/mcp', headers: { ...headers, host: `localhost:${secured.port}`, origin: 'http://evil.example.com', authorization: `Bearer ${TOKEN}` }, body });
    expect(evilOrigin.status).toBe(403);
    const anonymous = await rpc2026(secured.url, 3, 'tools/list');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ id: 3, error: { data: { code: 'UNAUTHORIZED' } } });
    const stranger = await rpc2026(secured.url, 3, 'tools/list', {}, { authorization: 'Bearer not-a-token' });
    expect(stranger.status).toBe(401);
    const known = await rpc2026(secured.url, 3, 'tools/list', {}, { authorization: `Bearer ${TOKEN}` });
    expect(known).toMatchObject({ status: 200, session: null, body: { id: 3, result: { resultType: 'complete' } } });
  });

  it('with malformed params is answered -32602 in a sentence', async () => {
    for (const args of ['abc', [1, 2], null]) {
      const answer = await rpc2026(server.url, 'm', 'tools/call', { name: 'heartbeat', arguments: args });
      expect(answer.status).toBe(200);
      const { error } = answer.body as RpcError;
      expect(error.code).toBe(-32602);
      expect(error.message).toContain('arguments');
      expect(error.message).not.toMatch(/^\s*\[|"code":|invalid_type/);
    }
    const listen = await rpc2026(server.url, 'l', 'subscriptions/listen', { notifications: { resourceSubscriptions: 'baton://locks' } });
    expect(listen.body).toMatchObject({ id: 'l', error: { code: -32602 } });
  });

  it('keeps its answer when another client uses the same id at the same time', async () => {
    const project = randomId('ids');
    const rest = createClient(server.url, { project, agent: 'holder' });
    await rest.post('/agents', {});
    await rest.post('/agents', { agent_id: 'waiter' });
    await rest.post('/agents', { agent_id: 'other' });
    const { token } = (await rest.post('/locks/busy/acquire', {})).body as { token: number };

    const queued = nextEvent(server, project, 'lease.queued');
    const waiting = rpc2026(server.url, 1, 'tools/call', { name: 'acquire_lock', arguments: { name: 'busy', wait_seconds: 20 } }, { 'x-baton-agent': 'waiter', 'x-baton-project': project });
    await queued;
    const other = await rpc2026(server.url, 1, 'tools/call', { name: 'heartbeat', arguments: { activity: 'working' } }, { 'x-baton-agent': 'other', 'x-baton-project': project });
    expect(other.body).toMatchObject({ id: 1, result: { structuredContent: { agent_id: 'other' } } });
    await rest.post('/locks/busy/release', { token });
    const granted = await waiting;
    const answer = (granted.body as { id: unknown; result?: unknown }[]).find((m) => 'result' in m);
    expect(answer).toMatchObject({ id: 1, result: { structuredContent: { acquired: true, name: 'busy' } } });
  });
});

describe('listen streams', () => {
  it('are capped like sessions, and a closed one frees its place', async () => {
    const open = async (): Promise<{ status: number; close: () => void }> => {
      const abort = new AbortController();
      const res = await fetch(`${server.url}/mcp`, {
        method: 'POST',
        signal: abort.signal,
        headers: { ...MCP_HEADERS, 'mcp-protocol-version': REVISION_2026, 'mcp-method': 'subscriptions/listen' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 'l', method: 'subscriptions/listen', params: { _meta: ENVELOPE, notifications: { resourceSubscriptions: ['baton://locks'] } } }),
      });
      if (res.headers.get('content-type')?.startsWith('application/json')) await res.text();
      return {
        status: res.status,
        close: () => {
          abort.abort();
        },
      };
    };
    const [a, b] = [await open(), await open()];
    expect([a.status, b.status]).toEqual([200, 200]);
    const refused = await open();
    expect(refused.status).toBe(413);
    a.close();
    await new Promise((r) => setTimeout(r, 50));
    const admitted = await open();
    expect(admitted.status).toBe(200);
    b.close();
    admitted.close();
  });
});

describe('the stdio proxy with 2026-07-28 requests', () => {
  let proxy: ChildProcessWithoutNullStreams | undefined;
  afterAll(() => {
    proxy?.kill();
  });

  it('refuses a second request with an id already in flight, and still answers the first', async () => {
    assertBuilt();
    const project = randomId('dup2026');
    const rest = createClient(server.url, { project, agent: 'holder' });
    await rest.post('/agents', {});
    await rest.post('/agents', { agent_id: 'waiter' });
    const { token } = (await rest.post('/locks/busy/acquire', {})).body as { token: number };

    const child = spawn(process.execPath, [CLI, 'mcp'], { env: childEnv({ BATON_URL: server.url, BATON_PROJECT: project, BATON_AGENT: 'waiter' }) });
    proxy = child;
    const answers: RpcError[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => answers.push(JSON.parse(line) as RpcError));
    const send = (name: string, args: Record<string, unknown>): void => {
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name, arguments: args, _meta: ENVELOPE } })}\n`);
    };
    const queued = nextEvent(server, project, 'lease.queued');
    send('acquire_lock', { name: 'busy', wait_seconds: 20 });
    send('heartbeat', {});
    await queued;
    await expect.poll(() => answers.length).toBe(1);
    expect(answers[0]).toMatchObject({ id: 5, error: { code: -32600 } });
    expect(answers[0]?.error.message).toContain('already in flight');

    await rest.post('/locks/busy/release', { token });
    await expect.poll(() => answers.length).toBe(2);
    expect(answers[1]).toMatchObject({ id: 5, result: { structuredContent: { acquired: true, name: 'busy' } } });
    child.stdin.end();
  });
});
