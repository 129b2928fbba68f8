/**
 * @module Issue 7, item 7 (found again by the audit): the compat profiles turned
 * a user's `*` into a backtracking RegExp, so power-pack `list_locks {pattern}`
 * and session-coordinator `list_scopes {pattern}` froze the server (`'*a'×9+'*c'`
 * against a 40-character lock name blocked it for 9 s). The server runs in its
 * own process, so a frozen server fails the time bound instead of freezing the
 * test; the MCP calls go through the SDK client on `/mcp?profile=…`.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../support/mcp.js';
import { cleanupAll, randomId, startServer, type ServerProcess } from '../support/server.js';

/** Far past what a backtracking RegExp survives: 2^40-ish steps against the names below. */
const HOSTILE = `${'*a'.repeat(40)}*c`;
const LONG_NAME = 'a'.repeat(120);
/** A bound loose enough for a shared CI core, far below the minutes a backtracking match takes. */
const ANSWER_WITHIN_MS = 3_000;

// One server per test: a frozen one must not take the other case down with it.
let server: ServerProcess;
beforeEach(async () => {
  server = await startServer();
});
afterAll(cleanupAll);

async function profileClient(profile: string, project: string): Promise<Client> {
  const endpoint = new URL('/mcp', server.url);
  endpoint.searchParams.set('profile', profile);
  endpoint.searchParams.set('project', project);
  const client = new Client({ name: 'hostile-pattern', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(endpoint));
  return client;
}

/** The tool's answer, and how long it took; a frozen server fails the request's own timeout. */
async function timed(client: Client, name: string, args: Record<string, unknown>): Promise<{ answer: Record<string, unknown>; ms: number }> {
  const started = performance.now();
  const answer = await call({ callTool: (params) => client.callTool(params, undefined, { timeout: ANSWER_WITHIN_MS * 2 }) }, name, args);
  return { answer, ms: performance.now() - started };
}

/** The server still answers a plain request at once (it is not busy matching in the background). */
async function stillServing(): Promise<void> {
  const res = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(ANSWER_WITHIN_MS) });
  expect(res.status).toBe(200);
}

describe('profile patterns match in linear time', () => {
  it('power-pack list_locks answers a hostile pattern at once and matches as before', async () => {
    const client = await profileClient('power-pack', randomId('pattern'));
    expect(await call(client, 'acquire_lock', { lock_name: LONG_NAME })).toMatchObject({ success: true });
    const hostile = await timed(client, 'list_locks', { pattern: HOSTILE });
    expect(hostile.answer).toMatchObject({ count: 0, locks: [] });
    expect(hostile.ms).toBeLessThan(ANSWER_WITHIN_MS);
    await stillServing();
    expect(await call(client, 'list_locks', { pattern: `${'*a'.repeat(40)}*` })).toMatchObject({ count: 1, locks: [{ lock_name: LONG_NAME }] });
    await client.close();
  });

  it('session-coordinator list_scopes answers a hostile pattern at once and matches as before', async () => {
    const client = await profileClient('session-coordinator', randomId('pattern'));
    await call(client, 'store_data', { scope: LONG_NAME, key: 'k', value: 1 });
    const hostile = await timed(client, 'list_scopes', { pattern: HOSTILE });
    expect(hostile.answer).toEqual({ scopes: [] });
    expect(hostile.ms).toBeLessThan(ANSWER_WITHIN_MS);
    await stillServing();
    expect(await call(client, 'list_scopes', { pattern: `a?${'*a'.repeat(40)}` })).toEqual({ scopes: [LONG_NAME] });
    await client.close();
  });
});
