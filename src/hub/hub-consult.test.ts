/**
 * @module Consultation through the hub on in-memory SQLite with a fake clock:
 * seed 004's scenarios (same file → thread → consensus; same module → gray zone,
 * no thread; dependency vs target → 80 both ways; no overlap → pass), rounds,
 * deadlines, inbox reads that do not consume, waits that wake, acks, departures,
 * task completion, the dependency map, seed-name aliases and hostile input.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoordinationError, type ErrorCode } from '../core/errors.js';
import { createFakeClock, type FakeClock } from '../store/conformance/index.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { createHub, type Hub } from './hub.js';

let clock: FakeClock;
let store: Store;
let hub: Hub;
let project: string;

beforeEach(() => {
  clock = createFakeClock();
  store = createSqliteStore({ path: ':memory:', clock });
  hub = createHub({ store });
  project = `consult-${randomUUID().slice(0, 8)}`;
});

afterEach(async () => {
  await hub.close();
  await store.close();
});

type Out = Record<string, unknown>;
const run = (agent: string, name: string, input: Record<string, unknown> = {}) => hub.execute(name, input, { project, agentId: agent });
const announce = (agent: string, input: Record<string, unknown>) => run(agent, 'announce_work', { description: `${agent}'s work`, ...input });

async function failure(call: Promise<unknown>, code: ErrorCode): Promise<CoordinationError> {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(CoordinationError);
    expect((error as CoordinationError).code).toBe(code);
    return error as CoordinationError;
  }
  throw new Error(`expected ${code}`);
}

async function agents(...ids: string[]): Promise<void> {
  for (const id of ids) await run(id, 'register_agent', {});
}

describe("seed 004's scenarios", () => {
  it('same file: the later announce is concerned and opens a thread that reaches consensus', async () => {
    await agents('alice', 'bob');
    expect(await announce('alice', { target_files: ['src/auth.ts'] })).toMatchObject({ verdict: 'pass', thread_id: null, peers: [] });
    const bob = await announce('bob', { target_files: ['src/auth.ts'] });
    expect(bob).toMatchObject({ verdict: 'concerned', score: 100, layer: '0a', peers: [{ agent_id: 'alice', score: 100, category: 'concerned', layer: '0a' }] });
    const threadId = bob['thread_id'] as string;
    // The answer says what to do next, naming the thread.
    expect(bob['next']).toContain(threadId);
    const inbox = await run('alice', 'get_inbox');
    expect(inbox).toMatchObject({ unread_count: 1, deliveries: [{ thread_id: threadId, from: 'bob', importance: 'high' }] });
    // Reading does not consume.
    expect((await run('alice', 'get_inbox'))['unread_count']).toBe(1);
    await run('alice', 'post_to_thread', { thread_id: threadId, text: 'I only touch login()', type: 'answer' });
    await run('alice', 'resolve_thread', { thread_id: threadId, verb: 'propose', text: 'alice first, then bob' });
    const done = await run('bob', 'approve_resolution', { thread_id: threadId });
    expect(done['thread']).toMatchObject({ status: 'resolved', resolution: { outcome: 'consensus' } });
    const read = await run('bob', 'list_threads', { thread_id: threadId });
    expect((read['posts'] as Out[]).map((p) => p['type'])).toEqual(['context', 'answer', 'proposal', 'resolution']);
    // The agreement stands for the same files while both intents are live.
    expect(await announce('bob', { target_files: ['src/auth.ts'] })).toMatchObject({ verdict: 'concerned_agreed', agreed_in: threadId });
  });

  it('same module: gray zone and no thread', async () => {
    await agents('alice', 'bob');
    await announce('alice', { target_files: ['src/auth/login.ts'], modules: ['src/auth'] });
    const bob = await announce('bob', { target_files: ['src/auth/session.ts'], modules: ['src/auth'] });
    expect(bob).toMatchObject({ verdict: 'gray_zone', score: 30, layer: '3', thread_id: null });
    expect((await run('bob', 'list_threads', { all: true }))['threads']).toEqual([]);
  });

  it('dependency against target scores 80 both ways; no overlap passes', async () => {
    await agents('alice', 'bob', 'carol');
    await announce('alice', { target_files: ['src/db.ts'] });
    expect(await announce('bob', { target_files: ['src/api.ts'], depends_on: ['src/db.ts', 'src/cfg.ts'] })).toMatchObject({ verdict: 'gray_zone', score: 80, layer: '0b' });
    expect(await announce('carol', { target_files: ['src/cfg.ts'] })).toMatchObject({ verdict: 'gray_zone', score: 80, layer: '0c', thread_id: null });
    expect(await announce('carol', { target_files: ['docs/readme.md'], key: 'other' })).toMatchObject({ verdict: 'pass', peers: [] });
  });

  it('scores an exclusive reservation and a claimed task without any intent', async () => {
    await agents('alice', 'bob');
    await run('bob', 'reserve_files', { paths: ['src/api/**'] });
    expect(await announce('alice', { target_files: ['src/api/users.ts'] })).toMatchObject({ verdict: 'concerned', layer: 'R1', blocked_files: ['src/api/users.ts'] });
    await run('alice', 'add_task', { tasks: [{ id: 'T1', title: 'x', files: ['lib/x.ts'] }] });
    await run('bob', 'claim_task', { task_id: 'T1' });
    expect(await announce('alice', { target_files: ['lib/x.ts'], key: 'b' })).toMatchObject({ score: 90, layer: 'T1' });
  });

  it('scores a recent edit, decayed later, and a neighbour in the import graph', async () => {
    await agents('alice', 'bob');
    await run('bob', 'record_file_edit', { files: ['src/a.ts'] });
    expect(await announce('alice', { target_files: ['src/a.ts'] })).toMatchObject({ score: 100, layer: '1' });
    clock.advance(60 * 60_000);
    await run('bob', 'heartbeat', {});
    expect(await announce('alice', { target_files: ['src/a.ts'], key: 'k' })).toMatchObject({ score: 60, layer: '1' });
    await run('alice', 'set_dependency_map', { modules: { 'src/b.ts': ['src/c.ts'], 'src/c.ts': [] } });
    await announce('bob', { target_files: ['src/c.ts'] });
    expect(await announce('alice', { target_files: ['src/b.ts'], key: 'g' })).toMatchObject({ score: 30, layer: '3', peers: [{ evidence: [{ via: { graph_path: 'src/b.ts→src/c.ts' } }] }] });
  });
});

describe('threads', () => {
  it('keeps the evidence that opened a consultation, and lets an outsider observe it without a vote', async () => {
    await agents('alice', 'bob', 'operator');
    await announce('alice', { target_files: ['src/auth.ts'] });
    const threadId = (await announce('bob', { target_files: ['src/auth.ts'] }))['thread_id'] as string;
    const read = (await run('operator', 'list_threads', { thread_id: threadId }))['thread'] as Out;
    expect(read['opened_because']).toEqual([{ agent_id: 'alice', score: 100, layer: '0a', reason: expect.stringContaining('same file') as string, files: ['src/auth.ts'] }]);
    // The list stays lean: the evidence is read with the thread.
    expect(((await run('operator', 'list_threads', { all: true }))['threads'] as Out[])[0]).not.toHaveProperty('opened_because');
    await failure(run('operator', 'post_to_thread', { thread_id: threadId, text: 'hello' }), 'FORBIDDEN');
    const observed = (await run('operator', 'resolve_thread', { thread_id: threadId, verb: 'observe' }))['thread'] as Out;
    expect(observed['participants']).toContainEqual({ agent_id: 'operator', role: 'observer' });
    // Observing twice changes nothing (and appends no second event).
    const joined = async () => ((await run('operator', 'get_events', { types: ['thread.joined'] }))['events'] as Out[]).length;
    const before = await joined();
    await run('operator', 'resolve_thread', { thread_id: threadId, verb: 'observe' });
    expect(await joined()).toBe(before);
    await run('operator', 'post_to_thread', { thread_id: threadId, text: 'alice first, please' });
    await failure(run('operator', 'resolve_thread', { thread_id: threadId, verb: 'propose', text: 'x' }), 'FORBIDDEN');
    // The observer is not a voter: alice's approval alone settles bob's proposal.
    await run('bob', 'resolve_thread', { thread_id: threadId, verb: 'propose', text: 'alice first' });
    expect(((await run('alice', 'approve_resolution', { thread_id: threadId }))['thread'] as Out)['status']).toBe('resolved');
    const direct = (await run('alice', 'send_message', { to: ['bob'], text: 'hi' }))['thread_id'] as string;
    await failure(run('operator', 'resolve_thread', { thread_id: direct, verb: 'observe' }), 'INVALID_STATE');
  });

  it('contests into a new round, drops stale approvals, and ends at max rounds', async () => {
    await agents('alice', 'bob', 'carol');
    await announce('alice', { target_files: ['x.ts'] });
    await announce('carol', { target_files: ['x.ts'] });
    const threadId = (await announce('bob', { target_files: ['x.ts'] }))['thread_id'] as string;
    const thread = (await run('bob', 'list_threads', { thread_id: threadId }))['thread'] as Out;
    expect((thread['participants'] as Out[]).map((p) => p['agent_id']).sort()).toEqual(['alice', 'bob', 'carol']);
    await run('bob', 'resolve_thread', { thread_id: threadId, verb: 'propose', text: 'p1' });
    await run('alice', 'resolve_thread', { thread_id: threadId, verb: 'approve' });
    const contested = await run('carol', 'resolve_thread', { thread_id: threadId, verb: 'contest', text: 'no' });
    expect(contested['thread']).toMatchObject({ status: 'open', round: 2 });
    expect((contested['thread'] as Out)['approvals']).toBeUndefined();
    await run('bob', 'resolve_thread', { thread_id: threadId, verb: 'propose', text: 'p2' });
    await run('carol', 'resolve_thread', { thread_id: threadId, verb: 'contest', text: 'no' });
    await run('bob', 'resolve_thread', { thread_id: threadId, verb: 'propose', text: 'p3' });
    const last = await run('carol', 'contest_resolution', { thread_id: threadId, text: 'still no' });
    expect(last['thread']).toMatchObject({ status: 'resolved', resolution: { outcome: 'max_rounds' } });
    await failure(run('bob', 'post_to_thread', { thread_id: threadId, text: 'late' }), 'INVALID_STATE');
    await failure(run('alice', 'resolve_thread', { thread_id: threadId, verb: 'propose' }), 'INVALID_STATE');
  });

  it('refuses a non-participant and a respondent closing, and times out once at the deadline', async () => {
    await agents('alice', 'bob', 'mallory');
    await announce('alice', { target_files: ['x.ts'] });
    const threadId = (await announce('bob', { target_files: ['x.ts'] }))['thread_id'] as string;
    await failure(run('mallory', 'post_to_thread', { thread_id: threadId, text: 'hi' }), 'FORBIDDEN');
    await failure(run('alice', 'close_thread', { thread_id: threadId }), 'FORBIDDEN');
    await failure(run('alice', 'resolve_thread', { thread_id: 'thr-nope', verb: 'approve' }), 'NOT_FOUND');
    clock.advance(10 * 60_000);
    await hub.sweepOnce();
    const t = (await run('bob', 'list_threads', { thread_id: threadId }))['thread'] as Out;
    expect(t).toMatchObject({ status: 'resolved', resolution: { outcome: 'timeout', unanswered: ['alice'] } });
    const events = await run('bob', 'get_events', { types: ['thread.resolved'] });
    expect(events['events']).toHaveLength(1);
  });

  it('a departing respondent leaves only its threads; the initiator leaving cancels', async () => {
    await agents('alice', 'bob', 'carol', 'dave');
    await announce('alice', { target_files: ['x.ts'] });
    const t1 = (await announce('bob', { target_files: ['x.ts'] }))['thread_id'] as string;
    await announce('carol', { target_files: ['y.ts'] });
    const t2 = (await announce('dave', { target_files: ['y.ts'] }))['thread_id'] as string;
    await run('alice', 'sign_off');
    expect((await run('bob', 'list_threads', { thread_id: t1 }))['thread']).toMatchObject({ status: 'resolved', resolution: { outcome: 'no_respondents' } });
    expect((await run('dave', 'list_threads', { thread_id: t2 }))['thread']).toMatchObject({ status: 'open' });
    await run('dave', 'sign_off');
    expect((await run('carol', 'list_threads', { thread_id: t2 }))['thread']).toMatchObject({ status: 'cancelled' });
    expect(await run('carol', 'list_intents', { agent: 'dave' })).toMatchObject({ intents: [] });
  });
});

describe('intents', () => {
  it('renews by an edit, withdraws, expires at its TTL, and is done when its task completes', async () => {
    await agents('alice');
    const a = await announce('alice', { target_files: ['src/**'], ttl_seconds: 600 });
    clock.advance(300_000);
    expect(await run('alice', 'record_file_edit', { files: ['src/x.ts'] })).toMatchObject({ renewed_intents: [a['intent_id']] });
    clock.advance(400_000);
    await hub.sweepOnce();
    expect((await run('alice', 'list_intents'))['intents']).toHaveLength(1);
    clock.advance(300_000);
    await run('alice', 'heartbeat', {});
    await hub.sweepOnce();
    expect((await run('alice', 'list_intents', { status: 'expired' }))['intents']).toHaveLength(1);
    await failure(run('alice', 'renew_intent', { intent_id: a['intent_id'] }), 'INVALID_STATE');
    const w = await announce('alice', { target_files: ['b.ts'] });
    expect(await run('alice', 'withdraw_intent', { intent_id: w['intent_id'] })).toMatchObject({ intent: { status: 'withdrawn' } });
    await failure(run('bob', 'update_intent', { intent_id: w['intent_id'], mode: 'renew' }), 'AGENT_REQUIRED');
    await run('alice', 'add_task', { tasks: [{ id: 'T', title: 't', files: ['t.ts'] }] });
    const claimed = await run('alice', 'claim_task', { task_id: 'T' });
    const t = await announce('alice', { target_files: ['t.ts'], task_id: 'T' });
    await run('alice', 'update_task', { task_id: 'T', token: (claimed['token']) ?? ((claimed['task'] as Out | undefined)?.['token']), status: 'done' });
    expect((await run('alice', 'list_intents', { status: 'done' }))['intents']).toMatchObject([{ intent_id: t['intent_id'] }]);
  });

  it('replays a request_id and refuses hostile input with typed errors', async () => {
    await agents('alice', 'bob');
    await announce('alice', { target_files: ['x.ts'] });
    const first = await announce('bob', { target_files: ['x.ts'], request_id: 'r1' });
    const again = await announce('bob', { target_files: ['x.ts'], request_id: 'r1' });
    expect(again).toEqual(first);
    expect((await run('bob', 'list_threads'))['threads']).toHaveLength(1);
    await failure(announce('bob', { target_files: [] }), 'INVALID_INPUT');
    await failure(announce('bob', { target_files: ['x'.repeat(501)] }), 'INVALID_INPUT');
    await failure(announce('bob', { target_files: ['a.ts'], ttl_seconds: 9 * 3600 }), 'INVALID_INPUT');
    await failure(announce('bob', { target_files: ['a.ts'], task_id: 'nope' }), 'NOT_FOUND');
    await failure(announce('nobody', { target_files: ['a.ts'] }), 'AGENT_REQUIRED');
    await failure(run('bob', 'set_dependency_map', { modules: 'nope' }), 'INVALID_INPUT');
    await failure(run('bob', 'set_dependency_map', { modules: [{ source: 1 }] }), 'INVALID_INPUT');
    await failure(run('bob', 'get_inbox', { after: 10_000 }), 'CURSOR_AHEAD');
    await failure(run('bob', 'ack_messages', {}), 'INVALID_INPUT');
    await failure(run('bob', 'send_message', { to: ['ghost'], text: 'x' }), 'NOT_FOUND');
  });
});

describe('messages and activity', () => {
  it('shows when an ack is due and that it is overdue, and tells the sender once', async () => {
    await agents('alice', 'bob');
    await run('alice', 'send_message', { to: ['bob'], text: 'release at 5?', ack_required: true });
    const [delivery] = (await run('bob', 'get_inbox'))['deliveries'] as Out[];
    expect(delivery).toMatchObject({ ack_required: true, due_at: new Date(clock.now() + 30 * 60_000).toISOString() });
    expect(delivery).not.toHaveProperty('overdue');
    clock.advance(30 * 60_000 + 1_000);
    await hub.sweepOnce();
    expect(((await run('bob', 'get_inbox'))['deliveries'] as Out[])[0]).toMatchObject({ overdue: true });
    const told = async () => ((await run('alice', 'get_events', { types: ['message.overdue'] }))['events'] as Out[]).length;
    expect(await told()).toBe(1);
    await hub.sweepOnce();
    expect(await told()).toBe(1);
    await run('bob', 'ack_messages', { seqs: [delivery?.['seq']] });
    const acked = ((await run('bob', 'get_inbox', { unread_only: false }))['deliveries'] as Out[])[0];
    expect(acked).not.toHaveProperty('overdue');
    expect(acked).not.toHaveProperty('due_at');
  });

  it('broadcasts to live members, waits wake on a delivery, acks are idempotent', async () => {
    await agents('alice', 'bob', 'carol');
    const waiting = run('bob', 'get_inbox', { wait_seconds: 5 });
    await new Promise((r) => setTimeout(r, 20));
    const sent = await run('alice', 'send_message', { to: ['project'], text: 'release at 5', ack_required: true });
    expect((sent['recipients'] as string[]).sort()).toEqual(['bob', 'carol']);
    const woke = await waiting;
    expect(woke).toMatchObject({ deliveries: [{ from: 'alice', text: 'release at 5', ack_required: true }] });
    expect(woke['timed_out']).toBeUndefined();
    const seq = sent['seq'] as number;
    const a1 = await run('bob', 'ack_messages', { seqs: [seq] });
    clock.advance(1000);
    expect(await run('bob', 'ack_messages', { seqs: [seq] })).toEqual(a1);
    expect(await run('bob', 'get_inbox')).toMatchObject({ unread_count: 0, deliveries: [] });
    expect((await run('bob', 'get_inbox', { unread_only: false }))['deliveries']).toHaveLength(1);
    expect(await run('carol', 'get_inbox', { wait_seconds: 0.05, after: seq })).toMatchObject({ timed_out: true, cursor: seq });
    expect(await run('carol', 'get_queued_messages')).toMatchObject({ unread_count: 1 });
  });

  it('reports hot files, session files, conflicts, agent activity and the blast radius', async () => {
    await agents('alice', 'bob');
    await run('alice', 'record_file_edit', { files: ['a.ts', 'b.ts'] });
    await run('bob', 'record_file_edit', { files: ['a.ts'] });
    expect(await run('bob', 'hot_files')).toMatchObject({ files: [{ file: 'a.ts', editors: expect.arrayContaining(['alice', 'bob']) as unknown }] });
    expect(((await run('alice', 'get_session_files'))['files'] as Out[]).map((f) => f['file']).sort()).toEqual(['a.ts', 'b.ts']);
    expect(await run('bob', 'check_file_conflict', { files: ['b.ts'] })).toMatchObject({ conflict: true, files: [{ file: 'b.ts', editors: ['alice'] }] });
    expect((await run('bob', 'agent_activity'))['agents']).toHaveLength(2);
    expect((await run('bob', 'log_action_summary', { summary: 'refactored a.ts' }))['event_id']).toBeGreaterThan(0);
    await run('bob', 'set_dependency_map', { modules: { 'a.ts': ['b.ts'], 'b.ts': ['c.ts'], 'c.ts': ['a.ts'] }, source: 'test' });
    await announce('alice', { target_files: ['a.ts'] });
    const radius = await run('bob', 'get_blast_radius', { file: 'c.ts', depth: 5 });
    expect(radius).toMatchObject({ version: 1, file: 'c.ts', depends_on: ['a.ts'], dependents: ['b.ts'], truncated: false, intents: [{ agent_id: 'alice', file: 'a.ts' }] });
    expect((radius['nodes'] as Out[]).map((n) => [n['node'], n['depth']])).toEqual([['b.ts', 1], ['a.ts', 2]]);
    expect((await run('bob', 'dependency_map', { file: 'c.ts', depth: 1, limit: 1 }))['truncated']).toBe(false);
  });
});

describe('the conflict index of a coordinator', () => {
  it('stays exact through every kind of change, and agrees with a second coordinator and with a complete read', async () => {
    await agents('alice', 'bob', 'carol', 'probe');
    // A second coordinator on the same database with its own bus: it learns of changes only from the log.
    const other = createHub({ store });
    const fresh = async (): Promise<Out> => {
      const cold = createHub({ store });
      try {
        return await cold.execute('announce_work', probe, { project, agentId: 'probe' });
      } finally {
        await cold.close();
      }
    };
    const probe = { description: 'probe', key: 'probe', target_files: ['src/a.ts', 'src/b.ts', 'src/api/x.ts', 'lib/t.ts'], depends_on: ['src/dep.ts'] };
    const peersOf = (r: Out) => JSON.stringify(r['peers']);
    const check = async (): Promise<string> => {
      const here = await run('probe', 'announce_work', probe);
      const there = await other.execute('announce_work', probe, { project, agentId: 'probe' });
      expect(peersOf(there)).toBe(peersOf(here));
      expect(peersOf(await fresh())).toBe(peersOf(here));
      return peersOf(here);
    };
    try {
      expect(await check()).toBe('[]');
      const intent = await announce('alice', { target_files: ['src/a.ts'] });
      expect(await check()).toContain('"layer":"0a"');
      await announce('alice', { target_files: ['src/dep.ts'], key: 'k' });
      await run('alice', 'update_intent', { intent_id: intent['intent_id'], mode: 'withdraw' });
      expect(await check()).toContain('"layer":"0b"');
      await run('bob', 'reserve_files', { paths: ['src/api/**'] });
      expect(await check()).toContain('"layer":"R1"');
      await run('bob', 'release_files', {});
      await run('carol', 'add_task', { tasks: [{ id: 'T1', title: 'x', files: ['lib/t.ts'] }] });
      await run('carol', 'claim_task', { task_id: 'T1' });
      expect(await check()).toContain('"layer":"T1"');
      await run('bob', 'record_file_edit', { files: ['src/b.ts'] });
      expect(await check()).toContain('"layer":"1"');
      // Time alone: the edit decays, the intent expires; nobody's work changed in the log.
      clock.advance(45 * 60_000);
      for (const a of ['alice', 'bob', 'carol']) await run(a, 'heartbeat', {});
      expect(await check()).toContain('"score":60');
      await run('carol', 'sign_off', {});
      const last = await check();
      expect(last).not.toContain('carol');
    } finally {
      await other.close();
    }
  });
});
