/**
 * @module `baton mcp`, the stdio proxy, as an agent's client launches it: it
 * starts the local server when none answers (once, however many proxies start
 * together), forwards everything to it, carries CLAUDE_CODE_SESSION_ID as the
 * agent across proxy restarts, reopens its session when the server restarts, and
 * answers calls with an error while the server is unreachable.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readServerRecord, startServer as startBaton } from '../../src/server/main.js';
import { loadServerConfig } from '../../src/server/config.js';
import { cleanupAll, randomId, tempDir } from '../support/server.js';
import { call, httpClient, startInProcess, stdioClient, type StdioClient } from '../support/mcp.js';

const proxies: StdioClient[] = [];
const daemonDirs: string[] = [];
const silent = { info: () => undefined, error: () => undefined };

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close().catch(() => undefined)));
  for (const dir of daemonDirs) {
    const record = readServerRecord(dir);
    if (record) process.kill(record.pid, 'SIGTERM');
  }
  await cleanupAll();
});

async function proxy(env: Record<string, string>): Promise<StdioClient> {
  const p = await stdioClient(env);
  proxies.push(p);
  return p;
}

describe('baton mcp (stdio proxy)', () => {
  it('starts a background server when none runs, once for proxies that start together, and says so on stderr', async () => {
    const dataDir = tempDir();
    daemonDirs.push(dataDir);
    const env = { BATON_DATA_DIR: dataDir, BATON_PORT: '0' };
    const [a, b] = await Promise.all([proxy(env), proxy(env)]);
    const record = readServerRecord(dataDir);
    expect(record).not.toBeNull();
    expect([a.stderr(), b.stderr()].filter((s) => s.includes('starting one in the background'))).toHaveLength(1);
    expect(a.stderr() + b.stderr()).toContain(`started a Baton server at ${record?.url ?? ''}`);
    expect(existsSync(join(dataDir, 'baton.db'))).toBe(true);

    const project = randomId('p');
    await call(a.client, 'register_agent', { project, agent_id: 'a' });
    const agents = (await call(b.client, 'list_agents', { project }))['agents'] as { id: string }[];
    expect(agents.map((x) => x.id)).toEqual(['a']);

    const later = await proxy({ ...env, BATON_MCP_TOOLSETS: 'state' });
    expect(later.stderr()).not.toContain('starting');
    const names = (await later.client.listTools()).tools.map((t) => t.name);
    expect(names).toContain('store_data');
    expect(names).toContain('start_session');
    expect(names).not.toContain('acquire_lock');
  });

  it('acts as the CLAUDE_CODE_SESSION_ID agent across a restart of the proxy', async () => {
    const server = await startInProcess();
    const project = randomId('p');
    const sessionId = randomUUID();
    const env = { BATON_URL: server.url, BATON_PROJECT: project, CLAUDE_CODE_SESSION_ID: sessionId };
    try {
      const first = await proxy(env);
      expect(await call(first.client, 'register_agent', { name: 'claude' })).toMatchObject({ agent_id: sessionId, project });
      await call(first.client, 'acquire_lock', { name: 'db-migrations' });
      await first.close();

      const second = await proxy(env);
      expect(await call(second.client, 'heartbeat', { activity: 'working' })).toMatchObject({ status: 'active' });
      expect(await call(second.client, 'list_agents')).toMatchObject({ agents: [{ id: sessionId, activity: 'working' }] });
      const lock = await call(second.client, 'list_locks', { name: 'db-migrations' });
      expect(lock['locks']).toMatchObject([{ holder: sessionId }]);
      await call(second.client, 'release_lock', { name: 'db-migrations' });

      // The same state through HTTP: one server, whatever the client's transport.
      const viaHttp = await httpClient(server.url, { query: { project } });
      const agents = (await call(viaHttp, 'list_agents'))['agents'] as { id: string }[];
      expect(agents.map((a) => a.id)).toEqual([sessionId]);
      await viaHttp.close();
    } finally {
      await server.close();
    }
  });

  it('opens a new session when the server restarts, and answers with an error while it is down', async () => {
    const dataDir = tempDir();
    const config = { ...loadServerConfig({ dataDir, port: 0, host: '127.0.0.1' }), store: { kind: 'sqlite' as const, url: undefined, namespace: undefined } };
    let server = await startBaton(config, silent);
    const port = Number(new URL(server.url).port);
    const p = await proxy({ BATON_URL: server.url, BATON_AGENT: 'steady' });
    await call(p.client, 'register_agent');
    await server.close();

    const down = await p.client.callTool({ name: 'heartbeat', arguments: {} }).catch((error: unknown) => error);
    expect(String(down)).toMatch(/did not answer/);

    server = await startBaton({ ...config, port }, silent);
    try {
      expect(await call(p.client, 'heartbeat', { activity: 'idle' })).toMatchObject({ status: 'active' });
      expect(p.stderr()).toContain('opening a new one');
    } finally {
      await server.close();
    }
  });
});
