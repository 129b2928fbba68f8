/**
 * @module The hub's blocking waits on in-memory SQLite: lock handoff to waiters
 * (FIFO, larger token), timeouts that keep the waiter's place for a re-call,
 * cancellation that leaves nothing behind, progress during a wait, the sweep
 * handing over a lapsed lock, and the event and peer waits. Waits are real but
 * short (tenths of a second).
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventType } from '../core/events/event.js';
import { createFakeClock, type FakeClock } from '../store/conformance/index.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import type { CommandOutput } from './command.js';
import type { Caller } from './context.js';
import { createHub, type Hub } from './hub.js';

let clock: FakeClock;
let store: Store;
let hub: Hub;
let project: string;

beforeEach(() => {
  clock = createFakeClock();
  store = createSqliteStore({ path: ':memory:', clock });
  hub = createHub({ store, config: { progressIntervalMs: 40 } });
  project = `wait-${randomUUID().slice(0, 8)}`;
});

afterEach(async () => {
  await hub.close();
  await store.close();
});

const as = (agentId?: string, extra: Caller = {}): Caller => ({ project, agentId, ...extra });
const run = (name: string, input: Record<string, unknown> = {}, caller: Caller = as()) => hub.execute(name, input, caller);
const register = (agentId: string) => run('register_agent', {}, as(agentId));

/** Resolves at the next event of `type` (for `holder`) on the bus; subscribe before acting. */
function nextEvent(type: EventType, holder?: string): Promise<void> {
  return new Promise((resolve) => {
    const stop = hub.context.bus.subscribe(project, (e) => {
      if (e.type !== type) return;
      if (holder !== undefined && (e.data as { holder?: string }).holder !== holder) return;
      stop();
      resolve();
    });
  });
}

/** Starts a waiting acquire and resolves once it is queued in the store. */
async function queueFor(agent: string, name: string, input: Record<string, unknown> = {}, caller: Caller = as(agent)): Promise<{ done: Promise<CommandOutput> }> {
  const queued = nextEvent('lease.queued', agent);
  const done = run('acquire_lock', { name, wait_seconds: 10, ...input }, caller);
  await queued;
  return { done };
}

async function expectNothingHeldAfterHandoffTo(agent: string): Promise<void> {
  expect(await run('list_locks')).toMatchObject({ locks: [], waiters: [] });
  const { events } = await run('get_events', { types: ['lease.acquired', 'lease.released'] });
  expect((events as { type: string; data: { holder: string } }[]).map((e) => `${e.type}:${e.data.holder}`)).toEqual([
    'lease.acquired:alice', 'lease.released:alice', `lease.acquired:${agent}`, `lease.released:${agent}`,
  ]);
}

describe('acquire_lock with wait_seconds', () => {
  it('is granted when the holder releases, with a larger token', async () => {
    for (const agent of ['alice', 'bob']) await register(agent);
    const held = await run('acquire_lock', { name: 'deploy' }, as('alice'));
    const { done } = await queueFor('bob', 'deploy');
    expect(await run('list_locks', { name: 'deploy' })).toMatchObject({ waiters: [{ holder: 'bob' }] });
    expect(await run('release_lock', { name: 'deploy' }, as('alice'))).toMatchObject({ handed_to: [{ agent: 'bob', name: 'deploy' }] });
    const granted = await done;
    expect(granted).toMatchObject({ acquired: true, name: 'deploy' });
    expect(granted['token']).toBeGreaterThan(held['token'] as number);
    expect(await run('list_locks')).toMatchObject({ locks: [{ holder: 'bob' }], waiters: [] });
  });

  it('hands the lock to several waiters in the order they queued', async () => {
    const waiters = ['bob', 'carol', 'dave'];
    for (const agent of ['alice', ...waiters]) await register(agent);
    await run('acquire_lock', { name: 'deploy' }, as('alice'));
    const waits: Promise<CommandOutput>[] = [];
    for (const agent of waiters) waits.push((await queueFor(agent, 'deploy')).done);
    const order: string[] = [];
    waits.forEach((wait, i) => void wait.then(() => order.push(waiters[i] ?? '?')));
    let holder = 'alice';
    let token = 0;
    for (const [i, agent] of waiters.entries()) {
      await run('release_lock', { name: 'deploy' }, as(holder));
      const granted = await (waits[i] ?? Promise.reject(new Error('no wait')));
      expect(granted).toMatchObject({ acquired: true });
      expect(await run('list_locks', { name: 'deploy' })).toMatchObject({ locks: [{ holder: agent }] });
      expect(granted['token']).toBeGreaterThan(token);
      token = granted['token'] as number;
      holder = agent;
    }
    expect(order).toEqual(waiters);
  });

  it('answers timed_out with the holder and the caller’s place, and keeps that place for a re-call', async () => {
    for (const agent of ['alice', 'bob', 'carol']) await register(agent);
    await run('acquire_lock', { name: 'deploy' }, as('alice'));
    const started = Date.now();
    const result = await run('acquire_lock', { name: 'deploy', wait_seconds: 0.2 }, as('bob'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(result).toMatchObject({ acquired: false, timed_out: true, holder: 'alice', queue_position: 1 });
    expect(result['message']).toEqual(expect.stringContaining('alice'));
    // Still queued: carol, asking later, queues behind bob; bob's re-call resumes his ticket.
    const { done: carol } = await queueFor('carol', 'deploy');
    const waiting = (await run('list_locks', { name: 'deploy' }))['waiters'] as { holder: string }[];
    expect(waiting.map((w) => w.holder)).toEqual(['bob', 'carol']);
    const bob = run('acquire_lock', { name: 'deploy', wait_seconds: 10 }, as('bob'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    await run('release_lock', { name: 'deploy' }, as('alice'));
    expect(await bob).toMatchObject({ acquired: true });
    await run('release_lock', { name: 'deploy' }, as('bob'));
    expect(await carol).toMatchObject({ acquired: true });
  });

  it('gives a lock that frees in the grace period only the rest of the grace, and the re-call the full lease', async () => {
    for (const agent of ['alice', 'bob']) await register(agent);
    await run('acquire_lock', { name: 'deploy' }, as('alice'));
    expect(await run('acquire_lock', { name: 'deploy', wait_seconds: 0.05 }, as('bob'))).toMatchObject({ timed_out: true, queue_position: 1 });
    // Store time passes the end of bob's wait (the fake clock does not follow real time by itself).
    clock.advance(1_000);
    await run('release_lock', { name: 'deploy' }, as('alice'));
    // Nobody waits on the answer: the handed-over lease lasts no longer than the kept place.
    const held = (await run('list_locks', { name: 'deploy' }))['locks'] as { holder: string; expires_in_s: number }[];
    expect(held).toMatchObject([{ holder: 'bob' }]);
    expect(held[0]?.expires_in_s).toBeLessThanOrEqual(60);
    const again = await run('acquire_lock', { name: 'deploy' }, as('bob'));
    expect(again).toMatchObject({ acquired: true, renewed: true });
    expect(again['expires_in_s']).toBeGreaterThan(800);
  });

  it('stops at once when cancelled, leaving no waiter and no lock held', async () => {
    for (const agent of ['alice', 'bob']) await register(agent);
    await run('acquire_lock', { name: 'deploy' }, as('alice'));
    const abort = new AbortController();
    const { done } = await queueFor('bob', 'deploy', { wait_seconds: 20 }, as('bob', { signal: abort.signal }));
    const cancelledAt = Date.now();
    abort.abort();
    expect(await done).toMatchObject({ acquired: false, cancelled: true });
    expect(Date.now() - cancelledAt).toBeLessThan(500);
    expect(await run('list_locks')).toMatchObject({ locks: [{ holder: 'alice' }], waiters: [] });
    await run('release_lock', { name: 'deploy' }, as('alice'));
    expect(await run('list_locks')).toMatchObject({ locks: [], waiters: [] });
  });

  it('gives back a lock granted in the same instant the wait was cancelled', async () => {
    for (const agent of ['alice', 'bob']) await register(agent);
    await run('acquire_lock', { name: 'deploy' }, as('alice'));
    const abort = new AbortController();
    const { done } = await queueFor('bob', 'deploy', {}, as('bob', { signal: abort.signal }));
    // Straight to the store, so the release commits before the cancelled wait leaves the queue: bob is granted, unaware.
    const release = store.releaseLease({ project, now: clock.now() }, { kind: 'lock', resource: 'deploy', holder: 'alice' });
    abort.abort();
    expect(await done).toMatchObject({ acquired: false, cancelled: true });
    await release;
    await expectNothingHeldAfterHandoffTo('bob');
  });

  it('gives back a lock handed over just as the wait was cancelled', async () => {
    for (const agent of ['alice', 'bob']) await register(agent);
    await run('acquire_lock', { name: 'deploy' }, as('alice'));
    const abort = new AbortController();
    const { done } = await queueFor('bob', 'deploy', {}, as('bob', { signal: abort.signal }));
    // The cancellation arrives in the same tick as the handoff event.
    const stop = hub.context.bus.subscribe(project, (e) => {
      if (e.type === 'lease.acquired' && e.data.holder === 'bob') abort.abort();
    });
    await run('release_lock', { name: 'deploy' }, as('alice'));
    stop();
    expect(await done).toMatchObject({ acquired: false, cancelled: true });
    await expectNothingHeldAfterHandoffTo('bob');
  });

  it('reports progress while it waits', async () => {
    for (const agent of ['alice', 'bob']) await register(agent);
    await run('acquire_lock', { name: 'deploy' }, as('alice'));
    const progress: [number, string][] = [];
    const result = await run('acquire_lock', { name: 'deploy', wait_seconds: 0.25 }, as('bob', { onProgress: (elapsed, message) => progress.push([elapsed, message]) }));
    expect(result).toMatchObject({ acquired: false, timed_out: true });
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.map(([elapsed]) => elapsed)).toEqual([...progress.map(([elapsed]) => elapsed)].sort((a, b) => a - b));
    expect(progress[0]?.[1]).toEqual(expect.any(String));
  });

  it('is handed a lapsed lock by the sweep', async () => {
    for (const agent of ['alice', 'bob']) await register(agent);
    await run('acquire_lock', { name: 'deploy', ttl_seconds: 1 }, as('alice'));
    const { done } = await queueFor('bob', 'deploy');
    // Store time moves past the TTL but stays inside the wait (the queue entry outlives it by the wait length).
    clock.advance(1_000);
    await hub.sweepOnce();
    expect(await done).toMatchObject({ acquired: true });
    expect(await run('list_locks', { name: 'deploy' })).toMatchObject({ locks: [{ holder: 'bob' }] });
  });
});

describe('get_events with wait_seconds', () => {
  it('wakes on a new matching event', async () => {
    await register('alice');
    const { last_id: lastId } = await run('get_events');
    const waiting = run('get_events', { after: lastId, types: ['custom'], wait_seconds: 10 });
    await run('store_data', { scope: 's', key: 'k', value: 1 }, as('alice'));
    await run('publish_event', { topic: 'deploy.done', payload: { ok: true } }, as('alice'));
    const result = await waiting;
    expect(result).toMatchObject({ events: [{ type: 'custom', subject: 'deploy.done', data: { payload: { ok: true } } }] });
    expect(result).not.toHaveProperty('timed_out');
    expect(result['next_after']).toBe(result['last_id']);
  });

  it('answers at once when events after the cursor exist', async () => {
    await register('alice');
    expect(await run('get_events', { after: 0, wait_seconds: 10 })).toMatchObject({ events: [{ id: 1, type: 'agent.registered' }] });
  });

  it('times out when nothing comes', async () => {
    await register('alice');
    const started = Date.now();
    expect(await run('get_events', { after: 1, wait_seconds: 0.15 })).toMatchObject({ timed_out: true, events: [], next_after: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
  it('stops at once when cancelled', async () => {
    await register('alice');
    const abort = new AbortController();
    const waiting = run('get_events', { after: 1, wait_seconds: 20 }, as(undefined, { signal: abort.signal }));
    const cancelledAt = Date.now();
    setTimeout(() => { abort.abort(); }, 20);
    expect(await waiting).toMatchObject({ timed_out: true, cancelled: true, events: [] });
    expect(Date.now() - cancelledAt).toBeLessThan(500);
  });
});

describe('list_agents with count and wait_seconds', () => {
  it('wakes when enough agents are active', async () => {
    await register('alice');
    const waiting = run('list_agents', { count: 2, wait_seconds: 10 });
    await register('bob');
    const result = await waiting;
    expect(result).toMatchObject({ timed_out: false });
    expect((result['agents'] as { id: string }[]).map((a) => a.id).sort()).toEqual(['alice', 'bob']);
  });

  it('times out with the agents present so far', async () => {
    await register('alice');
    expect(await run('list_agents', { count: 3, wait_seconds: 0.1 })).toMatchObject({ timed_out: true, agents: [{ id: 'alice' }] });
  });
});
