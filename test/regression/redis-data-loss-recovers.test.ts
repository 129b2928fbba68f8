/**
 * @module Regression (reliability issue, item 3): after Redis restarts without
 * its data, Baton used to answer 404 for existing projects (a process-wide
 * "known projects" cache) and stopped waking waiters (its bus believed it had
 * delivered the new events). Now a running server recovers without a restart:
 * reads and writes work, fencing tokens keep growing (the counters it knew are
 * re-seeded), and a release wakes a waiter. Also item 14: an out-of-memory Redis
 * answers a typed STORE_UNAVAILABLE, not 500. On a private redis-server.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startRedisEngine, type Engine } from '../fault/support/engines.js';
import { assertBuilt, cleanupAll, createClient, startServer, type ServerProcess } from '../support/server.js';

const engines: Engine[] = [];
const servers: ServerProcess[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop().catch(() => undefined);
  for (const e of engines) await e.destroy();
  await cleanupAll();
});

async function serverOn(engine: Engine): Promise<ServerProcess> {
  assertBuilt();
  const server = await startServer({ env: { BATON_STORE: 'redis', BATON_STORE_URL: engine.url } });
  servers.push(server);
  return server;
}

describe('a Redis that lost its data', () => {
  it('serves the project again at once, keeps fencing tokens growing, and wakes waiters', async () => {
    const engine = await startRedisEngine({ persistent: false });
    engines.push(engine);
    const server = await serverOn(engine);
    const alice = createClient(server.url, { project: 'demo', agent: 'alice' });
    const bob = alice.with({ agent: 'bob' });
    expect((await alice.post('/agents', {})).status).toBe(200);
    const first = await alice.post('/locks/deploy/acquire', {});
    expect(first.body).toMatchObject({ acquired: true });
    const before = Number(first.body['token']);

    await engine.crash();
    await engine.start();

    // The first write after the loss finds the project gone and re-creates it with the counters this server knew.
    expect((await alice.post('/agents', {})).status).toBe(200);
    expect((await bob.post('/agents', {})).status).toBe(200);
    const agents = await alice.get('/agents');
    expect(agents.status).toBe(200);
    const again = await alice.post('/locks/deploy/acquire', {});
    expect(again.body).toMatchObject({ acquired: true });
    expect(Number(again.body['token'])).toBeGreaterThan(before);

    const waiting = bob.post('/locks/deploy/acquire', { wait_seconds: 10 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await alice.post('/locks/deploy/release', {})).status).toBe(200);
    const started = Date.now();
    const woken = await waiting;
    expect(woken.body).toMatchObject({ acquired: true });
    expect(Date.now() - started).toBeLessThan(3_000);
  }, 60_000);
});

describe('a Redis out of memory', () => {
  it('answers STORE_UNAVAILABLE saying so, and still serves reads', async () => {
    const engine = await startRedisEngine({ persistent: false, args: ['--maxmemory', '3mb', '--maxmemory-policy', 'noeviction'] });
    engines.push(engine);
    const server = await serverOn(engine);
    const client = createClient(server.url, { project: 'full', agent: 'alice' });
    expect((await client.post('/agents', {})).status).toBe(200);
    const big = 'x'.repeat(60_000);
    let refused: { status: number; body: Record<string, unknown> } | undefined;
    for (let i = 0; i < 200 && !refused; i++) {
      const res = await client.put(`/state/fill/k${i}`, { value: big });
      if (res.status !== 200) refused = res;
    }
    expect(refused?.status).toBe(503);
    expect(refused?.body).toMatchObject({ error: { code: 'STORE_UNAVAILABLE', details: { reason: 'out_of_memory' } } });
    expect((await client.get('/agents')).status).toBe(200);
  }, 60_000);
});
