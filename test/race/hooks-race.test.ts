/**
 * @module Races of the editor hooks, on each engine with two coordinators sharing the
 * store (Redis and PostgreSQL; one SQLite hub): many sessions' pre-tool hooks for one
 * file at once leave exactly one holder and deny all the others; many post-tool hooks
 * of one session at once deliver a notice exactly once (the compare-and-set cursor).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { readHookRequest } from '../../src/hooks/client-formats.js';
import { agentIdOf, createHookDecisions, type HookDecisions } from '../../src/hooks/decisions.js';
import { createHub, type Hub } from '../../src/hub/hub.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createRedisStore } from '../../src/store/redis/redis-store.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { PG_URL, REDIS_URL } from '../support/engines.js';
import { hookPayload } from '../support/hook-payloads.js';
import { cleanupAll, randomId, tempDir } from '../support/server.js';

const SESSIONS = 16;
const POSTS = 20;

const opened: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const o of opened.reverse()) await o.close();
  await cleanupAll();
});

/** Two stores on one namespace (one for SQLite in memory, which one process owns). */
async function storesOf(engine: string): Promise<Store[]> {
  if (engine === 'sqlite') return [createSqliteStore({ path: ':memory:' })];
  if (engine === 'redis') {
    const prefix = `baton-test-${randomUUID().slice(0, 8)}`;
    return [await createRedisStore({ url: REDIS_URL, prefix }), await createRedisStore({ url: REDIS_URL, prefix })];
  }
  const schema = `baton_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const first = await createPostgresStore({ connectionString: PG_URL, schema });
  return [first, await createPostgresStore({ connectionString: PG_URL, schema })];
}

describe.each(['sqlite', 'redis', 'postgres'])('hooks on %s', (engine) => {
  let hubs: Hub[] = [];
  let deciders: HookDecisions[] = [];
  const cwd = tempDir('baton-hook-race-');
  const project = randomId('race');

  const decide = (i: number, event: 'pre-tool' | 'post-tool' | 'session-start', session: string, file: string) =>
    deciders[i % deciders.length]!.decide(readHookRequest('claude-code', event, hookPayload('claude-code', event, { session, cwd, file: `${cwd}/${file}` })), { project });

  it('opens two coordinators on one store', async () => {
    const stores = await storesOf(engine);
    hubs = stores.map((store) => createHub({ store }));
    for (const [i, hub] of hubs.entries()) opened.push({ close: async () => { await hub.close(); await stores[i]!.close(); } });
    deciders = hubs.map(createHookDecisions);
  });

  it(`gives one file to exactly one of ${SESSIONS} sessions editing it at once`, async () => {
    const sessions = Array.from({ length: SESSIONS }, () => randomId('s'));
    await Promise.all(sessions.map((s, i) => decide(i, 'session-start', s, 'x')));
    const outcomes = await Promise.all(sessions.map((s, i) => decide(i, 'pre-tool', s, 'src/hot.ts')));
    const allowed = sessions.filter((_, i) => !('deny' in outcomes[i]!));
    expect(allowed).toHaveLength(1);
    const { reservations } = (await hubs[0]!.execute('list_reservations', { paths: ['src/hot.ts'] }, { project })) as { reservations: { holder: string }[] };
    expect(reservations.map((r) => r.holder)).toEqual([agentIdOf(allowed[0]!)]);
    for (const [i, o] of outcomes.entries()) if ('deny' in o) expect(o.deny, sessions[i]).toContain(`reserved exclusively by agent '${allowed[0]!}'`);
  });

  it(`delivers a notice once to ${POSTS} post-tool hooks of one session at once`, async () => {
    const me = randomId('me');
    await decide(0, 'session-start', me, 'x');
    await hubs[0]!.execute('publish_event', { topic: 'message', payload: { to: me, text: 'only once' } }, { project, agentId: 'sender' });
    const outcomes = await Promise.all(Array.from({ length: POSTS }, (_, i) => decide(i, 'post-tool', me, `src/f${i}.ts`)));
    const told = outcomes.filter((o) => 'context' in o && o.context?.includes('only once'));
    expect(told).toHaveLength(1);
    const again = await decide(1, 'post-tool', me, 'src/g.ts');
    expect('context' in again && again.context).toBeFalsy();
  });
});
