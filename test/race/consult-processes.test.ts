/**
 * @module Consultation races across coordinator processes: two servers on one
 * Redis and on one PostgreSQL. Many agents announce over the same files at once
 * through both → exactly one consult thread for that file set, every concerned
 * announce pointing at it; the same announce scored alike by either server's
 * conflict index; two approvals racing on two servers → one resolution event;
 * approve racing contest → one contest, one settled state.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { restCaller, errorCode, type CallCommand } from '../support/callers.js';
import { PG_URL, REDIS_URL } from '../support/engines.js';
import { cleanupAll, startServer, type ServerProcess } from '../support/server.js';

const AGENTS = 12;

afterAll(async () => {
  await cleanupAll();
});

const engines = [
  { name: 'redis', env: () => ({ BATON_STORE: 'redis', BATON_STORE_URL: REDIS_URL, BATON_STORE_NAMESPACE: `baton-race-${randomUUID().slice(0, 8)}` }) },
  { name: 'postgres', env: () => ({ BATON_STORE: 'postgres', BATON_STORE_URL: PG_URL, BATON_STORE_NAMESPACE: `race_${randomUUID().replaceAll('-', '').slice(0, 10)}` }) },
];

type Out = Record<string, unknown>;

describe.each(engines)('consultation across two processes on $name', ({ env }) => {
  it('opens one thread for one colliding file set and settles racing verbs once', async () => {
    const shared = env();
    const servers: ServerProcess[] = await Promise.all([startServer({ env: shared }), startServer({ env: shared })]);
    const project = `race-${randomUUID().slice(0, 8)}`;
    const agents = Array.from({ length: AGENTS }, (_, i) => `agent-${i}`);
    const on = (agent: string, i: number): CallCommand => restCaller((servers[i % 2] as ServerProcess).url, project, agent);
    for (const [i, a] of agents.entries()) await on(a, i)('register_agent', {});

    const answers = await Promise.all(agents.map((a, i) => on(a, i)('announce_work', { description: `${a} edits shared`, target_files: ['src/shared.ts', `src/own-${i}.ts`] })));
    const threads = (await on('agent-0', 0)('list_threads', { all: true }))['threads'] as Out[];
    expect(threads, JSON.stringify(threads)).toHaveLength(1);
    const threadId = threads[0]?.['thread_id'];
    const concerned = answers.filter((r) => r['verdict'] === 'concerned');
    expect(concerned.length).toBe(AGENTS - 1);
    for (const r of concerned) expect(r['thread_id']).toBe(threadId);
    const opened = (await on('agent-0', 1)('get_events', { types: ['thread.opened'], limit: 100 }))['events'] as Out[];
    expect(opened).toHaveLength(1);

    // Each coordinator scores from its own conflict index, fed by the log: the same announce gets the same verdict on both.
    await on('late', 0)('register_agent', {});
    const probe = { description: 'late', key: 'late', target_files: ['src/shared.ts', 'src/own-3.ts'] };
    const here = await on('late', 0)('announce_work', probe);
    const there = await on('late', 1)('announce_work', probe);
    expect([there['verdict'], there['score'], there['peers']]).toEqual([here['verdict'], here['score'], here['peers']]);

    // Two approvals racing on two servers: the thread resolves once.
    const trio = ['agent-0', 'agent-1', 'agent-2'];
    for (const a of trio) await on(a, 0)('update_intent', { intent_id: answers[agents.indexOf(a)]?.['intent_id'], mode: 'withdraw' }).catch(() => undefined);
    const [i0, r1, r2] = [on('agent-0', 0), on('agent-1', 1), on('agent-2', 0)];
    await i0('announce_work', { description: 'pair', target_files: ['src/pair.ts'] });
    await r1('announce_work', { description: 'pair', target_files: ['src/pair.ts'] });
    const pair = await r2('announce_work', { description: 'pair', target_files: ['src/pair.ts'] });
    const pairThread = pair['thread_id'] as string;
    await r2('resolve_thread', { thread_id: pairThread, verb: 'propose', text: 'split' });
    const votes = await Promise.allSettled([on('agent-0', 0)('resolve_thread', { thread_id: pairThread, verb: 'approve' }), on('agent-1', 1)('resolve_thread', { thread_id: pairThread, verb: 'approve' })]);
    expect(votes.map((v) => v.status)).toEqual(['fulfilled', 'fulfilled']);
    const settled = ((await i0('list_threads', { thread_id: pairThread }))['thread']) as Out;
    expect(settled).toMatchObject({ status: 'resolved', resolution: { outcome: 'consensus' } });
    const resolved = ((await r1('get_events', { types: ['thread.resolved'], limit: 100 }))['events'] as Out[]).filter((e) => e['subject'] === pairThread);
    expect(resolved).toHaveLength(1);

    // Approve racing contest: exactly one contest; the approval either came first or is refused.
    const [a3, a4, a5] = [on('agent-3', 1), on('agent-4', 0), on('agent-5', 1)];
    for (const a of ['agent-3', 'agent-4', 'agent-5']) await on(a, 0)('update_intent', { intent_id: answers[agents.indexOf(a)]?.['intent_id'], mode: 'withdraw' }).catch(() => undefined);
    await a3('announce_work', { description: 'tri', target_files: ['src/tri.ts'] });
    await a4('announce_work', { description: 'tri', target_files: ['src/tri.ts'] });
    const tri = (await a5('announce_work', { description: 'tri', target_files: ['src/tri.ts'] }))['thread_id'] as string;
    await a5('resolve_thread', { thread_id: tri, verb: 'propose', text: 'mine' });
    const [approval, contest] = await Promise.allSettled([a3('resolve_thread', { thread_id: tri, verb: 'approve' }), a4('resolve_thread', { thread_id: tri, verb: 'contest', text: 'no' })]);
    expect(contest.status).toBe('fulfilled');
    if (approval.status === 'rejected') expect(errorCode(approval.reason)).toBe('INVALID_STATE');
    expect(((await a3('list_threads', { thread_id: tri }))['thread']) as Out).toMatchObject({ status: 'open', round: 2 });
    const contested = ((await a4('get_events', { types: ['thread.contested'], limit: 100 }))['events'] as Out[]).filter((e) => e['subject'] === tri);
    expect(contested).toHaveLength(1);
    await Promise.all(servers.map((s) => s.stop()));
  }, 120_000);
});
