/**
 * @module break_lease (the dashboard's "release a stale holder's lock") on every
 * engine: the holder's status is decided inside the step, so of many operators
 * breaking the same stale lock while its holder heartbeats, at most one wins, and
 * only when the heartbeat came second; an active holder's lease is never broken;
 * a queued waiter is handed the freed lock in the same step.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { isCoordinationError } from '../../src/core/errors.js';
import { createHub, type Hub } from '../../src/hub/hub.js';
import { createFakeClock, type FakeClock } from '../../src/store/conformance/index.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES } from '../support/engines.js';

const DAY_S = 86_400;
const TWO_HOURS_MS = 2 * 60 * 60_000;

describe.each(ENGINES)('break_lease on $name', (engine) => {
  let store: Store;
  let hub: Hub;
  let clock: FakeClock;
  const project = `break-${randomUUID().slice(0, 8)}`;
  const run = (name: string, input: Record<string, unknown>, agentId?: string) => hub.execute(name, input, { project, agentId });
  const codeOf = async (promise: Promise<unknown>): Promise<string> =>
    promise.then(
      () => 'ok',
      (error: unknown) => (isCoordinationError(error) ? error.code : 'thrown'),
    );

  async function open(): Promise<void> {
    clock = createFakeClock(Date.now());
    store = await engine.open(clock);
    hub = createHub({ store });
  }

  afterEach(async () => {
    await hub.close();
    await store.close();
  });

  it('refuses to break an active or idle holder, and breaks a stale one with the token it saw', async () => {
    await open();
    await run('register_agent', {}, 'holder');
    await run('register_agent', {}, 'operator');
    const { token } = (await run('acquire_lock', { name: 'pytest', ttl_seconds: DAY_S }, 'holder')) as { token: number };
    expect(await codeOf(run('break_lease', { kind: 'lock', name: 'pytest', holder: 'holder', token }, 'operator'))).toBe('LEASE_HELD');
    clock.advance(10 * 60_000); // idle
    expect(await codeOf(run('break_lease', { kind: 'lock', name: 'pytest', holder: 'holder', token }, 'operator'))).toBe('LEASE_HELD');
    clock.advance(TWO_HOURS_MS); // stale
    expect(await codeOf(run('break_lease', { kind: 'lock', name: 'pytest', holder: 'holder', token: token + 1 }, 'operator'))).toBe('LEASE_LOST');
    const broken = await run('break_lease', { kind: 'lock', name: 'pytest', holder: 'holder', token }, 'operator');
    expect(broken['broken']).toMatchObject({ name: 'pytest', holder: 'holder', token });
    const events = (await run('get_events', { types: ['lease.broken'] })) as { events: { actor?: string; data: { by: string } }[] };
    expect(events.events.at(-1)).toMatchObject({ actor: 'operator', data: { by: 'operator' } });
    expect(await codeOf(run('break_lease', { kind: 'lock', name: 'pytest', holder: 'holder', token }, 'operator'))).toBe('NOT_FOUND');
  });

  it('hands the broken lock to the first waiter in the same step', async () => {
    await open();
    for (const a of ['holder', 'waiter', 'operator']) await run('register_agent', {}, a);
    const { token } = (await run('acquire_lock', { name: 'deploy', ttl_seconds: DAY_S }, 'holder')) as { token: number };
    clock.advance(TWO_HOURS_MS);
    await run('register_agent', {}, 'waiter');
    const queued = run('acquire_lock', { name: 'deploy', wait_seconds: 5 }, 'waiter');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const broken = await run('break_lease', { kind: 'lock', name: 'deploy', holder: 'holder', token }, 'operator');
    expect(broken['handed_to']).toEqual([expect.objectContaining({ agent: 'waiter', name: 'deploy' })]);
    expect(await queued).toMatchObject({ acquired: true });
  });

  it('lets at most one of 16 operators break a stale lock while its holder heartbeats, and none after the heartbeat', async () => {
    await open();
    await run('register_agent', {}, 'holder');
    for (let round = 0; round < 5; round++) {
      const name = `area:${round}`;
      const { token } = (await run('acquire_lock', { name, ttl_seconds: DAY_S }, 'holder')) as { token: number };
      clock.advance(TWO_HOURS_MS);
      const operators = Array.from({ length: 16 }, (_, i) => codeOf(run('break_lease', { kind: 'lock', name, holder: 'holder', token }, `op-${i}`)));
      const beat = codeOf(run('heartbeat', {}, 'holder'));
      const codes = await Promise.all(operators);
      expect(await beat).toBe('ok');
      const wins = codes.filter((c) => c === 'ok').length;
      expect(wins, codes.join(',')).toBeLessThanOrEqual(1);
      expect(codes.every((c) => ['ok', 'NOT_FOUND', 'LEASE_HELD'].includes(c)), codes.join(',')).toBe(true);
      const held = ((await run('list_locks', { name })) as { held: boolean }).held;
      expect(held).toBe(wins === 0);
      // After the heartbeat the holder is active again: nobody may break what it still holds.
      if (held) expect(await codeOf(run('break_lease', { kind: 'lock', name, holder: 'holder', token }, 'op-late'))).toBe('LEASE_HELD');
    }
  });

  it('breaks a stale holder’s file reservation by its id', async () => {
    await open();
    await run('register_agent', {}, 'holder');
    const reserved = (await run('reserve_files', { paths: ['src/auth/**'], ttl_seconds: DAY_S }, 'holder')) as Record<string, unknown>;
    const listed = (await run('list_reservations', {})) as { reservations: { reservation_id: string; token: number }[] };
    const row = listed.reservations[0]!;
    expect(reserved).toBeTruthy();
    clock.advance(TWO_HOURS_MS);
    await run('break_lease', { kind: 'files', name: row.reservation_id, holder: 'holder', token: row.token }, 'operator');
    expect(((await run('list_reservations', {})) as { reservations: unknown[] }).reservations).toEqual([]);
  });
});
