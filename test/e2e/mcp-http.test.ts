/**
 * @module The MCP surface at /mcp with the real SDK client: the tool catalog and
 * toolsets, identity resolution (argument, token, header, session), bounded waits
 * with progress and cancellation, resources with subscriptions, logging, prompts,
 * and the HTTP rules (DNS-rebinding refusal, sessions).
 */
import { OPT_IN_TOOLSETS } from '../../src/hub/command.js';
import {
  LoggingMessageNotificationSchema,
  McpError,
  ResourceUpdatedNotificationSchema,
  type LoggingMessageNotification,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/main.js';
import { cleanupAll, randomId, rawRequest } from '../support/server.js';
import { call, callError, eventually, httpClient, startInProcess } from '../support/mcp.js';

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

/** Opens a session with raw HTTP and returns its id. */
async function rawSession(endpoint: string, headers: Record<string, string> = {}): Promise<string> {
  const init = await fetch(endpoint, {
    method: 'POST',
    headers: { ...JSON_HEADERS, ...headers },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
  });
  await init.text();
  return init.headers.get('mcp-session-id') ?? '';
}

let server: RunningServer;
let secured: RunningServer;
const TOKEN = 'tok-agent-0123456789abcdef';
const OTHER_TOKEN = 'tok-other-0123456789abcdef';

beforeAll(async () => {
  [server, secured] = await Promise.all([
    startInProcess({ progressIntervalMs: 100 }),
    startInProcess({}, {
      tokens: [
        { token: TOKEN, role: 'agent', projects: ['*'], agent: 'token-agent' },
        { token: OTHER_TOKEN, role: 'agent', projects: ['*'] },
      ],
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([server.close(), secured.close()]);
  await cleanupAll();
});

describe('MCP tool catalog', () => {
  it('lists the default toolsets as lean tools with short descriptions, honest annotations and output schemas', async () => {
    const client = await httpClient(server.url);
    const { tools } = await client.listTools();
    const defaults = ['presence', 'status', 'locks', 'files', 'tasks'];
    expect(tools.map((t) => t.name)).toEqual(server.hub.commands.filter((c) => defaults.includes(c.toolset)).map((c) => c.name));
    for (const tool of tools) {
      expect(tool.description?.length).toBeLessThan(200);
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
    }
    const acquire = tools.find((t) => t.name === 'acquire_lock');
    expect(acquire?.inputSchema.properties?.['name']).toMatchObject({ type: 'string' });
    expect(acquire?.inputSchema.properties).not.toHaveProperty('agent_id');
    expect(acquire?.annotations).toMatchObject({ readOnlyHint: false });
    expect(tools.find((t) => t.name === 'list_locks')?.annotations).toMatchObject({ readOnlyHint: true });
    expect(client.getInstructions()).toContain('start_session');
    await client.close();
  });

  it('lists the toolsets a connection asks for, always with presence and status, and calls the rest it may not list', async () => {
    const client = await httpClient(server.url, { query: { toolsets: 'locks,tasks' } });
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain('register_agent');
    expect(names).toContain('start_session');
    expect(names).toContain('coordinator_status');
    expect(names).toContain('acquire_lock');
    expect(names).toContain('claim_task');
    expect(names).not.toContain('reserve_files');
    // Every listed-toolset connection can act: registering works, and so does an unlisted tool the server offers.
    expect(await call(client, 'register_agent', { agent_id: 'toolsets-agent' })).toMatchObject({ agent_id: 'toolsets-agent' });
    expect(await call(client, 'reserve_files', { paths: ['x.ts'] })).toMatchObject({ reserved: true });
    expect(client.getInstructions()).not.toContain('reserve_files');
    await client.close();
    await expect(httpClient(server.url, { query: { toolsets: 'locks,nope' } })).rejects.toThrow(/nope/);
    const everything = await httpClient(server.url, { query: { toolsets: 'all' } });
    // Everything the server offers: every command but those of the opt-in toolsets (operator), which a configuration must name.
    expect((await everything.listTools()).tools).toHaveLength(server.hub.commands.filter((c) => !OPT_IN_TOOLSETS.includes(c.toolset)).length);
    await everything.close();
  });

  it('offers only the toolsets the server configuration enables', async () => {
    const narrow = await startInProcess({}, { toolsets: ['presence', 'status'] });
    try {
      const client = await httpClient(narrow.url);
      const tools = (await client.listTools()).tools.map((t) => t.name);
      expect(tools).toContain('coordinator_status');
      expect(tools).not.toContain('acquire_lock');
      const refused = await client.callTool({ name: 'acquire_lock', arguments: { name: 'x' } }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(McpError);
      expect(String(refused)).toContain("toolset 'locks'");
      await client.close();
      await expect(httpClient(narrow.url, { query: { toolsets: 'locks' } })).rejects.toThrow(/offers presence, status/);
    } finally {
      await narrow.close();
    }
  });

  it('answers a call the same with a progress token (through the SDK dispatch, as an event stream) as without', async () => {
    const client = await httpClient(server.url, { headers: { 'x-baton-agent': 'same-answer' } });
    await call(client, 'register_agent');
    const plain = await client.callTool({ name: 'list_locks', arguments: { name: 'same' } });
    const streamed = await client.callTool({ name: 'list_locks', arguments: { name: 'same' } }, undefined, { onprogress: () => undefined });
    expect(streamed).toEqual(plain);
    const unknownPlain = await client.callTool({ name: 'nope', arguments: {} }).catch((e: unknown) => String(e));
    const unknownStreamed = await client.callTool({ name: 'nope', arguments: {} }, undefined, { onprogress: () => undefined }).catch((e: unknown) => String(e));
    expect(unknownStreamed).toEqual(unknownPlain);
    await client.close();
  });
});

describe('MCP identity', () => {
  it('asks an agent with no identity to register, then remembers the agent the session registered as', async () => {
    const client = await httpClient(server.url, { query: { project: randomId('p') } });
    const missing = await callError(client, 'acquire_lock', { name: 'x' });
    expect(missing.code).toBe('AGENT_REQUIRED');
    expect(missing.text).toContain('start_session');
    const { agent_id: agentId } = await call(client, 'register_agent', { name: 'worker' });
    expect(await call(client, 'acquire_lock', { name: 'x' })).toMatchObject({ acquired: true });
    expect(await call(client, 'list_locks', { name: 'x' })).toMatchObject({ locks: [{ holder: agentId }] });
    // An explicit argument wins over the session.
    expect(await callError(client, 'heartbeat', { agent_id: 'someone-else' })).toMatchObject({ code: 'AGENT_REQUIRED' });
    await client.close();
  });

  it('takes the agent from X-Baton-Agent, and the bearer token over the header', async () => {
    const project = randomId('p');
    const byHeader = await httpClient(server.url, { headers: { 'x-baton-agent': 'header-agent', 'x-baton-project': project } });
    expect(await call(byHeader, 'register_agent')).toMatchObject({ agent_id: 'header-agent', project });
    expect(await call(byHeader, 'heartbeat')).toMatchObject({ status: 'active' });
    expect(await call(byHeader, 'list_agents')).toMatchObject({ agents: [{ id: 'header-agent' }] });
    await byHeader.close();

    const byToken = await httpClient(secured.url, { headers: { authorization: `Bearer ${TOKEN}`, 'x-baton-agent': 'header-agent' } });
    expect(await call(byToken, 'register_agent')).toMatchObject({ agent_id: 'token-agent' });
    await byToken.close();
    await expect(httpClient(secured.url)).rejects.toThrow(/401|bearer token/i);

    // A session belongs to the token that opened it.
    const session = await rawSession(`${secured.url}/mcp`, { authorization: `Bearer ${TOKEN}` });
    const ping = JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'ping' });
    const stolen = await fetch(`${secured.url}/mcp`, { method: 'POST', headers: { ...JSON_HEADERS, 'mcp-session-id': session, authorization: `Bearer ${OTHER_TOKEN}` }, body: ping });
    expect(stolen.status).toBe(403);
  });
});

describe('MCP bad input', () => {
  it('answers wrong types, oversize values and unknown tools clearly, and keeps serving', async () => {
    const client = await httpClient(server.url, { headers: { 'x-baton-agent': 'bad-input' } });
    await call(client, 'register_agent');
    const wrongType = await callError(client, 'acquire_lock', { name: 42 });
    expect(wrongType).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'name' } });
    expect(wrongType.hint).toContain('Fix the named field');
    expect((await callError(client, 'claim_task', { ttl_seconds: 'soon' })).code).toBe('INVALID_INPUT');
    expect((await callError(client, 'acquire_lock', { name: 'x'.repeat(201) })).code).toBe('INVALID_INPUT');
    const big = await callError(client, 'store_data', { scope: 's', key: 'k', value: 'x'.repeat(70_000) });
    expect(big).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { limit: 65_536 } });
    const unknown = await client.callTool({ name: 'no_such_tool', arguments: {} }).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: -32602 });
    expect(String(unknown)).toContain('no_such_tool');
    expect(await call(client, 'heartbeat')).toMatchObject({ status: 'active' });
    const unknownArgument = await callError(client, 'acquire_lock', { name: 'x', timeout_seconds: 5 });
    expect(unknownArgument).toMatchObject({ code: 'INVALID_INPUT', details: { did_you_mean: 'wait_seconds' } });
    await client.close();
  });

  it('refuses a body over the limit and malformed JSON as JSON-RPC errors with the typed code', async () => {
    const session = await rawSession(`${server.url}/mcp`);
    const headers = { ...JSON_HEADERS, 'mcp-session-id': session };
    const huge = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'store_data', arguments: { scope: 's', key: 'k', value: 'x'.repeat(2 * 1024 * 1024) } } });
    const tooBig = await fetch(`${server.url}/mcp`, { method: 'POST', headers, body: huge });
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toMatchObject({ jsonrpc: '2.0', error: { data: { code: 'LIMIT_EXCEEDED' } } });
    const garbled = await fetch(`${server.url}/mcp`, { method: 'POST', headers, body: '{"jsonrpc": "2.0", "id": 1,' });
    expect(garbled.status).toBe(400);
    expect(await garbled.json()).toMatchObject({ error: { code: -32700 } });
    const notRpc = await fetch(`${server.url}/mcp`, { method: 'POST', headers, body: JSON.stringify({ hello: 'world' }) });
    expect(await notRpc.json()).toMatchObject({ error: { code: -32600 } });
    const pong = await fetch(`${server.url}/mcp`, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }) });
    expect(await pong.json()).toEqual({ jsonrpc: '2.0', id: 2, result: {} });
  });
});

describe('MCP waits', () => {
  it('ends a bounded wait with timed_out, sending progress while it waits when asked', async () => {
    const client = await httpClient(server.url);
    const progress: number[] = [];
    const result = await client.callTool({ name: 'get_events', arguments: { types: ['deps.map_set'], wait_seconds: 0.5 } }, undefined, { onprogress: (p) => progress.push(p.progress) });
    expect(result.structuredContent).toMatchObject({ events: [], timed_out: true });
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    await client.close();
  });

  it('stops a wait at once when the call is cancelled, leaving no waiter behind', async () => {
    const project = randomId('p');
    const [holder, waiter] = await Promise.all([httpClient(server.url, { query: { project } }), httpClient(server.url, { query: { project } })]);
    await call(holder, 'register_agent');
    await call(waiter, 'register_agent');
    await call(holder, 'acquire_lock', { name: 'busy' });
    const abort = new AbortController();
    const started = Date.now();
    const waiting = waiter.callTool({ name: 'acquire_lock', arguments: { name: 'busy', wait_seconds: 30 } }, undefined, { signal: abort.signal });
    await eventually(async () => ((await call(holder, 'list_locks', { name: 'busy' }))['waiters'] as unknown[]).length === 1);
    abort.abort();
    await expect(waiting).rejects.toThrow();
    await eventually(async () => ((await call(holder, 'list_locks', { name: 'busy' }))['waiters'] as unknown[]).length === 0, 2_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await call(waiter, 'list_locks', { name: 'busy' })).toMatchObject({ held: true });
    await Promise.all([holder.close(), waiter.close()]);
  });

  it('cancels a wait whose HTTP request closes', async () => {
    const project = randomId('p');
    const holder = await httpClient(server.url, { query: { project }, headers: { 'x-baton-agent': 'h' } });
    await call(holder, 'register_agent');
    await call(holder, 'register_agent', { agent_id: 'w' });
    await call(holder, 'acquire_lock', { name: 'busy' });
    const session = await rawSession(`${server.url}/mcp?project=${project}`);
    const abort = new AbortController();
    const request = fetch(`${server.url}/mcp`, {
      method: 'POST',
      signal: abort.signal,
      headers: { ...JSON_HEADERS, 'mcp-session-id': session, 'x-baton-agent': 'w' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'acquire_lock', arguments: { name: 'busy', wait_seconds: 30 } } }),
    }).catch(() => undefined);
    await eventually(async () => ((await call(holder, 'list_locks', { name: 'busy' }))['waiters'] as unknown[]).length === 1);
    abort.abort();
    await request;
    await eventually(async () => ((await call(holder, 'list_locks', { name: 'busy' }))['waiters'] as unknown[]).length === 0, 2_000);
    await holder.close();
  });
});

describe('MCP resources, logging and prompts', () => {
  it('lists and reads the resources, and notifies a subscriber when one changes', async () => {
    const project = randomId('p');
    const [watcher, actor] = await Promise.all([httpClient(server.url, { query: { project } }), httpClient(server.url, { query: { project } })]);
    const { resources } = await watcher.listResources();
    expect(resources.map((r) => r.uri)).toEqual(['baton://status', 'baton://agents', 'baton://locks', 'baton://tasks']);
    const updated: string[] = [];
    watcher.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updated.push(n.params.uri);
    });
    await watcher.subscribeResource({ uri: 'baton://locks' });
    await call(actor, 'register_agent', { agent_id: 'actor' });
    await call(actor, 'acquire_lock', { name: 'watched' });
    await eventually(() => Promise.resolve(updated.includes('baton://locks')));
    expect(updated).not.toContain('baton://agents');
    const read = await watcher.readResource({ uri: 'baton://locks' });
    const content = read.contents[0];
    expect(content?.mimeType).toBe('application/json');
    expect(JSON.parse(content && 'text' in content ? content.text : '{}')).toMatchObject({ locks: [{ name: 'watched', holder: 'actor' }] });

    // The connection's own project reads as empty before its first write.
    const empty = randomId('empty');
    const nowhere = await httpClient(server.url, { query: { project: empty } });
    const status = await nowhere.readResource({ uri: 'baton://status' });
    expect(JSON.parse(status.contents[0] && 'text' in status.contents[0] ? status.contents[0].text : '{}')).toMatchObject({ project: empty, tasks: {} });
    await nowhere.close();

    await watcher.unsubscribeResource({ uri: 'baton://locks' });
    const before = updated.length;
    await call(actor, 'release_lock', { name: 'watched' });
    await new Promise((r) => setTimeout(r, 150));
    expect(updated.length).toBe(before);
    await Promise.all([watcher.close(), actor.close()]);
  });

  it('sends domain events as log messages at or above the level the client set', async () => {
    const project = randomId('p');
    const client = await httpClient(server.url, { query: { project } });
    const messages: LoggingMessageNotification['params'][] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      messages.push(n.params);
    });
    await client.setLoggingLevel('info');
    await call(client, 'register_agent', { agent_id: 'logger' });
    await call(client, 'acquire_lock', { name: 'l', ttl_seconds: 60 });
    await call(client, 'acquire_lock', { name: 'l' });
    await eventually(() => Promise.resolve(messages.some((m) => (m.data as { type?: string }).type === 'lease.acquired')));
    expect(messages.every((m) => m.level !== 'debug' && m.logger === 'baton')).toBe(true);
    await client.close();
  });

  it('offers the startup and sign-off prompts, naming the tools to call', async () => {
    const client = await httpClient(server.url);
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual(['startup', 'sign-off']);
    const startup = await client.getPrompt({ name: 'startup', arguments: { name: 'Ada' } });
    const text = startup.messages.map((m) => (m.content.type === 'text' ? m.content.text : '')).join('\n');
    expect(text).toContain('start_session with name "Ada"');
    const signOff = await client.getPrompt({ name: 'sign-off' });
    expect(JSON.stringify(signOff.messages)).toContain('end_session');
    await client.close();
  });
});

describe('MCP over HTTP', () => {
  it('refuses a foreign Host or Origin (DNS rebinding) and accepts loopback ones', async () => {
    const port = new URL(server.url).port;
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'r', version: '1' } } });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const evilHost = await rawRequest(server.url, { method: 'POST', path: '/mcp', headers: { ...headers, host: 'evil.example.com' }, body });
    expect(evilHost.status).toBe(403);
    expect(JSON.parse(evilHost.text)).toMatchObject({ jsonrpc: '2.0', error: { data: { code: 'FORBIDDEN' } } });
    const evilOrigin = await rawRequest(server.url, { method: 'POST', path: '/mcp', headers: { ...headers, host: `localhost:${port}`, origin: 'http://evil.example.com' }, body });
    expect(evilOrigin.status).toBe(403);
    const fine = await rawRequest(server.url, { method: 'POST', path: '/mcp', headers: { ...headers, host: `localhost:${port}`, origin: `http://localhost:${port}` }, body });
    expect(fine.status).toBe(200);
  });

  it('ends a session on DELETE and refuses calls without a known session', async () => {
    const session = await rawSession(`${server.url}/mcp`);
    const ping = JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'ping' });
    const pong = await fetch(`${server.url}/mcp`, { method: 'POST', headers: { ...JSON_HEADERS, 'mcp-session-id': session }, body: ping });
    expect(await pong.json()).toEqual({ jsonrpc: '2.0', id: 9, result: {} });
    expect((await fetch(`${server.url}/mcp`, { method: 'DELETE', headers: { 'mcp-session-id': session } })).status).toBe(200);
    expect((await fetch(`${server.url}/mcp`, { method: 'POST', headers: { ...JSON_HEADERS, 'mcp-session-id': session }, body: ping })).status).toBe(404);
    expect((await fetch(`${server.url}/mcp`, { method: 'POST', headers: JSON_HEADERS, body: ping })).status).toBe(400);
  });
});
