/**
 * @module The hub's answers as a model meets them: unknown arguments refused
 * with a "did you mean", lists paged (every row seen once), live agents by
 * default, and the next step in each answer — who got a released lock, what a
 * completion unblocked, what is coming when nothing is ready, what a refused
 * reservation overlaps (and taking the free paths), what a sign-off released —
 * and the session macros. On in-memory SQLite with a fake clock.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeClock, type FakeClock } from '../store/conformance/index.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { COMMANDS } from './commands/index.js';
import { DEFAULT_HUB_CONFIG } from './config.js';
import type { Caller } from './context.js';
import { createHub, type Hub } from './hub.js';
import { refusal } from '../../test/support/refusal.js';

let clock: FakeClock;
let store: Store;
let hub: Hub;
let project: string;

beforeEach(() => {
  clock = createFakeClock();
  store = createSqliteStore({ path: ':memory:', clock });
  hub = createHub({ store });
  project = `surface-${randomUUID().slice(0, 8)}`;
});

afterEach(async () => {
  await hub.close();
  await store.close();
});

const as = (agentId?: string): Caller => ({ project, agentId });
const run = (name: string, input: Record<string, unknown> = {}, caller: Caller = as()) => hub.execute(name, input, caller);
const register = (agentId: string) => run('register_agent', {}, as(agentId));

describe('arguments', () => {
  it('refuses an unknown argument with the name it most likely meant, never dropping it', async () => {
    await register('alice');
    const wrong = await refusal(run('acquire_lock', { name: 'pytest', timeout_seconds: 30 }, as('alice')));
    expect(wrong.code).toBe('INVALID_INPUT');
    expect(wrong.message).toMatch(/no argument 'timeout_seconds': did you mean 'wait_seconds'\?/);
    expect(wrong.details).toMatchObject({ field: 'timeout_seconds', did_you_mean: 'wait_seconds' });
    expect((await refusal(run('claim_task', { taskid: 'x' }, as('alice')))).details).toMatchObject({ did_you_mean: 'task_id' });
    expect((await refusal(run('add_task', { tasks: [{ title: 't', colour: 'red' }] }, as('alice')))).code).toBe('INVALID_INPUT');
    expect(await run('list_locks', {}, as('alice'))).toMatchObject({ locks: [] });
  });
});

describe('lists', () => {
  it('pages through 2,000 tasks, every task seen once, with totals and a cursor', async () => {
    await register('alice');
    for (let i = 0; i < 2000; i += 500) await run('add_task', { tasks: Array.from({ length: 500 }, (_, j) => ({ id: `t${i + j}`, title: `Task ${i + j}` })) }, as('alice'));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await run('get_all_tasks', { limit: 150, ...(cursor ? { cursor } : {}) });
      expect(page['total']).toBe(2000);
      seen.push(...(page['tasks'] as { id: string }[]).map((t) => t.id));
      cursor = page['next_cursor'] as string | undefined;
      expect(page['truncated']).toBe(cursor !== undefined);
      pages++;
    } while (cursor);
    expect(pages).toBe(14);
    expect(seen).toHaveLength(2000);
    expect(new Set(seen).size).toBe(2000);
    const first = await run('get_all_tasks');
    expect(first['tasks']).toHaveLength(50);
    expect(first['tasks']).toContainEqual({ id: 't0', title: 'Task 0', status: 'ready' });
    expect((await refusal(run('get_all_tasks', { cursor: 'not-ours' }))).details).toMatchObject({ field: 'cursor' });
  });

  it('lists live agents by default, and the others when asked', async () => {
    for (const agent of ['alice', 'bob']) await register(agent);
    await run('sign_off', {}, as('bob'));
    expect((await run('list_agents'))['agents']).toEqual([{ id: 'alice', status: 'active', last_seen_s: 0 }]);
    expect((await run('list_agents', { status: ['offline'] }))['agents']).toMatchObject([{ id: 'bob', status: 'offline' }]);
  });
});

describe('the next step in every answer', () => {
  it('names who received a released lock, and the blocked caller’s holder, place and retry time', async () => {
    for (const agent of ['alice', 'bob']) await register(agent);
    await run('acquire_lock', { name: 'deploy' }, as('alice'));
    const blocked = await run('acquire_lock', { name: 'deploy' }, as('bob'));
    expect(blocked).toMatchObject({ acquired: false, holder: 'alice', held_for_s: 0, holder_last_seen_s: 0, holder_expires_in_s: 900, retry_after_s: 30 });
    expect(blocked).not.toHaveProperty('queue_position');
    const waiting = run('acquire_lock', { name: 'deploy', wait_seconds: 5 }, as('bob'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const released = await run('release_lock', { name: 'deploy' }, as('alice'));
    expect(released).toMatchObject({ released: true, handed_to: [{ agent: 'bob', name: 'deploy' }] });
    expect(await waiting).toMatchObject({ acquired: true });
  });

  it('never tells a stale token the live one', async () => {
    await register('alice');
    const first = await run('acquire_lock', { name: 'deploy', ttl_seconds: 1 }, as('alice'));
    clock.advance(2_000);
    const second = await run('acquire_lock', { name: 'deploy' }, as('alice'));
    const stale = await refusal(run('release_lock', { name: 'deploy', token: first['token'] }, as('alice')));
    expect(stale.code).toBe('LEASE_LOST');
    expect(JSON.stringify({ message: stale.message, details: stale.details })).not.toContain(String(second['token']));
  });

  it('lists what a completion unblocked, and what is coming when nothing is ready', async () => {
    for (const agent of ['alice', 'bob']) await register(agent);
    await run('add_task', { tasks: [{ id: 'a', title: 'A' }, { id: 'b', title: 'B', dependencies: ['a'] }, { id: 'c', title: 'C', dependencies: ['a'] }] }, as('alice'));
    const claimed = await run('claim_task', {}, as('alice'));
    expect(claimed).toMatchObject({ claimed: true, task: { id: 'a' } });
    const none = await run('claim_task', {}, as('bob'));
    expect(none).toMatchObject({ claimed: false, reason: 'none_ready', pending: 2, claimed_by_others: 1, next_claim_expires_in_s: 1800 });
    const own = await run('claim_task', {}, as('alice'));
    expect(own).toMatchObject({ claimed: false, reason: 'none_ready', pending: 2, claimed_by_others: 0 });
    expect(own).not.toHaveProperty('next_claim_expires_in_s');
    expect(own['message']).toContain('You hold 1 claim');
    expect(await run('update_task', { task_id: 'a', token: claimed['token'], status: 'done' }, as('alice'))).toMatchObject({ task: { id: 'a', status: 'done' }, unblocked: ['b', 'c'] });
  });

  it('tells a claimant with a mistyped token that the claim is still its own, without the live token', async () => {
    await register('alice');
    await run('add_task', { id: 'a', title: 'A' }, as('alice'));
    const claimed = await run('claim_task', {}, as('alice'));
    const wrong = Number(claimed['token']) + 7;
    const refused = await refusal(run('update_task', { task_id: 'a', token: wrong, status: 'done' }, as('alice')));
    expect(refused.code).toBe('LEASE_LOST');
    expect(refused.message).toContain('you still hold its claim under another token');
    expect(refused.message).not.toContain('claimed again');
    expect(JSON.stringify({ message: refused.message, details: refused.details })).not.toContain(`token ${String(claimed['token'])}`);
  });

  it('tells a caller without an agent to start a session, naming the tool the instructions name first', async () => {
    const anonymous = await refusal(run('acquire_lock', { name: 'db' }, as()));
    expect(anonymous.code).toBe('AGENT_REQUIRED');
    expect(anonymous.hint).toContain('start_session');
    const unknown = await refusal(run('acquire_lock', { name: 'db' }, as('nobody')));
    expect(unknown).toMatchObject({ code: 'AGENT_REQUIRED', message: expect.stringContaining("'nobody' is not registered") as string });
  });

  it('advertises the ttl defaults it applies (a claim lasts longer than a lock)', () => {
    const ttl = (name: string): string | undefined => {
      const input = COMMANDS.find((c) => c.name === name)?.input as { shape?: Record<string, { description?: string }> } | undefined;
      return input?.shape?.['ttl_seconds']?.description;
    };
    expect(ttl('claim_task')).toContain(`default ${String(DEFAULT_HUB_CONFIG.defaultClaimTtlMs / 1000)})`);
    expect(ttl('acquire_lock')).toContain(`default ${String(DEFAULT_HUB_CONFIG.defaultLeaseTtlMs / 1000)})`);
  });

  it('says how many seconds ago a recent holder was seen, not "0 min"', async () => {
    for (const agent of ['alice', 'bob']) await register(agent);
    await run('acquire_lock', { name: 'db' }, as('alice'));
    clock.advance(12_000);
    const blocked = await run('acquire_lock', { name: 'db' }, as('bob'));
    expect(blocked['message']).toContain('last seen 12 s ago');
    clock.advance(150_000);
    expect((await run('acquire_lock', { name: 'db' }, as('bob')))['message']).toContain('last seen 3 min ago');
  });

  it('says which reserved paths overlap whose, takes the free ones when asked, and checks without reserving', async () => {
    for (const agent of ['alice', 'bob']) await register(agent);
    await run('reserve_files', { paths: ['src/auth/**'] }, as('alice'));
    const refused = await run('reserve_files', { paths: ['src/auth/login.ts', 'docs/readme.md'] }, as('bob'));
    expect(refused).toMatchObject({ reserved: false, overlaps: [{ path: 'src/auth/login.ts', their_path: 'src/auth/**', holder: 'alice' }], free_paths: ['docs/readme.md'] });
    expect(refused['message']).toContain('1 of your paths is free: take_free: true reserves it.');
    expect(await run('reserve_files', { paths: ['src/auth/login.ts'], dry_run: true }, as('bob'))).toMatchObject({ reserved: false, conflict: true });
    const partial = await run('reserve_files', { paths: ['src/auth/login.ts', 'docs/readme.md'], take_free: true }, as('bob'));
    expect(partial).toMatchObject({ reserved: true, paths: ['docs/readme.md'], overlaps: [{ holder: 'alice' }] });
    expect((await run('list_reservations', { holder: 'bob' }))['reservations']).toMatchObject([{ paths: ['docs/readme.md'] }]);
  });

  it('names what a sign-off released', async () => {
    await register('alice');
    await run('acquire_lock', { name: 'pytest' }, as('alice'));
    const reserved = await run('reserve_files', { paths: ['a.ts'] }, as('alice'));
    await run('add_task', { id: 't', title: 'T' }, as('alice'));
    await run('claim_task', {}, as('alice'));
    expect(await run('sign_off', {}, as('alice'))).toEqual({ signed_off: true, released: { locks: ['pytest'], reservations: [reserved['reservation_id']], tasks_returned: ['t'] } });
  });
});

describe('session macros', () => {
  it('starts a session in one call: registers, reserves, claims, locks, and answers a digest', async () => {
    await register('bob');
    await run('add_task', { tasks: [{ id: 'high', title: 'High', priority: 5 }, { id: 'low', title: 'Low' }] }, as('bob'));
    const started = await run('start_session', { name: 'Alice', reserve: ['src/**'], claim: true, locks: ['pytest'] }, as('alice'));
    expect(started).toMatchObject({
      agent_id: 'alice',
      project,
      others: { live: 1, agents: [{ id: 'bob' }] },
      yours: { locks: [{ name: 'pytest', holder: 'alice' }], reservations: [{ paths: ['src/**'] }], claims: [{ id: 'high' }] },
      tasks: { counts: { ready: 1, claimed: 1 }, best_ready: [{ id: 'low' }] },
      reserved: { reserved: true },
      claimed: { claimed: true, task: { id: 'high' } },
      locked: [{ acquired: true, name: 'pytest' }],
    });
    expect(started['next']).toEqual(expect.stringContaining('update_task'));
  });

  it('shows the best ready tasks in the order claim_task hands them out', async () => {
    const tasks = [{ id: 'old-low', priority: 0 }, { id: 'high', priority: 5 }, { id: 'later-high', priority: 5 }, { id: 'mid', priority: 1 }, { id: 'negative', priority: -1 }];
    await run('add_task', { tasks: tasks.map((t) => ({ ...t, title: t.id })) });
    const shown = ((await run('start_session', {}, as('alice')))['tasks'] as { best_ready: { id: string }[] }).best_ready.map((t) => t.id);
    const claimed: string[] = [];
    for (let i = 0; i < shown.length; i += 1) claimed.push(((await run('claim_task', {}, as('alice')))['task'] as { id: string }).id);
    expect(shown).toEqual(['high', 'later-high', 'mid']);
    expect(claimed).toEqual(shown);
  });

  it('repeats nothing of a retried start_session with the same request id', async () => {
    await run('add_task', { tasks: [{ id: 'a', title: 'A' }, { id: 'b', title: 'B' }] });
    const first = await run('start_session', { claim: true, request_id: 's-1' }, as('alice'));
    const again = await run('start_session', { claim: true, request_id: 's-1' }, as('alice'));
    expect(again['claimed']).toEqual(first['claimed']);
    expect((await run('get_all_tasks', { status: ['claimed'] }))['tasks']).toHaveLength(1);
  });

  it('refuses an unknown field inside a nested object with a "did you mean" for that object', async () => {
    const refused = await refusal(run('add_task', { tasks: [{ id: 'a', title: 'A' }, { id: 'b', title: 'B', depends_on: ['a'] }] }));
    expect(refused).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'tasks.1.depends_on', did_you_mean: 'dependencies' } });
    expect(refused.message).toContain("did you mean 'dependencies'");
  });

  it('refuses a start_session with a bad part before doing any of it, naming the macro field', async () => {
    const refused = await refusal(run('start_session', { reserve: ['src/**'], locks: ['pytest', 'b??'] }, as('alice')));
    expect(refused).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'locks' } });
    expect(await refusal(run('start_session', { claim: 'no/such id' }, as('alice')))).toMatchObject({ details: { field: 'claim' } });
    // Nothing happened at all: not even the registration that would have created the project.
    expect(await refusal(run('list_agents', { project }))).toMatchObject({ code: 'NOT_FOUND', details: { project } });
  });

  it('ends a session: returns or completes claims, leaves a handover note the next session reads, signs off', async () => {
    await run('add_task', { tasks: [{ id: 'a', title: 'A' }, { id: 'b', title: 'B' }] });
    await run('start_session', { claim: 'a' }, as('alice'));
    const ended = await run('end_session', { note: 'Auth refactor half done; tests red in login.', claims: 'done' }, as('alice'));
    expect(ended).toMatchObject({ signed_off: true, completed: ['a'], note_saved: true });
    const next = await run('start_session', {}, as('bob'));
    expect(next).toMatchObject({ handover: { note: 'Auth refactor half done; tests red in login.', by: 'alice' }, tasks: { counts: { done: 1, ready: 1 } } });
    await run('claim_task', {}, as('bob'));
    expect(await run('end_session', {}, as('bob'))).toMatchObject({ signed_off: true, released: { tasks_returned: ['b'] } });
  });
});
