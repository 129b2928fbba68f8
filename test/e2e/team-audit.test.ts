/**
 * @module The audit log of a team server: each write appears once with the token
 * and agent that made it, refused authentications too, reads not at all; `baton
 * audit verify` finds an entry changed behind the server's back.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, childEnv, CLI, cleanupAll, createClient, startServer, type ServerProcess } from '../support/server.js';

const run = promisify(execFile);

async function baton(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: childEnv(env) });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

interface Entry {
  id: number;
  action: string;
  token?: string;
  agent?: string;
  project?: string;
  result: string;
  from?: string;
  inputs?: Record<string, unknown>;
}

let server: ServerProcess;
let admin: string;
beforeAll(async () => {
  assertBuilt();
  server = await startServer();
  admin = String((await createClient(server.url).post('/admin/tokens', { name: 'root', role: 'admin' })).body['token']);
});
afterAll(async () => {
  await server.stop();
  await cleanupAll();
});

describe('audit log', () => {
  it('records each write once with its actor, refusals too, and no reads', async () => {
    const admins = createClient(server.url, { token: admin });
    const made = await admins.post('/admin/tokens', { name: 'alice laptop', role: 'agent', projects: ['web'], agent: 'alice' });
    const alice = createClient(server.url, { token: String(made.body['token']), project: 'web' });
    expect((await alice.post('/agents', { name: 'Alice' })).status).toBe(200);
    expect((await alice.post('/locks/deploy/acquire', {})).status).toBe(200);
    expect((await alice.get('/locks')).status).toBe(200);
    expect((await alice.with({ project: 'api' }).post('/locks/x/acquire', {})).status).toBe(403);
    expect((await createClient(server.url, { project: 'web' }).post('/locks/deploy/acquire', {})).status).toBe(401);

    const tail = await baton(['audit', 'tail', '-n', '50', '--json', '--url', server.url], { BATON_TOKEN: admin });
    expect(tail.code, tail.stderr).toBe(0);
    const entries = (JSON.parse(tail.stdout) as { entries: Entry[] }).entries;
    const actions = entries.map((e) => `${e.action} ${e.result}`);
    // The first admin (bootstrapped locally), then what this test did: the read (list_locks) is not there.
    expect(actions).toEqual(['token.create ok', 'token.create ok', 'register_agent ok', 'acquire_lock ok', 'acquire_lock FORBIDDEN', 'auth.refused UNAUTHORIZED']);
    expect(entries[0]).toMatchObject({ token: 'local', inputs: { name: 'root', role: 'admin' } });
    expect(entries[1]).toMatchObject({ token: 'root', inputs: { name: 'alice laptop' } });
    expect(entries[2]).toMatchObject({ token: 'alice laptop', agent: 'alice', project: 'web' });
    expect(entries[3]).toMatchObject({ token: 'alice laptop', agent: 'alice', project: 'web', inputs: { name: 'deploy' } });
    expect(entries[5]?.from).toMatch(/127\.0\.0\.1/);
  });

  it('verify finds an entry changed in the store', async () => {
    const intact = await baton(['audit', 'verify', '--url', server.url], { BATON_TOKEN: admin });
    expect(intact.code, intact.stderr).toBe(0);
    expect(intact.stdout).toMatch(/^Intact: \d+ entries in 1 chains/);

    const db = new Database(join(server.dataDir, 'baton.db'));
    const row = db.prepare("SELECT id, data FROM events WHERE project = '_audit' AND data LIKE '%acquire_lock%' ORDER BY id LIMIT 1").get() as { id: number; data: string };
    db.prepare("UPDATE events SET data = @data WHERE project = '_audit' AND id = @id").run({ id: row.id, data: row.data.replace('"result":"ok"', '"result":"FORBIDDEN"') });
    db.close();

    const broken = await baton(['audit', 'verify', '--url', server.url], { BATON_TOKEN: admin });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`Entry ${row.id}`);
    expect(broken.stdout).toContain('was changed');
  });

  it('is for admins only', async () => {
    const observer = String((await createClient(server.url, { token: admin }).post('/admin/tokens', { name: 'watch', role: 'observer' })).body['token']);
    expect((await createClient(server.url, { token: observer }).get('/admin/audit')).status).toBe(403);
    expect((await createClient(server.url, { token: admin }).get('/admin/audit', { limit: 5000 })).status).toBe(400);
  });
});
