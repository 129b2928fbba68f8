/**
 * @module `baton mcp`, the stdio proxy, as an agent's client launches it: it
 * starts the local server when none answers (once, however many proxies start
 * together), forwards everything to it, carries CLAUDE_CODE_SESSION_ID as the
 * agent across proxy restarts, reopens its session when the server restarts, and
 * answers calls with an error while the server is unreachable.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveProject } from '../../src/project/identity.js';
import { readServerRecord, startServer as startBaton } from '../../src/server/main.js';
import { loadServerConfig } from '../../src/server/config.js';
import { gitRepository, gitWorktree } from '../support/git.js';
import { childEnv, cleanupAll, CLI, randomId, tempDir } from '../support/server.js';
import { call, httpClient, startInProcess, stdioClient, type StdioClient, type StdioClientOptions } from '../support/mcp.js';

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

async function proxy(env: Record<string, string>, options: StdioClientOptions = {}): Promise<StdioClient> {
  const p = await stdioClient(env, [], options);
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

  it('acts in the project of the repository it runs in: its worktrees share one, another repository has its own', async () => {
    const server = await startInProcess();
    const scratch = tempDir('baton-repos-');
    const web = gitRepository(scratch, 'web', 'git@github.com:Acme/Web.git');
    const feature = gitWorktree(web, join(scratch, 'web-feature'), 'feature-login');
    const api = gitRepository(scratch, 'api', 'https://github.com/acme/api.git');
    const webProject = resolveProject({ cwd: web }).id;
    const apiProject = resolveProject({ cwd: api }).id;
    expect(webProject).not.toBe(apiProject);
    try {
      const [inMain, inWorktree, inApi] = await Promise.all([
        proxy({ BATON_URL: server.url, BATON_AGENT: 'main-agent' }, { cwd: web }),
        proxy({ BATON_URL: server.url, BATON_AGENT: 'feature-agent' }, { cwd: feature }),
        proxy({ BATON_URL: server.url, BATON_AGENT: 'api-agent' }, { cwd: api }),
      ]);
      // Said once, with the reason, on stderr (the client's MCP log).
      const said = `project ${webProject}: from the git remote github.com/acme/web`;
      expect(inMain.stderr().split(said)).toHaveLength(2);
      expect(inMain.stderr()).toContain(`${said} (work tree ${web}, branch main)`);
      expect(inWorktree.stderr()).toContain(`${said} (work tree ${feature}, branch feature-login)`);
      expect(inApi.stderr()).toContain(`project ${apiProject}: from the git remote github.com/acme/api`);

      // A project exists from its first write (reads of an unknown one answer NOT_FOUND).
      for (const p of [inMain, inWorktree, inApi]) await call(p.client, 'register_agent');
      expect(await call(inMain.client, 'coordinator_status')).toMatchObject({ project: webProject });
      expect(await call(inWorktree.client, 'coordinator_status')).toMatchObject({ project: webProject });
      expect(await call(inApi.client, 'coordinator_status')).toMatchObject({ project: apiProject });
      await call(inMain.client, 'acquire_lock', { name: 'db-migrations' });

      const inWeb = ((await call(inWorktree.client, 'list_agents'))['agents'] as { id: string }[]).map((a) => a.id).sort();
      expect(inWeb).toEqual(['feature-agent', 'main-agent']);
      expect(await call(inWorktree.client, 'acquire_lock', { name: 'db-migrations' })).toMatchObject({ acquired: false, holder: 'main-agent' });
      expect(((await call(inApi.client, 'list_agents'))['agents'] as { id: string }[]).map((a) => a.id)).toEqual(['api-agent']);
      expect(await call(inApi.client, 'acquire_lock', { name: 'db-migrations' })).toMatchObject({ acquired: true });

      // An explicit choice wins over the repository, and says so.
      const chosen = await proxy({ BATON_URL: server.url, BATON_PROJECT: 'chosen-space' }, { cwd: feature });
      expect(chosen.stderr()).toContain('project chosen-space: chosen with BATON_PROJECT');
      expect(await call(chosen.client, 'register_agent', { agent_id: 'chooser' })).toMatchObject({ project: 'chosen-space' });
    } finally {
      await server.close();
    }
  });

  it('refuses to start with an invalid project, saying why', async () => {
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, [CLI, 'mcp', '--url', 'http://127.0.0.1:9'], { env: childEnv({ BATON_PROJECT: 'not valid!' }), timeout: 10_000 }, (error, _stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr });
      });
    });
    expect(code).toBe(1);
    expect(stderr).toContain("baton: project 'not valid!' from BATON_PROJECT is not valid");
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
