/**
 * @module `baton mcp` on the local server heals: when the server dies under a
 * connected client (SIGKILL) or is stopped (`baton stop`), the next call starts a
 * server again (one, however many proxies notice together), reopens the 2025
 * session with what it knew (subscriptions, the agent it registered as), and is
 * answered; a read-only call in flight is sent again. Both SDK lines, over the
 * built CLI and real server processes.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, describe, expect, it } from 'vitest';
import { processAlive, readServerRecord, type ServerRecord } from '../../src/server/server-record.js';
import { call, eventually, httpClient, modernStdioClient, stdioClient, type StdioClient } from '../support/mcp.js';
import { childEnv, cleanupAll, CLI, randomId, sleep, tempDir } from '../support/server.js';

const closers: (() => Promise<void>)[] = [];
const dataDirs: string[] = [];

afterAll(async () => {
  await Promise.all(closers.map((close) => close().catch(() => undefined)));
  for (const dir of dataDirs) {
    const record = readServerRecord(dir);
    if (record && processAlive(record.pid)) process.kill(record.pid, 'SIGTERM');
  }
  await cleanupAll();
});

/** A data directory for a server the proxies start (port 0: each start picks a free port). */
function localEnv(extra: Record<string, string> = {}): Record<string, string> {
  const dataDir = tempDir();
  dataDirs.push(dataDir);
  return { BATON_DATA_DIR: dataDir, BATON_PORT: '0', ...extra };
}

async function legacy(env: Record<string, string>): Promise<StdioClient> {
  const p = await stdioClient(env);
  closers.push(() => p.close());
  return p;
}

function runningRecord(env: Record<string, string>): ServerRecord {
  const record = readServerRecord(env['BATON_DATA_DIR'] ?? '');
  if (!record || !processAlive(record.pid)) throw new Error('no server runs for the data directory');
  return record;
}

/** SIGKILLs the server and waits until its process is gone. */
async function crash(record: ServerRecord): Promise<void> {
  process.kill(record.pid, 'SIGKILL');
  await eventually(() => Promise.resolve(!processAlive(record.pid)));
}

/** How many servers were started on the data directory (each prints its URL to baton.log first). */
const startsIn = (env: Record<string, string>): number =>
  readFileSync(join(env['BATON_DATA_DIR'] ?? '', 'baton.log'), 'utf8').split('\n').filter((line) => /^http:\/\//.test(line)).length;

const baton = (args: string[]): Promise<string> =>
  new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, ...args], { env: childEnv(), timeout: 20_000 }, (error, stdout) => {
      if (error) reject(new Error(`baton ${args.join(' ')} failed: ${error.message}`));
      else resolve(stdout);
    });
  });

describe('baton mcp on the local server', () => {
  it('starts the server again after a crash under a 2025 client: the next call is answered, in the same session state', async () => {
    const env = localEnv({ BATON_AGENT: 'healer' });
    const p = await legacy(env);
    await p.client.listTools();
    await call(p.client, 'register_agent');
    await call(p.client, 'acquire_lock', { name: 'deploy' });
    const events: string[] = [];
    p.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      events.push(n.params.uri);
    });
    await p.client.subscribeResource({ uri: 'baton://tasks' });
    const first = runningRecord(env);
    await crash(first);

    // A mutating call that finds the server gone never reached it: it is sent to the new one.
    expect(await call(p.client, 'add_task', { id: 'after-crash', title: 'written after the crash' })).toMatchObject({ added: [{ id: 'after-crash' }] });
    const second = runningRecord(env);
    expect(second.pid).not.toBe(first.pid);
    expect(second.url).not.toBe(first.url);
    expect(p.stderr()).toContain('stopped answering');
    expect(p.stderr()).toContain(`started a Baton server at ${second.url}`);
    expect(p.stderr()).toContain('opening a new one');
    // What was acknowledged before the crash survived it (SQLite).
    expect((await call(p.client, 'list_locks', { name: 'deploy' }))['locks']).toMatchObject([{ holder: 'healer' }]);

    // The new session was subscribed again: a change made elsewhere reaches this client.
    const other = await httpClient(second.url, { headers: { 'x-baton-agent': 'other' } });
    closers.push(() => other.close());
    await call(other, 'add_task', { id: 'from-elsewhere', title: 'seen through the subscription' });
    await eventually(() => Promise.resolve(events.includes('baton://tasks')));
  });

  it('sends a read-only call again when the server dies while it waits, and keeps the agent the session registered as', async () => {
    const env = localEnv({ BATON_MCP_TOOLSETS: 'events' });
    const p = await legacy(env);
    await p.client.listTools();
    const agent = (await call(p.client, 'register_agent', { name: 'no-header' }))['agent_id'] as string;
    const { last_event_id: after } = await call(p.client, 'coordinator_status');
    const first = runningRecord(env);
    const waiting = call(p.client, 'get_events', { after, wait_seconds: 3 });
    await sleep(300);
    await crash(first);
    // Sent again to the new server, where it waits its 3 s and times out.
    expect(await waiting).toMatchObject({ timed_out: true });
    expect(runningRecord(env).pid).not.toBe(first.pid);
    // The session that knew the agent is gone; the proxy sends it as X-Baton-Agent now.
    expect(await call(p.client, 'heartbeat', { activity: 'working' })).toMatchObject({ agent_id: agent });
  });

  it('starts the server again after a crash under a 2026-07-28 client', async () => {
    const env = localEnv({ CLAUDE_CODE_SESSION_ID: 'modern-healer' });
    const p = await modernStdioClient(env);
    closers.push(() => p.close());
    await call(p.client, 'register_agent');
    const first = runningRecord(env);
    await crash(first);
    expect(await call(p.client, 'add_task', { id: 'modern-after-crash', title: 'written after the crash' })).toMatchObject({ added: [{ id: 'modern-after-crash' }] });
    expect(await call(p.client, 'heartbeat')).toMatchObject({ agent_id: 'modern-healer' });
    expect(runningRecord(env).pid).not.toBe(first.pid);
    expect(p.stderr()).toContain('stopped answering');
    expect(p.stderr()).not.toContain('opening a new one');
  });

  it('leaves a server stopped with baton stop down until a call needs it, then two proxies start exactly one', async () => {
    const env = localEnv();
    const project = randomId('p');
    const [a, b] = [await legacy({ ...env, BATON_AGENT: 'a' }), await legacy({ ...env, BATON_AGENT: 'b' })];
    await Promise.all([call(a.client, 'register_agent', { project }), call(b.client, 'register_agent', { project })]);
    const first = runningRecord(env);
    expect(startsIn(env)).toBe(1);
    await baton(['stop', '--data-dir', env['BATON_DATA_DIR'] ?? '']);
    expect(processAlive(first.pid)).toBe(false);

    // Nobody calls: nothing starts it again.
    await sleep(1_500);
    expect(readServerRecord(env['BATON_DATA_DIR'] ?? '')).toBeNull();

    const [fromA, fromB] = await Promise.all([call(a.client, 'heartbeat', { project }), call(b.client, 'heartbeat', { project })]);
    expect(fromA).toMatchObject({ agent_id: 'a', status: 'active' });
    expect(fromB).toMatchObject({ agent_id: 'b', status: 'active' });
    expect(startsIn(env)).toBe(2);
    expect([a.stderr(), b.stderr()].filter((s) => s.includes('starting a new one in the background'))).toHaveLength(1);
    const second = runningRecord(env);
    expect(second.pid).not.toBe(first.pid);
    const agents = ((await call(a.client, 'list_agents', { project }))['agents'] as { id: string }[]).map((x) => x.id).sort();
    expect(agents).toEqual(['a', 'b']);
  });
});
