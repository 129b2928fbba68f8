/**
 * @module Team tokens end to end: the first admin bootstrapped with `baton token
 * create` on a loopback server, tokens used on another coordinator sharing the
 * store (Redis, PostgreSQL), revocation on one refused on the other within a
 * second with its open event stream and WebSocket closed, rotation, expiry, and scopes on reads.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { PG_URL, REDIS_URL } from '../support/engines.js';
import { openSse } from '../support/sse.js';
import { assertBuilt, childEnv, CLI, cleanupAll, createClient, startServer, type ServerProcess } from '../support/server.js';

const run = promisify(execFile);

beforeAll(() => {
  assertBuilt();
});
afterAll(cleanupAll);

async function baton(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: childEnv(env) });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Polls `check` until it holds or `ms` pass; answers how long it took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (await check()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`not within ${ms} ms`);
}

describe('tokens on one SQLite server', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.stop());

  it('bootstraps the first admin from the CLI, then asks every request for a token', async () => {
    const open = createClient(server.url, { project: 'web', agent: 'alice' });
    expect((await open.post('/agents', { name: 'Alice' })).status).toBe(200);
    const created = await baton(['token', 'create', '--name', 'first admin', '--role', 'admin', '--json', '--url', server.url]);
    expect(created.code, created.stderr).toBe(0);
    const admin = JSON.parse(created.stdout) as { token: string; id: string; role: string };
    expect(admin.role).toBe('admin');
    expect((await open.get('/agents')).status).toBe(401);
    expect((await open.with({ token: admin.token }).get('/agents')).status).toBe(200);
    // A second bootstrap is an admin call now: without a token it is refused with the typed error.
    const again = await baton(['token', 'create', '--name', 'sneaky', '--role', 'admin', '--url', server.url]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('UNAUTHORIZED');

    const list = await baton(['token', 'list', '--url', server.url], { BATON_TOKEN: admin.token });
    expect(list.stdout).toMatch(/^ID\s+NAME\s+ROLE/);
    expect(list.stdout).toContain('first admin');
    expect(list.stdout).not.toContain(admin.token.split('_')[2]);
  });
});

const SHARED = [
  { kind: 'redis', url: REDIS_URL },
  { kind: 'postgres', url: PG_URL },
] as const;

describe.each(SHARED)('tokens across two coordinators on $kind', ({ kind, url }) => {
  let a: ServerProcess;
  let b: ServerProcess;
  let admin: string;
  beforeAll(async () => {
    const env = { BATON_STORE: kind, BATON_STORE_URL: url, BATON_STORE_NAMESPACE: `team_${randomUUID().replaceAll('-', '').slice(0, 10)}` };
    [a, b] = await Promise.all([startServer({ env }), startServer({ env })]);
    const created = await createClient(a.url).post('/admin/tokens', { name: 'admin', role: 'admin' });
    expect(created.status).toBe(201);
    admin = String(created.body['token']);
    await within(2000, async () => (await createClient(b.url).get('/agents')).status === 401);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a.stop(), b.stop()]);
  });

  it('a token made on one coordinator works on the other, only in its projects and as its agent', async () => {
    const made = await createClient(a.url, { token: admin }).post('/admin/tokens', { name: 'alice', role: 'agent', projects: ['web'], agent: 'alice' });
    const alice = createClient(b.url, { token: String(made.body['token']), project: 'web' });
    await within(2000, async () => (await alice.post('/agents', { name: 'Alice' })).status === 200);
    expect((await alice.get('/agents')).status).toBe(200);
    const elsewhere = await alice.with({ project: 'api' }).get('/agents');
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.error?.code).toBe('FORBIDDEN');
    expect((await alice.with({ project: 'api' }).get('/events')).status).toBe(403);
    expect((await alice.post('/agents', { name: 'Mallory', agent_id: 'mallory' })).status).toBe(403);
    expect((await alice.get('/admin/tokens')).status).toBe(403);
  });

  it('revoked on one coordinator: refused on the other within a second, its open stream closed', async () => {
    const made = await createClient(a.url, { token: admin }).post('/admin/tokens', { name: 'bob', role: 'agent', projects: ['*'] });
    const token = String(made.body['token']);
    const bob = createClient(b.url, { token, project: 'web', agent: 'bob' });
    await within(2000, async () => (await bob.get('/agents')).status === 200);
    const stream = await openSse(`${b.url}/api/events?project=web`, { authorization: `Bearer ${token}` });
    expect(stream.status).toBe(200);
    const socket = new WebSocket(`${b.url.replace('http', 'ws')}/api/ws?project=web`, { headers: { authorization: `Bearer ${token}` } });
    await new Promise((resolve, reject) => { socket.once('open', resolve).once('error', reject); });
    const socketClosed = new Promise<number>((resolve) => socket.once('close', (code: number) => { resolve(code); }));
    const revoked = await createClient(a.url, { token: admin }).delete(`/admin/tokens/${String(made.body['id'])}`);
    expect(revoked.status).toBe(200);
    const took = await within(1000, async () => (await bob.get('/agents')).status === 401);
    expect(took).toBeLessThan(1000);
    let frame = await stream.next(1000);
    while (frame && frame.event !== 'error') frame = await stream.next(1000);
    expect(frame?.data).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    expect(await stream.next(500)).toBeNull();
    stream.close();
    expect(await socketClosed).toBe(4001);
  });

  it('rotation refuses the old secret everywhere and grants the same with the new one', async () => {
    const admins = createClient(a.url, { token: admin });
    const made = await admins.post('/admin/tokens', { name: 'watcher', role: 'observer', projects: ['web'] });
    const rotated = await admins.post(`/admin/tokens/${String(made.body['id'])}/rotate`);
    expect(rotated.status).toBe(200);
    const fresh = createClient(b.url, { token: String(rotated.body['token']), project: 'web' });
    await within(2000, async () => (await fresh.get('/agents')).status === 200);
    expect((await createClient(b.url, { token: String(made.body['token']), project: 'web' }).get('/agents')).status).toBe(401);
    expect((await fresh.post('/agents', { name: 'x', agent_id: 'x' })).status).toBe(403);
  });

  it('an expired token is refused', async () => {
    const made = await createClient(a.url, { token: admin }).post('/admin/tokens', { name: 'brief', role: 'agent', projects: ['*'], expires_in_seconds: 1 });
    const brief = createClient(b.url, { token: String(made.body['token']), project: 'web', agent: 'brief' });
    await within(1000, async () => (await brief.get('/agents')).status === 200);
    await within(3000, async () => (await brief.get('/agents')).status === 401);
  });
});
