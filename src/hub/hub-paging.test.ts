/**
 * @module Every list pages (design/mcp-surface.md rule 6), held list by list: a
 * pager that passes next_cursor back as cursor until it is absent sees every row
 * once — worker waiters, a lock's queue and related locks, the event log, an
 * inbox, file activity, and more than 10,000 keys of a scope with their exact
 * total — and summary rows unless `detail`. On in-memory SQLite with a fake clock.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeClock } from '../store/conformance/index.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import type { CommandOutput } from './command.js';
import type { Caller } from './context.js';
import { createHub, type Hub } from './hub.js';
import { refusal } from '../../test/support/refusal.js';

let store: Store;
let hub: Hub;
let project: string;

beforeEach(() => {
  store = createSqliteStore({ path: ':memory:', clock: createFakeClock() });
  hub = createHub({ store });
  project = `paging-${randomUUID().slice(0, 8)}`;
});

afterEach(async () => {
  await hub.close();
  await store.close();
});

type Row = Record<string, unknown>;
const as = (agentId?: string): Caller => ({ project, agentId });
const run = (name: string, input: Record<string, unknown> = {}, caller: Caller = as()) => hub.execute(name, input, caller);
const agents = (n: number, prefix = 'a') => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);

/** Every page of a list: the rows of each field, the pages read, and the first page. */
async function pageAll(name: string, input: Record<string, unknown>, fields: readonly string[], caller: Caller = as()) {
  const rows = Object.fromEntries(fields.map((f) => [f, [] as Row[]])) as Record<string, Row[]>;
  let cursor: string | undefined;
  let pages = 0;
  const answers: CommandOutput[] = [];
  do {
    const page = await run(name, { ...input, ...(cursor ? { cursor } : {}) }, caller);
    answers.push(page);
    for (const f of fields) rows[f]?.push(...((page[f] ?? []) as Row[]));
    cursor = page['next_cursor'] as string | undefined;
    expect(page['truncated'], `${name} page ${pages}`).toBe(cursor !== undefined);
    pages++;
    expect(pages, `${name} never ended`).toBeLessThan(1_000);
  } while (cursor);
  return { rows, pages, first: answers[0] ?? {} };
}

const onceEach = (rows: Row[], key: string, expected: readonly unknown[]) => {
  const seen = rows.map((r) => r[key]);
  expect(seen).toHaveLength(expected.length);
  expect(new Set(seen)).toEqual(new Set(expected));
};

/** `waiting` agents queue for `name` (a timed-out wait keeps its ticket for the grace period: the clock stands still). */
async function queue(command: string, input: Record<string, unknown>, waiting: readonly string[]): Promise<void> {
  await Promise.all(waiting.map((a) => run('register_agent', {}, as(a))));
  await Promise.all(waiting.map((a) => run(command, { ...input, wait_seconds: 0.01 }, as(a))));
}

describe('every list pages, every row seen once', () => {
  it('get_workers: the workers and 120 waiters', async () => {
    const holders = agents(5, 'w');
    await Promise.all(holders.map((a) => run('register_agent', {}, as(a)).then(() => run('claim_worker_slot', {}, as(a)))));
    const waiting = agents(120);
    await queue('claim_worker_slot', {}, waiting);
    const { rows, pages, first } = await pageAll('get_workers', { limit: 7 }, ['workers', 'waiters']);
    expect(first).toMatchObject({ slots: 5, used: 5, total: 120 });
    expect(pages).toBe(18);
    onceEach(rows['waiters'] ?? [], 'holder', waiting);
    onceEach(rows['workers'] ?? [], 'holder', holders);
    expect((await run('get_workers'))['waiters']).toHaveLength(50);
    expect((await run('get_workers', { detail: true }))['workers']).toContainEqual(expect.objectContaining({ kind: 'slot', acquired_at: expect.any(String) as unknown }));
  });

  it('list_locks: 60 waiters (not cut at 50), and with a name its related locks and queue', async () => {
    // Held names nest: 25 agents hold deploy:<n>, so 60 others queue for deploy itself.
    await run('register_agent', {}, as('owner'));
    await run('acquire_lock', { name: 'other' }, as('owner'));
    const related = agents(25, 'r');
    await Promise.all(related.map((a, i) => run('register_agent', {}, as(a)).then(() => run('acquire_lock', { name: `deploy:${i}` }, as(a)))));
    const waiting = agents(60);
    await queue('acquire_lock', { name: 'deploy' }, waiting);

    const all = await pageAll('list_locks', { limit: 20 }, ['locks', 'waiters']);
    expect(all.first).toMatchObject({ total: 26, waiters_total: 60 });
    onceEach(all.rows['locks'] ?? [], 'name', ['other', ...related.map((_, i) => `deploy:${i}`)]);
    onceEach(all.rows['waiters'] ?? [], 'holder', waiting);
    expect((await run('list_locks'))['waiters']).toHaveLength(50);

    const named = await pageAll('list_locks', { name: 'deploy', limit: 10 }, ['locks', 'related', 'waiters']);
    expect(named.first).toMatchObject({ name: 'deploy', held: false, total: 0, related_total: 25, waiters_total: 60 });
    expect(named.pages).toBe(6);
    onceEach(named.rows['related'] ?? [], 'name', related.map((_, i) => `deploy:${i}`));
    onceEach(named.rows['waiters'] ?? [], 'holder', waiting);
    expect((await refusal(run('list_locks', { cursor: named.first['next_cursor'] }))).details).toMatchObject({ field: 'cursor' });
  });

  it('get_events: next_cursor through the log, and a cursor beyond its end refused as get_inbox refuses it', async () => {
    await run('register_agent', {}, as('alice'));
    for (let i = 0; i < 130; i++) await run('publish_event', { topic: 'build', payload: { i } }, as('alice'));
    const { rows, pages, first } = await pageAll('get_events', { limit: 50 }, ['events']);
    expect(pages).toBe(3);
    const lastId = first['last_id'] as number;
    onceEach(rows['events'] ?? [], 'id', Array.from({ length: lastId }, (_, i) => i + 1));
    expect((await run('get_events', { types: ['custom'], limit: 100 }))['next_cursor']).toBeDefined();
    expect(await refusal(run('get_events', { after: 1, cursor: first['next_cursor'] }))).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'cursor' } });
    const ahead = await refusal(run('get_events', { after: lastId + 5 }));
    expect(ahead).toMatchObject({ code: 'CURSOR_AHEAD', details: { cursor: lastId + 5, last_id: lastId } });
    const inboxAhead = await refusal(run('get_inbox', { after: lastId + 5 }, as('alice')));
    expect({ code: inboxAhead.code, details: inboxAhead.details }).toEqual({ code: ahead.code, details: ahead.details });
    // A wait from a cursor ahead is refused too, at once.
    expect((await refusal(run('get_events', { after: lastId + 5, wait_seconds: 5 }))).code).toBe('CURSOR_AHEAD');
    expect(await run('get_events', { after: lastId })).toMatchObject({ events: [], next_after: lastId, truncated: false });
  });

  it('get_inbox: next_cursor through 45 deliveries', async () => {
    for (const a of ['alice', 'bob']) await run('register_agent', {}, as(a));
    for (let i = 0; i < 45; i++) await run('send_message', { to: ['bob'], text: `note ${i}` }, as('alice'));
    const { rows, pages, first } = await pageAll('get_inbox', { limit: 10 }, ['deliveries'], as('bob'));
    expect(pages).toBe(5);
    expect(first).toMatchObject({ unread_count: 45 });
    expect(new Set((rows['deliveries'] ?? []).map((d) => d['text']))).toEqual(new Set(Array.from({ length: 45 }, (_, i) => `note ${i}`)));
    onceEach(rows['deliveries'] ?? [], 'seq', [...new Set((rows['deliveries'] ?? []).map((d) => d['seq']))]);
  });

  it('file_activity: hot files and live agents page', async () => {
    const files = Array.from({ length: 45 }, (_, i) => `src/f${i}.ts`);
    const team = agents(23);
    for (const a of team) await run('register_agent', {}, as(a));
    await run('record_file_edit', { files }, as(team[0]));
    await run('record_file_edit', { files }, as(team[1]));
    const hot = await pageAll('file_activity', { limit: 10 }, ['files']);
    expect(hot.first).toMatchObject({ total: 45 });
    onceEach(hot.rows['files'] ?? [], 'file', files);
    const live = await pageAll('file_activity', { mode: 'agents', limit: 5 }, ['agents']);
    expect(live.pages).toBe(5);
    onceEach(live.rows['agents'] ?? [], 'agent_id', team);
  });

  it('list_keys: more than 10,000 keys, with the exact total, every key once', async () => {
    const n = 10_050;
    const keys = Array.from({ length: n }, (_, i) => `k${String(i).padStart(5, '0')}`);
    for (let i = 0; i < n; i += 500) await Promise.all(keys.slice(i, i + 500).map((key) => run('store_data', { scope: 'big', key, value: 1 })));
    await run('store_data', { scope: 'big', key: 'other/1', value: 1 });
    const { rows, pages, first } = await pageAll('list_keys', { scope: 'big', prefix: 'k', limit: 1000 }, ['keys']);
    expect(first['total']).toBe(n);
    expect(pages).toBe(11);
    onceEach(rows['keys'] ?? [], 'key', keys);
    expect((await run('list_keys', { scope: 'big' }))['total']).toBe(n + 1);
    expect((await refusal(run('list_keys', { scope: 'big', cursor: 'bm90LW91cnM' }))).details).toMatchObject({ field: 'cursor' });
  }, 60_000);
});

describe('summary rows, and full records with detail', () => {
  it('list_keys, list_services, list_intents and list_threads answer more with detail', async () => {
    for (const a of ['alice', 'bob']) await run('register_agent', {}, as(a));
    await run('store_data', { scope: 'config', key: 'mode', value: { fast: true } }, as('alice'));
    expect((await run('list_keys', { scope: 'config' }))['keys']).toEqual([expect.not.objectContaining({ value: expect.anything() as unknown })]);
    expect((await run('list_keys', { scope: 'config', detail: true }))['keys']).toMatchObject([{ key: 'mode', value: { fast: true } }]);

    await run('register_service', { service_id: 'svc', name: 'Indexer', version: '1.2', tools: ['search'], capabilities: ['fts'] });
    const [service] = (await run('list_services'))['services'] as Row[];
    expect(service).toMatchObject({ id: 'svc', name: 'Indexer', service: { version: '1.2', health: 'unknown' } });
    expect(service?.['service']).not.toHaveProperty('tools');
    expect(service).not.toHaveProperty('registered_at');
    expect((await run('list_services', { detail: true }))['services']).toMatchObject([{ id: 'svc', kind: 'service', service: { tools: ['search'], capabilities: ['fts'] } }]);

    await run('announce_work', { description: 'auth', target_files: ['src/auth.ts'], modules: ['src/auth'], key: 'auth' }, as('alice'));
    const bob = await run('announce_work', { description: 'auth too', target_files: ['src/auth.ts'] }, as('bob'));
    const [intent] = (await run('list_intents', { agent: 'alice' }))['intents'] as Row[];
    expect(intent).toMatchObject({ agent_id: 'alice', description: 'auth', target_files: ['src/auth.ts'] });
    expect(intent).not.toHaveProperty('modules');
    expect((await run('list_intents', { agent: 'alice', detail: true }))['intents']).toMatchObject([{ modules: ['src/auth'], key: 'auth' }]);

    const thread = bob['thread_id'] as string;
    await run('resolve_thread', { thread_id: thread, verb: 'propose', text: 'alice first' }, as('alice'));
    const [listed] = (await run('list_threads', {}, as('bob')))['threads'] as Row[];
    expect(listed).toMatchObject({ thread_id: thread, status: expect.any(String) as unknown });
    expect(listed).not.toHaveProperty('proposal');
    expect(listed).not.toHaveProperty('files');
    expect((await run('list_threads', { detail: true }, as('bob')))['threads']).toMatchObject([{ thread_id: thread, proposal: { by: 'alice' }, files: ['src/auth.ts'] }]);
  });

  it("list_threads pages a thread's posts by next_cursor", async () => {
    for (const a of ['alice', 'bob']) await run('register_agent', {}, as(a));
    const sent = await run('send_message', { to: ['bob'], text: 'first' }, as('alice'));
    const thread = sent['thread_id'] as string;
    for (let i = 0; i < 24; i++) await run('post_to_thread', { thread_id: thread, text: `post ${i}` }, as(i % 2 ? 'alice' : 'bob'));
    const { rows, pages } = await pageAll('list_threads', { thread_id: thread, limit: 10 }, ['posts'], as('bob'));
    expect(pages).toBe(3);
    onceEach(rows['posts'] ?? [], 'seq', [...new Set((rows['posts'] ?? []).map((p) => p['seq']))]);
    expect((rows['posts'] ?? []).map((p) => p['text'])).toEqual(['first', ...Array.from({ length: 24 }, (_, i) => `post ${i}`)]);
  });
});
