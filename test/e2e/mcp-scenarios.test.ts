/**
 * @module Coordination scenarios through MCP, run once over Streamable HTTP (SDK
 * clients, identity from the MCP session after register_agent) and once over the
 * built `baton mcp` stdio proxy (one proxy per agent, identity from
 * CLAUDE_CODE_SESSION_ID): lock contention and handoff, a task DAG claimed in
 * dependency order, and shared state.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/main.js';
import { readServerRecord } from '../../src/server/main.js';
import { cleanupAll, randomId, tempDir } from '../support/server.js';
import { call, callError, eventually, httpClient, startInProcess, stdioClient } from '../support/mcp.js';

interface Harness {
  /** A new agent's client in `project`, registered under `name`. */
  agent(project: string, name: string): Promise<Client>;
}

const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await cleanupAll();
});

let server: RunningServer;
const overHttp: Harness = {
  async agent(project, name) {
    const client = await httpClient(server.url, { query: { project } });
    closers.push(() => client.close());
    const registered = await call(client, 'register_agent', { name });
    expect(registered['project']).toBe(project);
    return client;
  },
};

let dataDir = '';
const overStdio: Harness = {
  async agent(project, name) {
    const sessionId = randomUUID();
    const proxy = await stdioClient({ BATON_DATA_DIR: dataDir, BATON_PORT: '0', BATON_PROJECT: project, CLAUDE_CODE_SESSION_ID: sessionId });
    closers.push(() => proxy.close());
    const registered = await call(proxy.client, 'register_agent', { name });
    expect(registered['agent_id']).toBe(sessionId);
    return proxy.client;
  },
};

beforeAll(async () => {
  server = await startInProcess();
  closers.push(() => server.close());
  dataDir = tempDir();
  closers.push(() => {
    const record = readServerRecord(dataDir);
    if (record) process.kill(record.pid, 'SIGTERM');
    return Promise.resolve();
  });
  // The first proxy starts the shared server (mcp-stdio.test.ts covers that); later ones find it.
  const first = await stdioClient({ BATON_DATA_DIR: dataDir, BATON_PORT: '0' });
  await call(first.client, 'coordinator_status');
  await first.close();
});

describe.each([
  ['Streamable HTTP', overHttp],
  ['baton mcp (stdio)', overStdio],
])('MCP over %s', (_transport, harness) => {
  it('hands a contended lock to the waiting agent on release, with a larger fencing token', async () => {
    const project = randomId('p');
    const [a, b] = await Promise.all([harness.agent(project, 'alice'), harness.agent(project, 'bob')]);
    const first = await call(a, 'acquire_lock', { name: 'deploy', ttl_seconds: 60 });
    expect(first).toMatchObject({ acquired: true, name: 'deploy' });

    const refused = await call(b, 'acquire_lock', { name: 'deploy' });
    expect(refused).toMatchObject({ acquired: false, holder: expect.any(String) as unknown });
    expect(refused).not.toHaveProperty('timed_out');
    expect(String(refused['message'])).toContain('alice');

    const waiting = call(b, 'acquire_lock', { name: 'deploy', wait_seconds: 20 });
    await eventually(async () => ((await call(a, 'list_locks', { name: 'deploy' }))['waiters'] as unknown[]).length === 1);
    await call(a, 'release_lock', { name: 'deploy', token: first['token'] });
    const granted = await waiting;
    expect(granted).toMatchObject({ acquired: true, name: 'deploy' });
    expect(granted['token']).toBeGreaterThan(first['token'] as number);
    const holders = (await call(a, 'list_locks', { name: 'deploy' }))['locks'] as { holder: string }[];
    expect(holders).toHaveLength(1);
  });

  it('lets agents claim tasks from a DAG only in dependency order', async () => {
    const project = randomId('p');
    const [a, b] = await Promise.all([harness.agent(project, 'alice'), harness.agent(project, 'bob')]);
    await call(a, 'add_task', {
      tasks: [
        { id: 'build', title: 'Build' },
        { id: 'test', title: 'Test', dependencies: ['build'] },
        { id: 'lint', title: 'Lint', dependencies: ['build'] },
        { id: 'ship', title: 'Ship', dependencies: ['test', 'lint'] },
      ],
    });
    const ready = (await call(b, 'get_all_tasks', { status: ['ready'] }))['tasks'] as { id: string }[];
    expect(ready.map((t) => t.id)).toEqual(['build']);

    const build = await call(a, 'claim_task');
    expect(build).toMatchObject({ claimed: true, task: { id: 'build' } });
    expect(await call(b, 'claim_task')).toMatchObject({ claimed: false, reason: 'none_ready' });
    expect(await call(b, 'claim_task', { task_id: 'ship' })).toMatchObject({ claimed: false, reason: 'not_ready' });
    await call(a, 'update_task', { task_id: 'build', token: build['token'], status: 'done' });

    const [second, third] = await Promise.all([call(a, 'claim_task'), call(b, 'claim_task')]);
    const middle = [second, third].map((c) => (c['task'] as { id: string }).id).sort();
    expect(middle).toEqual(['lint', 'test']);
    expect(await call(a, 'claim_task')).toMatchObject({ claimed: false, reason: 'none_ready' });
    for (const [client, claim] of [[a, second], [b, third]] as const) {
      await call(client, 'update_task', { task_id: (claim['task'] as { id: string }).id, token: claim['token'], status: 'done' });
    }
    expect(await call(b, 'claim_task')).toMatchObject({ claimed: true, task: { id: 'ship' } });
  });

  it('shares state between agents, with compare-and-set', async () => {
    const project = randomId('p');
    const [a, b] = await Promise.all([harness.agent(project, 'alice'), harness.agent(project, 'bob')]);
    const stored = await call(a, 'store_data', { scope: 'config', key: 'api', value: { url: 'http://x', retries: 3 } });
    expect(stored).toMatchObject({ stored: true, version: 1 });
    expect(await call(b, 'retrieve_data', { scope: 'config', key: 'api' })).toMatchObject({ value: { url: 'http://x', retries: 3 }, version: 1 });

    await call(b, 'store_data', { scope: 'config', key: 'api', value: { url: 'http://y' }, if_version: 1 });
    const conflict = await callError(a, 'store_data', { scope: 'config', key: 'api', value: { url: 'http://z' }, if_version: 1 });
    expect(conflict.code).toBe('VERSION_CONFLICT');
    expect(conflict.hint).toContain('retrieve_data');
    expect(await call(a, 'retrieve_data', { scope: 'config', key: 'api' })).toMatchObject({ value: { url: 'http://y' }, version: 2 });
  });
});
