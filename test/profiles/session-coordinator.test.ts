/**
 * @module Profile session-coordinator (seed 002) through the real MCP SDK client:
 * the seed's tools, resources and prompts; its basic usage (sign on, store and
 * read issue state, list keys and scopes, delete, sign off) with two sessions
 * reading each other's state through session://state/{id}; instance claims that
 * never overlap, with 16 sessions signing on at once.
 */
import type { ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/main.js';
import { call, callError, httpClient, startInProcess } from '../support/mcp.js';
import { randomId } from '../support/server.js';

const SEED_TOOLS = ['sign_on', 'sign_off', 'store_data', 'retrieve_data', 'list_keys', 'list_scopes', 'delete_data', 'delete_scope'];

let server: RunningServer;
beforeAll(async () => {
  server = await startInProcess();
});
afterAll(async () => {
  await server.close();
});

const session = (project: string) => httpClient(server.url, { query: { profile: 'session-coordinator', project } });
const json = (r: ReadResourceResult): Record<string, unknown> => {
  const first = r.contents[0];
  return JSON.parse(first && 'text' in first ? first.text : '{}') as Record<string, unknown>;
};

describe('profile session-coordinator', () => {
  it("offers the seed's tools, resources and prompts", async () => {
    const client = await session(randomId('sc'));
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual([...SEED_TOOLS].sort());
    expect((await client.listResources()).resources.map((r) => r.uri)).toEqual(['session://context']);
    expect((await client.listResourceTemplates()).resourceTemplates.map((r) => r.uriTemplate)).toEqual(['session://state/{id}']);
    expect((await client.listPrompts()).prompts.map((p) => p.name).sort()).toEqual(['sign-off', 'startup']);
    const store = (await client.listTools()).tools.find((t) => t.name === 'store_data');
    expect(Object.keys(store?.inputSchema.properties ?? {})).toEqual(['scope', 'key', 'value']);
    await client.close();
  });

  it('runs the basic usage with two sessions that see each other', async () => {
    const project = randomId('sc');
    const one = await session(project);
    const two = await session(project);
    const startup = await one.getPrompt({ name: 'startup' });
    expect(JSON.stringify(startup.messages)).toMatch(/sign_on\(\) to claim claude_1/);
    // Step 1: sign on
    expect(await call(one, 'sign_on')).toMatchObject({ session_id: 'claude_1', project });
    expect(await call(two, 'sign_on')).toMatchObject({ session_id: 'claude_2' });
    expect(await call(two, 'sign_on', { session_id: 'claude_1' })).toMatchObject({ error: expect.stringMatching(/taken/) });
    // Step 2: store and read state
    await call(one, 'store_data', { scope: 'session:claude_1', key: 'current_issue', value: 15 });
    await call(one, 'store_data', { scope: 'session:claude_1', key: 'todos', value: [{ task: 'write tests', status: 'pending' }] });
    await call(one, 'store_data', { scope: 'issue:15', key: 'status', value: 'in_progress' });
    expect(await call(one, 'retrieve_data', { scope: 'session:claude_1', key: 'current_issue' })).toMatchObject({ value: 15 });
    expect(await call(one, 'retrieve_data', { scope: 'issue:15', key: 'nothing' })).toMatchObject({ value: null });
    expect((await call(one, 'list_keys', { scope: 'session:claude_1' }))['keys']).toEqual(['current_issue', 'todos']);
    expect((await call(one, 'list_scopes'))['scopes']).toEqual(['issue:15', 'session:claude_1']);
    expect((await call(one, 'list_scopes', { pattern: 'session:*' }))['scopes']).toEqual(['session:claude_1']);
    // The other session reads it through the resources.
    expect(json(await two.readResource({ uri: 'session://state/claude_1' }))).toMatchObject({ instance: 'claude_1', current_issue: 15, todos: [{ task: 'write tests' }] });
    expect(json(await two.readResource({ uri: 'session://state/claude_3' }))).toMatchObject({ error: expect.any(String) });
    const context = json(await two.readResource({ uri: 'session://context' }));
    expect(context).toMatchObject({ current_session: { session_id: 'claude_2' }, instances: { claude_1: 'taken', claude_2: 'taken', claude_3: 'available' }, first_available: 'claude_3' });
    expect(context['active_sessions']).toContainEqual({ instance: 'claude_1', status: 'taken', current_issue: 15, todo_count: 1 });
    // Step 5: sign off, after the prompt's checklist
    expect(JSON.stringify((await one.getPrompt({ name: 'sign-off' })).messages)).toMatch(/claude_1 and have 1 incomplete/);
    expect(await call(one, 'delete_data', { scope: 'issue:15', key: 'status' })).toEqual({ deleted: true });
    expect(await call(one, 'delete_data', { scope: 'issue:15', key: 'status' })).toEqual({ deleted: false });
    expect(await call(one, 'sign_off')).toMatchObject({ status: 'signed off', session: { session_id: 'claude_1' } });
    expect(await call(one, 'sign_off')).toEqual({ status: 'no active session' });
    // State outlives the session; the instance is free again.
    expect(await call(two, 'retrieve_data', { scope: 'session:claude_1', key: 'current_issue' })).toMatchObject({ value: 15 });
    expect(json(await two.readResource({ uri: 'session://context' }))).toMatchObject({ instances: { claude_1: 'available' } });
    expect(await call(two, 'delete_scope', { scope: 'session:claude_1' })).toMatchObject({ deleted: true, deleted_keys: 2 });
    await Promise.all([one.close(), two.close()]);
  });

  it('refuses hostile arguments as tool errors', async () => {
    const client = await session(randomId('sc'));
    expect(await callError(client, 'store_data', { scope: 'bad scope!', key: 'k', value: 1 })).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await callError(client, 'store_data', { scope: 's', key: 'k', value: 'x'.repeat(70_000) })).toMatchObject({ code: 'LIMIT_EXCEEDED' });
    expect(await callError(client, 'sign_on', { session_id: '../etc' })).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await callError(client, 'retrieve_data', { scope: 's' })).toMatchObject({ code: 'INVALID_INPUT' });
    await client.close();
  });

  it('16 sessions signing on at once each get their own instance', async () => {
    const project = randomId('sc');
    const clients = await Promise.all(Array.from({ length: 16 }, () => session(project)));
    const answers = await Promise.all(clients.map((c) => call(c, 'sign_on')));
    const ids = answers.map((a) => a['session_id']);
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(new Set(ids).size).toBe(16);
    const offs = await Promise.all(clients.map((c) => call(c, 'sign_off')));
    expect(offs.every((o) => o['status'] === 'signed off')).toBe(true);
    await Promise.all(clients.map((c) => c.close()));
  }, 60_000);
});
