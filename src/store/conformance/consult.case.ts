/**
 * @module Conformance cases for consultation: the docs table (point reads, lists
 * by owner/status/sort, deletes, expiry) through the ConsultStore port, and the
 * atomic steps over it — announce scoring and one thread per colliding file set,
 * the thread verbs, deliveries and idempotent acks, edits renewing intents,
 * departures and task completion ending intents, the sweep's expiries, and the
 * dependency map's versions.
 */
import { expect } from 'vitest';
import { ConflictIndex } from '../../core/consult/conflict-index.js';
import type { AnnounceInput, ConsultPolicy, IndexHandle, IndexObservation, IndexSnapshot } from '../consult-port.js';
import { expectCode, MINUTE, ofType, SECOND, THRESHOLDS, SWEEP_POLICY, type Harness, type StoreTestEnv } from './harness.js';

const POLICY: ConsultPolicy = { thresholds: THRESHOLDS, editWindowMs: 30 * MINUTE, editDecayMs: 120 * MINUTE, editRetentionMs: 24 * 60 * MINUTE, roundTimeoutMs: 10 * MINUTE, maxRounds: 3, ackDueMs: 30 * MINUTE };

let n = 0;
const announce = (t: StoreTestEnv, agent: string, targets: string[], extra: Partial<AnnounceInput> = {}) => {
  n++;
  return t.store.consult.announce(t.ctx(), {
    agent, description: `work ${n}`, targets, depends: [], modules: [], symbols: [], taskId: null, key: null, ttlMs: 30 * MINUTE,
    intentId: `int-${n}`, threadId: `thr-${n}`, policy: POLICY, ...extra,
  });
};
const verb = (t: StoreTestEnv, threadId: string, agent: string, v: 'propose' | 'approve' | 'contest' | 'close' | 'cancel' | 'join' | 'post', text: string | null = 'ok') =>
  t.store.consult.actOnThread(t.ctx(), { threadId, agent, verb: v, text, policy: POLICY });

/** A coordinator's index handle frozen at `snap`, recording what the step read. */
function frozenIndex(snap: IndexSnapshot | null): IndexHandle & { seen: IndexObservation[] } {
  const seen: IndexObservation[] = [];
  return {
    seen,
    snapshot: () => snap,
    observed: (o) => {
      seen.push(o);
    },
  };
}

export function consultCases({ it }: Harness): void {
  it('scores from a stale conflict index by reading again the agents the log names since it, the batch’s own included', async (t) => {
    for (const a of ['alice', 'bob', 'carol', 'dave', 'erin']) await t.register(a);
    const cold = frozenIndex(null);
    const first = await announce(t, 'alice', ['a.ts'], { index: cold });
    expect(cold.seen).toHaveLength(1);
    const built = cold.seen[0] as IndexObservation;
    expect(built.complete).toBe(true);
    expect(built.at).toBe((first.events[0]?.id ?? 0) - 1);
    // Read before alice's own intent: her intent.announced event, like bob's, is in the log after the index.
    const index = ConflictIndex.of(built.work);
    for (const [id, m] of built.members) index.setMember(id, m);
    const stale: IndexSnapshot = { index, seenThrough: built.at, dirty: new Set() };
    await announce(t, 'bob', ['b.ts']);
    const handle = frozenIndex(stale);
    const third = await announce(t, 'carol', ['a.ts', 'b.ts'], { index: handle });
    expect(third.result.score.peers.map((p) => [p.agent_id, p.layer])).toEqual([['alice', '0a'], ['bob', '0a']]);
    expect(handle.seen[0]).toMatchObject({ complete: false, at: (third.events[0]?.id ?? 0) - 1 });
    expect([...(handle.seen[0]?.work.keys() ?? [])].sort()).toEqual(['alice', 'bob']);
    // Two announces over one file in one batch, both on the same stale index: the later sees the earlier.
    const both = await Promise.all([announce(t, 'dave', ['z.ts'], { index: frozenIndex(stale) }), announce(t, 'erin', ['z.ts'], { index: frozenIndex(stale) })]);
    expect(both.map((w) => w.result.verdict).sort()).toEqual(['concerned', 'pass']);
  });


  it('scores an announce against a peer intent and opens one thread, delivered to the respondent', async (t) => {
    await t.register('alice');
    await t.register('bob');
    const first = await announce(t, 'alice', ['src/auth.ts']);
    expect(first.result).toMatchObject({ verdict: 'pass', threadId: null });
    const second = await announce(t, 'bob', ['src/auth.ts', 'src/db.ts']);
    expect(second.result.verdict).toBe('concerned');
    expect(second.result.score.peers[0]).toMatchObject({ agent_id: 'alice', score: 100, layer: '0a' });
    const threadId = second.result.threadId ?? '';
    expect(ofType(second.events, 'thread.opened')).toHaveLength(1);
    const thread = await t.store.consult.getDoc(t.project, 'thread', threadId);
    expect(thread).toMatchObject({ status: 'open', owner: 'bob', expiresAt: t.clock.now() + 10 * MINUTE });
    const inbox = await t.store.consult.listDocs(t.project, 'delivery', { owner: 'alice', status: 'unread' }, 10);
    expect(inbox).toHaveLength(1);
    expect(inbox[0]?.body).toMatchObject({ thread_id: threadId, importance: 'high' });
    expect(await t.store.consult.listDocs(t.project, 'delivery', { owner: 'bob' }, 10)).toEqual([]);
    // A third announce over the same files joins the thread instead of opening another.
    await t.register('carol');
    const third = await announce(t, 'carol', ['src/auth.ts']);
    expect(third.result).toMatchObject({ threadId, joined: true });
    expect(await t.store.consult.listDocs(t.project, 'thread', { status: 'open' }, 10)).toHaveLength(1);
    expect(await t.store.consult.listDocs(t.otherProject, 'thread', {}, 10)).toEqual([]);
  });

  it('runs a resolution round to consensus, refuses verbs after it, and counts approvals once', async (t) => {
    await t.register('alice');
    await t.register('bob');
    await announce(t, 'alice', ['a.ts']);
    const threadId = (await announce(t, 'bob', ['a.ts'])).result.threadId ?? '';
    await expectCode(verb(t, threadId, 'alice', 'approve'), 'INVALID_STATE');
    await expectCode(verb(t, threadId, 'mallory', 'propose'), 'FORBIDDEN');
    const proposed = await verb(t, threadId, 'alice', 'propose', 'I go first');
    expect(proposed.result.thread.status).toBe('resolving');
    const approved = await verb(t, threadId, 'bob', 'approve');
    expect(approved.result.thread).toMatchObject({ status: 'resolved', expiresAt: null, body: { resolution: { outcome: 'consensus' } } });
    expect(ofType(approved.events, 'thread.resolved')).toHaveLength(1);
    await expectCode(verb(t, threadId, 'bob', 'approve'), 'INVALID_STATE');
    await expectCode(verb(t, threadId, 'bob', 'post', 'late'), 'INVALID_STATE');
  });

  it('contests to a new round and resolves at max rounds', async (t) => {
    await t.register('alice');
    await t.register('bob');
    await announce(t, 'alice', ['a.ts']);
    const threadId = (await announce(t, 'bob', ['a.ts'])).result.threadId ?? '';
    for (let round = 1; round <= 3; round++) {
      await verb(t, threadId, 'bob', 'propose');
      const contested = await verb(t, threadId, 'alice', 'contest', 'no');
      if (round < 3) expect(contested.result.thread.body).toMatchObject({ status: 'open', round: round + 1, approvals: [] });
      else expect(contested.result.thread.body).toMatchObject({ status: 'resolved', resolution: { outcome: 'max_rounds' } });
    }
  });

  it('times a thread out once at its deadline and expires an intent at its TTL', async (t) => {
    await t.register('alice');
    await t.register('bob');
    const a = await announce(t, 'alice', ['a.ts'], { ttlMs: 60 * MINUTE });
    const threadId = (await announce(t, 'bob', ['a.ts'], { ttlMs: 60 * MINUTE })).result.threadId ?? '';
    t.clock.advance(10 * MINUTE - SECOND);
    await t.store.sweep(t.clock.now(), SWEEP_POLICY);
    expect((await t.store.consult.getDoc(t.project, 'thread', threadId))?.status).toBe('open');
    t.clock.advance(SECOND);
    const swept = await t.store.sweep(t.clock.now(), SWEEP_POLICY);
    expect(ofType(swept.events, 'thread.resolved')).toMatchObject([{ data: { outcome: 'timeout' } }]);
    expect((await t.store.sweep(t.clock.now(), SWEEP_POLICY)).events).toEqual([]);
    await t.store.heartbeat(t.ctx(), { id: 'alice', activity: 'working', currentFile: null, metadata: undefined });
    t.clock.advance(50 * MINUTE);
    const later = await t.store.sweep(t.clock.now(), SWEEP_POLICY);
    expect(ofType(later.events, 'intent.expired').map((e) => e.subject)).toContain(a.result.intent.id);
    expect((await t.store.consult.getDoc(t.project, 'intent', a.result.intent.id))?.status).toBe('expired');
  });

  it('renews an intent by an edit of its files, supersedes by key, withdraws on sign-off and is done with its task', async (t) => {
    await t.register('alice');
    await t.addTasks([{ id: 'T1', files: ['src/x.ts'] }]);
    const keyed = await announce(t, 'alice', ['src/x.ts'], { key: 'k', ttlMs: 10 * MINUTE });
    const replaced = await announce(t, 'alice', ['src/y.ts'], { key: 'k' });
    expect(ofType(replaced.events, 'intent.superseded')).toHaveLength(1);
    expect((await t.store.consult.getDoc(t.project, 'intent', keyed.result.intent.id))?.status).toBe('superseded');
    const forTask = await announce(t, 'alice', ['src/**'], { taskId: 'T1', ttlMs: 10 * MINUTE });
    t.clock.advance(5 * MINUTE);
    const edit = await t.store.consult.recordEdits(t.ctx(), 'alice', ['src/z.ts'], POLICY);
    expect(edit.result.renewed).toEqual([forTask.result.intent.id]);
    expect((await t.store.consult.getDoc(t.project, 'intent', forTask.result.intent.id))?.expiresAt).toBe(t.clock.now() + 10 * MINUTE);
    const claim = await t.store.claimTask({ ...t.ctx(), agent: { id: 'alice', thresholds: THRESHOLDS } }, { agent: 'alice', taskId: 'T1', ttlMs: MINUTE });
    if (!claim.result.ok) throw new Error('claim failed');
    const done = await t.store.updateTask(t.ctx(), { taskId: 'T1', agent: 'alice', token: claim.result.task.claim?.token ?? 0, status: 'done', renew: false });
    expect(ofType(done.events, 'intent.done').map((e) => e.subject)).toEqual([forTask.result.intent.id]);
    const left = await t.store.signOff(t.ctx(), 'alice');
    expect(ofType(left.events, 'intent.withdrawn').map((e) => e.subject)).toEqual([replaced.result.intent.id]);
    expect(await t.store.consult.listDocs(t.project, 'intent', { owner: 'alice', status: 'active' }, 10)).toEqual([]);
  });

  it('delivers a broadcast to live members only, acks idempotently with the first time, and pages deliveries by seq', async (t) => {
    for (const a of ['alice', 'bob', 'carol']) await t.register(a);
    t.clock.advance(4 * 60 * MINUTE);
    await t.store.heartbeat(t.ctx(), { id: 'alice', activity: 'working', currentFile: null, metadata: undefined });
    await t.store.heartbeat(t.ctx(), { id: 'bob', activity: 'working', currentFile: null, metadata: undefined });
    const sent = await t.store.consult.sendMessage(t.ctx(), { agent: 'alice', to: 'project', subject: 's', text: 'hello', importance: 'normal', ackRequired: true, threadId: null, newThreadId: 'thr-b', policy: POLICY });
    expect(sent.result.recipients).toEqual(['bob']);
    for (let i = 0; i < 3; i++) await t.store.consult.sendMessage(t.ctx(), { agent: 'alice', to: ['bob'], subject: 's', text: `m${i}`, importance: 'high', ackRequired: false, threadId: null, newThreadId: `thr-d${i}`, policy: POLICY });
    const all = await t.store.consult.listDocs(t.project, 'delivery', { owner: 'bob' }, 10);
    expect(all.map((d) => d.sort)).toEqual([...all.map((d) => d.sort)].sort((x, y) => x - y));
    expect(await t.store.consult.listDocs(t.project, 'delivery', { owner: 'bob', from: (all[1]?.sort ?? 0) + 1 }, 1)).toHaveLength(1);
    const first = await t.store.consult.ackMessages(t.ctx(), 'bob', [all[0]?.sort ?? 0], null);
    t.clock.advance(SECOND);
    const again = await t.store.consult.ackMessages(t.ctx(), 'bob', [all[0]?.sort ?? 0], null);
    expect(again.result).toEqual(first.result);
    expect(again.events).toEqual([]);
    expect((await t.store.consult.ackMessages(t.ctx(), 'bob', null, all[2]?.sort ?? 0)).result).toHaveLength(2);
    expect(await t.store.consult.listDocs(t.project, 'delivery', { owner: 'bob', status: 'unread' }, 10)).toHaveLength(1);
    await expectCode(t.store.consult.sendMessage(t.ctx(), { agent: 'alice', to: ['ghost'], subject: 's', text: 'x', importance: 'normal', ackRequired: false, threadId: null, newThreadId: 'thr-g', policy: POLICY }), 'NOT_FOUND');
  });

  it('marks a message unacked at its due time overdue once, and never one acked in time', async (t) => {
    for (const a of ['alice', 'bob', 'carol']) await t.register(a);
    const send = (to: string, id: string) => t.store.consult.sendMessage(t.ctx(), { agent: 'alice', to: [to], subject: 's', text: 'ack me', importance: 'normal', ackRequired: true, threadId: null, newThreadId: id, policy: POLICY });
    await send('bob', 'thr-o1');
    await send('carol', 'thr-o2');
    const [carols] = await t.store.consult.listDocs(t.project, 'delivery', { owner: 'carol' }, 10);
    expect(carols?.expiresAt).toBe(t.clock.now() + POLICY.ackDueMs);
    await t.store.consult.ackMessages(t.ctx(), 'carol', [carols?.sort ?? 0], null);
    t.clock.advance(POLICY.ackDueMs - SECOND);
    expect(ofType((await t.store.sweep(t.clock.now(), SWEEP_POLICY)).events, 'message.overdue')).toEqual([]);
    t.clock.advance(2 * SECOND);
    const overdue = ofType((await t.store.sweep(t.clock.now(), SWEEP_POLICY)).events, 'message.overdue');
    expect(overdue.map((e) => e.data)).toEqual([{ thread_id: 'thr-o1', seq: expect.any(Number) as number, from: 'alice', to: 'bob' }]);
    t.clock.advance(POLICY.ackDueMs);
    expect(ofType((await t.store.sweep(t.clock.now(), SWEEP_POLICY)).events, 'message.overdue')).toEqual([]);
    // Still unread, and readable: overdue is news, not a state.
    expect(await t.store.consult.listDocs(t.project, 'delivery', { owner: 'bob', status: 'unread' }, 10)).toHaveLength(1);
  });

  it('scores reservations and claimed tasks without any intent, and the dependency map versions', async (t) => {
    await t.register('alice');
    await t.register('bob');
    await t.reserve('bob', ['src/api/**']);
    expect((await announce(t, 'alice', ['src/api/user.ts'])).result.score.peers[0]).toMatchObject({ agent_id: 'bob', layer: 'R1', score: 100 });
    const v1 = await t.store.consult.setDependencyMap(t.ctx(), 'alice', { 'a.ts': ['b.ts'] }, 'test', null);
    const v2 = await t.store.consult.setDependencyMap(t.ctx(), 'alice', { 'a.ts': ['c.ts'] }, 'test', null);
    expect([v1.result.version, v2.result.version]).toEqual([1, 2]);
    expect((await t.store.consult.getDoc(t.project, 'depmap', 'current'))?.body).toMatchObject({ version: 2, modules: { 'a.ts': ['c.ts'] } });
  });
}
