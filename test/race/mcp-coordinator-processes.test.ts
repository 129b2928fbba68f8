/**
 * @module Profile mcp-coordinator (seed 004) across coordinator processes: two
 * servers on one Redis and on one PostgreSQL, real SDK clients split between
 * them. The README's walkthrough with Alice on one process and Bob on the other
 * gives the seed's results; 16 agents announcing one file through both at once:
 * exactly one proceeds unconsulted (the seed relied on one process's SQLite
 * transaction), and every thread settles by consensus.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_URL, REDIS_URL } from '../support/engines.js';
import { call, httpClient } from '../support/mcp.js';
import { cleanupAll, startServer, type ServerProcess } from '../support/server.js';

const AGENTS = 16;

afterAll(async () => {
  await cleanupAll();
});

const engines = [
  { name: 'redis', env: () => ({ BATON_STORE: 'redis', BATON_STORE_URL: REDIS_URL, BATON_STORE_NAMESPACE: `baton-mc-${randomUUID().slice(0, 8)}` }) },
  { name: 'postgres', env: () => ({ BATON_STORE: 'postgres', BATON_STORE_URL: PG_URL, BATON_STORE_NAMESPACE: `mc_${randomUUID().replaceAll('-', '').slice(0, 10)}` }) },
];

describe.each(engines)('profile mcp-coordinator across two processes on $name', ({ env }) => {
  it('runs the walkthrough across processes, and lets exactly one of 16 announcers of one file pass', async () => {
    const shared = env();
    const servers: ServerProcess[] = await Promise.all([startServer({ env: shared }), startServer({ env: shared })]);
    const project = `mc-${randomUUID().slice(0, 8)}`;
    const claude = (i: number): Promise<Client> => httpClient((servers[i % 2] as ServerProcess).url, { query: { profile: 'mcp-coordinator', project } });

    // The walkthrough: Alice on process 0, Bob on process 1.
    const [alice, bob] = await Promise.all([claude(0), claude(1)]);
    await call(alice, 'register_agent', { agent_id: 'alice', name: 'Alice', modules: ['models'] });
    await call(bob, 'register_agent', { agent_id: 'bob', name: 'Bob', modules: ['migrations'] });
    expect(await call(alice, 'announce_work', { subject: 'Add updated_at', target_files: ['src/models/user.ts'] })).toMatchObject({ thread_id: null, concerned_agents: [] });
    const second = await call(bob, 'announce_work', { subject: 'Migrate User schema', target_files: ['src/models/user.ts', 'migrations/004.sql'] });
    expect(second).toMatchObject({ concerned_agents: ['alice'], score: 100, layer: '0a' });
    const t1 = second['thread_id'];
    await call(bob, 'post_to_thread', { thread_id: t1, type: 'context', content: 'can wait for your field' });
    expect(((await call(alice, 'coordinator_status'))['threads'] as { id: string; last_message?: { agent_id: string } }[]).find((t) => t.id === t1)).toMatchObject({ last_message: { agent_id: 'bob' } });
    await call(alice, 'propose_resolution', { thread_id: t1, summary: "Alice's field first" });
    expect(await call(bob, 'approve_resolution', { thread_id: t1 })).toMatchObject({ status: 'resolved', resolution: { outcome: 'consensus' } });
    await Promise.all([alice.close(), bob.close()]);

    // 16 agents, half on each process, announce one file at once.
    const clients = await Promise.all(Array.from({ length: AGENTS }, (_, i) => claude(i)));
    const ids = clients.map((_, i) => `agent-${i}`);
    await Promise.all(clients.map((c, i) => call(c, 'register_agent', { agent_id: ids[i], name: ids[i], modules: [] })));
    const verdicts = await Promise.all(clients.map((c, i) => call(c, 'announce_work', { agent_id: ids[i], subject: `change ${i}`, target_files: ['src/hot.ts'] })));
    expect(verdicts.filter((v) => v['thread_id'] === null)).toHaveLength(1);
    const threads = [...new Set(verdicts.map((v) => v['thread_id']).filter((t): t is string => typeof t === 'string'))];
    for (const t of threads) {
      const thread = await call(clients[0] as Client, 'get_thread', { thread_id: t });
      const initiator = ids.indexOf(thread['initiator_id'] as string);
      await call(clients[initiator] as Client, 'propose_resolution', { thread_id: t, agent_id: ids[initiator], summary: 'in announce order' });
      // Every respondent approves at once, through both processes: one consensus, no approval lost.
      const respondents = thread['respondents'] as string[];
      const approvals = await Promise.all(respondents.map((r) => call(clients[ids.indexOf(r)] as Client, 'approve_resolution', { thread_id: t, agent_id: r })));
      expect(approvals.filter((a) => a['status'] === 'resolved')).toHaveLength(1);
      const settled = await call(clients[1] as Client, 'get_thread', { thread_id: t });
      expect(settled, JSON.stringify(settled)).toMatchObject({ status: 'resolved', resolution: { outcome: 'consensus' } });
    }
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(servers.map((s) => s.stop()));
  }, 180_000);
});
