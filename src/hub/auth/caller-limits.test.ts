/**
 * @module Limits per caller through hub.execute on in-memory SQLite with a fake
 * clock: request rates per token and per agent in fixed windows, waits open at
 * once per token and per agent (released when a wait ends, expired when its
 * coordinator died), and nothing counted for a caller without a token.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeClock, type FakeClock } from '../../store/conformance/index.js';
import { createSqliteStore } from '../../store/sqlite/sqlite-store.js';
import type { Store } from '../../store/store.js';
import { DEFAULT_LIMITS, type LimitsConfig } from '../config.js';
import type { Access, Caller } from '../context.js';
import { createHub, type Hub } from '../hub.js';

const MINUTE = 60_000;
let clock: FakeClock;
let store: Store;
let hub: Hub;
let project: string;

function open(limits: Partial<LimitsConfig>): void {
  hub = createHub({ store, config: { limits: { ...DEFAULT_LIMITS, ...limits } } });
}

beforeEach(() => {
  // The start of a minute, so a test's window boundaries are where it says.
  clock = createFakeClock(1_700_000_040_000);
  store = createSqliteStore({ path: ':memory:', clock });
  project = `lim-${randomUUID().slice(0, 8)}`;
});

afterEach(async () => {
  await hub.close();
  await store.close();
});

const token = (tokenId: string, agent?: string): Access => ({ role: 'agent', projects: ['*'], tokenId, tokenName: tokenId, agent });
const as = (agentId: string | undefined, access: Access | undefined, extra: Caller = {}): Caller => ({ project, agentId, access, ...extra });

describe('request rates per caller', () => {
  it('refuses an agent past its rate with RATE_LIMITED and retry_after until the window turns', async () => {
    open({ agentRequestsPerMinute: 3 });
    const alice = as('alice', token('t1', 'alice'));
    await hub.execute('register_agent', {}, alice);
    clock.advance(10_000);
    await hub.execute('list_agents', {}, alice);
    await hub.execute('list_agents', {}, alice);
    await expect(hub.execute('list_agents', {}, alice)).rejects.toMatchObject({ code: 'RATE_LIMITED', details: { retry_after: 50, limit: 3, window_s: 60 } });
    // Another agent of the same token has its own count.
    const bob = as('bob', token('t1'));
    await hub.execute('register_agent', {}, bob);
    clock.advance(50_000);
    await hub.execute('list_agents', {}, alice);
  });

  it('counts every agent of a token against the token, and nothing without a token', async () => {
    open({ tokenRequestsPerMinute: 2, agentRequestsPerMinute: 0 });
    await hub.execute('list_agents', {}, as('a', token('shared')));
    await hub.execute('list_agents', {}, as('b', token('shared')));
    await expect(hub.execute('list_agents', {}, as('c', token('shared')))).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await hub.execute('list_agents', {}, as('c', token('own')));
    for (let i = 0; i < 10; i++) await hub.execute('list_agents', {}, as('a', undefined));
  });

  it('refuses hostile floods without a store round trip once over the limit', async () => {
    open({ agentRequestsPerMinute: 1 });
    const caller = as('x', token('t'));
    await hub.execute('list_agents', {}, caller);
    await expect(hub.execute('list_agents', {}, caller)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    const before = store.stats.roundTrips;
    for (let i = 0; i < 100; i++) await expect(hub.execute('list_agents', {}, caller)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(store.stats.roundTrips).toBe(before);
  });
});

describe('waits open at once per caller', () => {
  it('refuses a second wait of an agent while its first is open, releases the place when the wait ends, and lets calls without wait_seconds through', async () => {
    open({ agentWaits: 1 });
    const alice = as('alice', token('t1', 'alice'));
    await hub.execute('register_agent', {}, alice);
    const first = new AbortController();
    const waiting = hub.execute('get_events', { types: ['deps.map_set'], wait_seconds: 30 }, { ...alice, signal: first.signal });
    await expect.poll(async () => hub.execute('get_events', { types: ['deps.map_set'], wait_seconds: 1 }, alice).then(() => 'waited', (error: unknown) => (error as { code?: string }).code)).toBe('RATE_LIMITED');
    await expect(hub.execute('get_events', { types: ['deps.map_set'], wait_seconds: 1 }, alice)).rejects.toMatchObject({ code: 'RATE_LIMITED', details: { limit: 1 } });
    expect(await hub.execute('get_events', { after: 0 }, alice)).toMatchObject({ events: expect.any(Array) as unknown });
    first.abort();
    expect(await waiting).toMatchObject({ timed_out: true, cancelled: true });
    const second = new AbortController();
    const again = hub.execute('get_events', { types: ['deps.map_set'], wait_seconds: 30 }, { ...alice, signal: second.signal });
    second.abort();
    expect(await again).toMatchObject({ cancelled: true });
  });

  it('frees the place of a coordinator that died mid-wait when its hold expires', async () => {
    open({ tokenWaits: 1 });
    const caller = as('alice', token('t1', 'alice'));
    await hub.execute('register_agent', {}, caller);
    // What a process that died while waiting leaves behind: its hold, until the longest wait and a margin.
    await store.limits.hold([{ key: 'wait:token:t1', max: 1 }], 'dead-process', clock.now() + 60_000, clock.now());
    await expect(hub.execute('acquire_lock', { name: 'build', wait_seconds: 5 }, caller)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    clock.advance(MINUTE);
    expect(await hub.execute('acquire_lock', { name: 'build', wait_seconds: 5 }, caller)).toMatchObject({ acquired: true });
  });
});
