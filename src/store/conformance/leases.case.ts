/**
 * @module Conformance cases for leases: exclusive and shared locks, the name
 * hierarchy, renewal, fencing, expiry at the TTL, FIFO waiters handed the lease
 * inside the releaser's step, force against stale holders, file reservations and
 * worker slots.
 */
import { expect } from 'vitest';
import { lockNamesRelated } from '../../core/leases/lock-name.js';
import { blocked, expectCode, granted, HOUR, MINUTE, ofType, SECOND, THRESHOLDS, typesOf, type Harness } from './harness.js';

export function leaseCases({ it }: Harness): void {
  it('grants a free exclusive lock with a fencing token that grows with every grant', async (t) => {
    const first = await t.acquire('alice', 'pytest');
    const a = granted(first);
    expect(a).toMatchObject({ kind: 'lock', resource: 'pytest', holder: 'alice', mode: 'exclusive', project: t.project });
    expect(a.token).toBeGreaterThan(0);
    expect(a.expiresAt).toBe(t.clock.now() + 15 * MINUTE);
    expect(ofType(first.events, 'lease.acquired')).toMatchObject([{ subject: 'pytest', data: { holder: 'alice', token: a.token, from_queue: false } }]);
    const b = granted(await t.acquire('bob', 'pr-create'));
    expect(b.token).toBeGreaterThan(a.token);
    await t.store.releaseLease(t.ctx(), { kind: 'lock', resource: 'pytest', holder: 'alice' });
    const c = granted(await t.acquire('carol', 'pytest'));
    expect(c.token).toBeGreaterThan(b.token);
  });

  it('refuses a held exclusive lock and names the holder', async (t) => {
    await t.register('alice');
    await t.register('bob');
    const held = granted(await t.acquire('alice', 'pytest'));
    const refusal = await t.acquire('bob', 'pytest');
    const r = blocked(refusal);
    expect(r.reason).toBe('held');
    expect(r.conflicts).toMatchObject([{ holder: 'alice', resource: 'pytest', token: held.token }]);
    expect(r.holders.map((m) => m.id)).toEqual(['alice']);
    expect(r).toMatchObject({ forceable: false, waitersAhead: 0, ticket: null });
    expect(refusal.events).toEqual([]);
    expect((await t.store.listLeases(t.project, t.clock.now(), 'lock')).map((l) => l.holder)).toEqual(['alice']);
  });

  it('blocks a descendant of a held lock', async (t) => {
    granted(await t.acquire('alice', 'wave:5c'));
    expect(blocked(await t.acquire('bob', 'wave:5c.1')).conflicts.map((l) => l.resource)).toEqual(['wave:5c']);
  });

  it('blocks an ancestor of a held lock', async (t) => {
    granted(await t.acquire('alice', 'wave:5c.1'));
    expect(blocked(await t.acquire('bob', 'wave:5c')).conflicts.map((l) => l.resource)).toEqual(['wave:5c.1']);
  });

  it('grants locks whose names are unrelated', async (t) => {
    granted(await t.acquire('alice', 'wave:5c.1'));
    granted(await t.acquire('bob', 'issue:42'));
    granted(await t.acquire('carol', 'wave:5c.2'));
    granted(await t.acquire('dave', 'wave:5cx'));
    expect(await t.store.listLeases(t.project, t.clock.now())).toHaveLength(4);
  });

  it('decides conflicts between random lock names exactly as the one hierarchy rule does', async (t) => {
    // A seeded walk over names that share prefixes, with both separators, so every engine's
    // encoding of "related" (SQL ranges, cached filters) is held to core's lockNamesRelated.
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    const name = (): string => Array.from({ length: 1 + next(3) }, () => ['a', 'b', 'ab', 'a-b'][next(4)]).join(next(2) ? ':' : '.');
    for (let i = 0; i < 40; i++) {
      const [held, asked] = [name(), name()];
      granted(await t.acquire('alice', held));
      const answer = (await t.acquire('bob', asked)).result;
      expect(answer.ok, `${held} held, ${asked} asked`).toBe(!lockNamesRelated(held, asked));
      await t.store.releaseLease(t.ctx(), { kind: 'lock', resource: held, holder: 'alice' });
      if (answer.ok) await t.store.releaseLease(t.ctx(), { kind: 'lock', resource: asked, holder: 'bob' });
    }
  });

  it('keeps leases apart when holder ids and lock names both contain colons', async (t) => {
    // Regression: ids built as kind:resource:holder made ('a:b', 'c') and ('a', 'b:c') the same lease.
    const first = granted(await t.acquire('c', 'a:b', { mode: 'shared' }));
    const second = granted(await t.acquire('b:c', 'a', { mode: 'shared' }));
    expect(second.id).not.toBe(first.id);
    const held = await t.store.listLeases(t.project, t.clock.now(), 'lock');
    expect(held.map((l) => [l.resource, l.holder]).sort()).toEqual([['a', 'b:c'], ['a:b', 'c']]);
  });

  it('admits shared holders up to the holder limit', async (t) => {
    granted(await t.acquire('alice', 'gpu', { mode: 'shared', limit: 2 }));
    granted(await t.acquire('bob', 'gpu', { mode: 'shared', limit: 2 }));
    const r = blocked(await t.acquire('carol', 'gpu', { mode: 'shared', limit: 2 }));
    expect(r.conflicts.map((l) => l.holder).sort()).toEqual(['alice', 'bob']);
    granted(await t.acquire('dave', 'db', { mode: 'shared' }));
    granted(await t.acquire('erin', 'db', { mode: 'shared' }));
    granted(await t.acquire('frank', 'db', { mode: 'shared' }));
  });

  it('keeps shared and exclusive holders apart', async (t) => {
    granted(await t.acquire('alice', 'db', { mode: 'shared' }));
    expect(blocked(await t.acquire('bob', 'db')).conflicts.map((l) => l.holder)).toEqual(['alice']);
    granted(await t.acquire('carol', 'cache'));
    expect(blocked(await t.acquire('dave', 'cache', { mode: 'shared' })).conflicts.map((l) => l.holder)).toEqual(['carol']);
  });

  it('renews on re-acquire by the holder, keeping the token and moving the expiry', async (t) => {
    const first = granted(await t.acquire('alice', 'pytest', { ttlMs: 10 * SECOND }));
    t.clock.advance(4 * SECOND);
    const again = await t.acquire('alice', 'pytest', { ttlMs: 10 * SECOND });
    expect(again.result).toMatchObject({ ok: true, renewed: true });
    const lease = granted(again);
    expect(lease.token).toBe(first.token);
    expect(lease.expiresAt).toBe(t.clock.now() + 10 * SECOND);
    expect(ofType(again.events, 'lease.renewed')).toMatchObject([{ data: { holder: 'alice', token: first.token, expires_at: lease.expiresAt } }]);
    expect(await t.store.listLeases(t.project, t.clock.now())).toHaveLength(1);
  });

  it('lets only the holder renew or release (NOT_HOLDER otherwise)', async (t) => {
    const lease = granted(await t.acquire('alice', 'pytest', { ttlMs: 10 * SECOND }));
    await expectCode(t.store.renewLease(t.ctx(), { kind: 'lock', resource: 'pytest', holder: 'bob' }, 10 * SECOND), 'NOT_HOLDER');
    await expectCode(t.store.releaseLease(t.ctx(), { kind: 'lock', resource: 'pytest', holder: 'bob' }), 'NOT_HOLDER');
    t.clock.advance(5 * SECOND);
    const renewed = await t.store.renewLease(t.ctx(), { kind: 'lock', resource: 'pytest', holder: 'alice', token: lease.token }, 20 * SECOND);
    expect(renewed.result).toMatchObject({ token: lease.token, expiresAt: t.clock.now() + 20 * SECOND, ttlMs: 20 * SECOND });
    expect(typesOf(renewed.events)).toEqual(['lease.renewed']);
    const released = await t.store.releaseLease(t.ctx(), { kind: 'lock', resource: 'pytest', holder: 'alice', token: lease.token });
    expect(released.result.token).toBe(lease.token);
    expect(ofType(released.events, 'lease.released')).toMatchObject([{ data: { holder: 'alice', token: lease.token } }]);
    expect(await t.store.listLeases(t.project, t.clock.now())).toEqual([]);
  });

  it('refuses a stale fencing token with LEASE_LOST', async (t) => {
    const old = granted(await t.acquire('alice', 'pytest'));
    await t.store.releaseLease(t.ctx(), { kind: 'lock', resource: 'pytest', holder: 'alice' });
    const current = granted(await t.acquire('alice', 'pytest'));
    expect(current.token).toBeGreaterThan(old.token);
    await expectCode(t.store.renewLease(t.ctx(), { kind: 'lock', resource: 'pytest', holder: 'alice', token: old.token }, MINUTE), 'LEASE_LOST');
    await expectCode(t.store.releaseLease(t.ctx(), { kind: 'lock', resource: 'pytest', holder: 'alice', token: old.token }), 'LEASE_LOST');
    expect((await t.store.listLeases(t.project, t.clock.now())).map((l) => l.token)).toEqual([current.token]);
  });

  it('refuses to renew or release a lapsed lease with LEASE_LOST', async (t) => {
    const lease = granted(await t.acquire('alice', 'pytest', { ttlMs: 10 * SECOND }));
    t.clock.advance(10 * SECOND);
    await expectCode(t.store.renewLease(t.ctx(), { kind: 'lock', resource: 'pytest', holder: 'alice' }, MINUTE), 'LEASE_LOST');
    await expectCode(t.store.releaseLease(t.ctx(), { kind: 'lock', resource: 'pytest', holder: 'alice', token: lease.token }), 'LEASE_LOST');
  });

  it('answers LEASE_LOST to a token whose lease lapsed and was taken by another', async (t) => {
    const lease = granted(await t.acquire('alice', 'pytest', { ttlMs: 10 * SECOND }));
    t.clock.advance(10 * SECOND);
    granted(await t.acquire('bob', 'pytest'));
    await expectCode(t.store.renewLease(t.ctx(), { kind: 'lock', resource: 'pytest', holder: 'alice', token: lease.token }, MINUTE), 'LEASE_LOST');
    await expectCode(t.store.releaseLease(t.ctx(), { kind: 'lock', resource: 'pytest', holder: 'alice', token: lease.token }), 'LEASE_LOST');
  });

  it('holds a lease until exactly its TTL and not a millisecond less', async (t) => {
    const start = t.clock.now();
    const lease = granted(await t.acquire('alice', 'pytest', { ttlMs: 10 * SECOND }));
    expect(lease.expiresAt).toBe(start + 10 * SECOND);
    t.clock.set(start + 10 * SECOND - 1);
    expect(await t.store.listLeases(t.project, t.clock.now())).toHaveLength(1);
    blocked(await t.acquire('bob', 'pytest'));
    t.clock.set(start + 10 * SECOND);
    expect(await t.store.listLeases(t.project, t.clock.now())).toEqual([]);
    const takeover = await t.acquire('bob', 'pytest');
    expect(granted(takeover).token).toBeGreaterThan(lease.token);
    expect(ofType(takeover.events, 'lease.expired')).toMatchObject([{ data: { holder: 'alice', token: lease.token } }]);
  });

  it('hands a released lock to queued waiters in FIFO order, inside the release', async (t) => {
    const first = granted(await t.acquire('alice', 'deploy'));
    const bobWait = await t.acquire('bob', 'deploy', { queueMs: MINUTE });
    const carolWait = await t.acquire('carol', 'deploy', { queueMs: MINUTE });
    const bobTicket = blocked(bobWait).ticket;
    const carolTicket = blocked(carolWait).ticket;
    expect(bobTicket).not.toBeNull();
    expect(carolTicket).toBeGreaterThan(bobTicket ?? Infinity);
    expect(blocked(carolWait).waitersAhead).toBe(1);
    expect(ofType(bobWait.events, 'lease.queued')).toMatchObject([{ data: { holder: 'bob', ticket: bobTicket } }]);
    expect((await t.store.listWaiters(t.project, t.clock.now())).map((w) => w.request.holder)).toEqual(['bob', 'carol']);

    const release = await t.store.releaseLease(t.ctx(), { kind: 'lock', resource: 'deploy', holder: 'alice' });
    const handoff = ofType(release.events, 'lease.acquired');
    expect(handoff).toMatchObject([{ data: { holder: 'bob', from_queue: true } }]);
    expect(handoff[0]?.data.token).toBeGreaterThan(first.token);
    expect((await t.store.listLeases(t.project, t.clock.now())).map((l) => l.holder)).toEqual(['bob']);
    expect((await t.store.listWaiters(t.project, t.clock.now())).map((w) => w.request.holder)).toEqual(['carol']);

    const second = await t.store.releaseLease(t.ctx(), { kind: 'lock', resource: 'deploy', holder: 'bob' });
    expect(ofType(second.events, 'lease.acquired')).toMatchObject([{ data: { holder: 'carol', from_queue: true } }]);
    expect(ofType(second.events, 'lease.acquired')[0]?.data.token).toBeGreaterThan(handoff[0]?.data.token ?? Infinity);
    expect(await t.store.listWaiters(t.project, t.clock.now())).toEqual([]);
  });

  it('grants every compatible waiter at the head of the queue and stops at the first that does not fit', async (t) => {
    granted(await t.acquire('alice', 'db'));
    blocked(await t.acquire('bob', 'db', { mode: 'shared', queueMs: MINUTE }));
    blocked(await t.acquire('carol', 'db', { mode: 'shared', queueMs: MINUTE }));
    blocked(await t.acquire('dave', 'db', { queueMs: MINUTE }));
    blocked(await t.acquire('erin', 'db', { mode: 'shared', queueMs: MINUTE }));
    const release = await t.store.releaseLease(t.ctx(), { kind: 'lock', resource: 'db', holder: 'alice' });
    expect(ofType(release.events, 'lease.acquired').map((e) => e.data.holder)).toEqual(['bob', 'carol']);
    expect((await t.store.listWaiters(t.project, t.clock.now())).map((w) => w.request.holder)).toEqual(['dave', 'erin']);
  });

  it('does not let a later request jump the queue', async (t) => {
    granted(await t.acquire('alice', 'wave:5c.1'));
    blocked(await t.acquire('bob', 'wave:5c', { queueMs: MINUTE }));
    // wave:5c.2 is free of live holders, but bob queued first for its ancestor.
    const r = blocked(await t.acquire('carol', 'wave:5c.2'));
    expect(r.conflicts).toEqual([]);
    expect(r.waitersAhead).toBe(1);
    const release = await t.store.releaseLease(t.ctx(), { kind: 'lock', resource: 'wave:5c.1', holder: 'alice' });
    expect(ofType(release.events, 'lease.acquired').map((e) => e.data.holder)).toEqual(['bob']);
  });

  it('hands a lapsed lease to the queued waiter rather than to a later caller', async (t) => {
    granted(await t.acquire('alice', 'deploy', { ttlMs: 10 * SECOND }));
    blocked(await t.acquire('bob', 'deploy', { queueMs: MINUTE }));
    t.clock.advance(10 * SECOND);
    const late = await t.acquire('carol', 'deploy');
    expect(blocked(late).conflicts.map((l) => l.holder)).toEqual(['bob']);
    expect(typesOf(late.events)).toEqual(['lease.expired', 'lease.acquired']);
    expect(ofType(late.events, 'lease.acquired')[0]?.data).toMatchObject({ holder: 'bob', from_queue: true });
  });

  it('ends a wait: returns the lease when it was granted meanwhile, else leaves nothing queued', async (t) => {
    granted(await t.acquire('alice', 'deploy'));
    const bobTicket = blocked(await t.acquire('bob', 'deploy', { queueMs: MINUTE })).ticket ?? -1;
    const carolTicket = blocked(await t.acquire('carol', 'deploy', { queueMs: MINUTE })).ticket ?? -1;
    await t.store.releaseLease(t.ctx(), { kind: 'lock', resource: 'deploy', holder: 'alice' });
    const bobEnd = await t.store.endWait(t.ctx(), { ticket: bobTicket, kind: 'lock', resource: 'deploy', holder: 'bob' });
    expect(bobEnd.result.granted).toMatchObject({ holder: 'bob', resource: 'deploy' });

    const carolEnd = await t.store.endWait(t.ctx(), { ticket: carolTicket, kind: 'lock', resource: 'deploy', holder: 'carol' });
    expect(carolEnd.result.granted).toBeNull();
    expect(ofType(carolEnd.events, 'lease.wait_ended')).toMatchObject([{ data: { holder: 'carol', ticket: carolTicket } }]);
    expect(await t.store.listWaiters(t.project, t.clock.now())).toEqual([]);
    await t.store.releaseLease(t.ctx(), { kind: 'lock', resource: 'deploy', holder: 'bob' });
    expect(await t.store.listLeases(t.project, t.clock.now())).toEqual([]);
  });

  it('drops a waiter at its deadline instead of granting it', async (t) => {
    granted(await t.acquire('alice', 'deploy'));
    blocked(await t.acquire('bob', 'deploy', { queueMs: 5 * SECOND }));
    t.clock.advance(5 * SECOND);
    expect(await t.store.listWaiters(t.project, t.clock.now())).toEqual([]);
    const release = await t.store.releaseLease(t.ctx(), { kind: 'lock', resource: 'deploy', holder: 'alice' });
    expect(ofType(release.events, 'lease.acquired')).toEqual([]);
    expect(await t.store.listLeases(t.project, t.clock.now())).toEqual([]);
  });

  it('breaks a lease with force only when the holder is stale or worse', async (t) => {
    await t.register('alice');
    await t.register('bob');
    const held = granted(await t.acquire('alice', 'deploy', { ttlMs: 24 * HOUR }));
    const active = blocked(await t.acquire('bob', 'deploy', { force: true }));
    expect(active.forceable).toBe(false);
    t.clock.advance(THRESHOLDS.activeMs);
    expect(blocked(await t.acquire('bob', 'deploy', { force: true })).forceable).toBe(false);
    t.clock.advance(THRESHOLDS.idleMs - THRESHOLDS.activeMs - 1);
    expect(blocked(await t.acquire('bob', 'deploy', { force: true })).forceable).toBe(false);
    t.clock.advance(1);
    const withoutForce = blocked(await t.acquire('bob', 'deploy'));
    expect(withoutForce.forceable).toBe(true);
    const forced = await t.acquire('bob', 'deploy', { force: true });
    const lease = granted(forced);
    expect(forced.result).toMatchObject({ ok: true, broken: [{ holder: 'alice', token: held.token }] });
    expect(lease.token).toBeGreaterThan(held.token);
    expect(ofType(forced.events, 'lease.broken')).toMatchObject([{ data: { holder: 'alice', by: 'bob', token: held.token } }]);
    await expectCode(t.store.renewLease(t.ctx(), { kind: 'lock', resource: 'deploy', holder: 'alice', token: held.token }, MINUTE), 'LEASE_LOST');
  });

  it('refuses force while any conflicting holder is active or idle', async (t) => {
    await t.register('alice');
    granted(await t.acquire('alice', 'db', { mode: 'shared', ttlMs: 24 * HOUR }));
    t.clock.advance(THRESHOLDS.idleMs);
    await t.register('carol');
    granted(await t.acquire('carol', 'db', { mode: 'shared', ttlMs: 24 * HOUR }));
    const r = blocked(await t.acquire('bob', 'db', { force: true }));
    expect(r.forceable).toBe(false);
    expect(r.conflicts.map((l) => l.holder).sort()).toEqual(['alice', 'carol']);
    expect(await t.store.listLeases(t.project, t.clock.now())).toHaveLength(2);
  });

  it('refuses an exclusive reservation that overlaps one of another agent and names it', async (t) => {
    const mine = granted(await t.reserve('alice', ['src/**']));
    expect(mine).toMatchObject({ kind: 'files', paths: ['src/**'], holder: 'alice' });
    const r = blocked(await t.reserve('bob', ['src/auth/login.ts']));
    expect(r.conflicts).toMatchObject([{ holder: 'alice', resource: mine.resource, paths: ['src/**'] }]);
    granted(await t.reserve('bob', ['docs/**']));
    granted(await t.reserve('carol', ['lib/*.ts']));
    granted(await t.reserve('dave', ['lib/x/y.ts']));
  });

  it('lets shared reservations overlap and refuses an exclusive one beside them', async (t) => {
    granted(await t.reserve('alice', ['lib/**'], { mode: 'shared' }));
    granted(await t.reserve('bob', ['lib/x.ts'], { mode: 'shared' }));
    const r = blocked(await t.reserve('carol', ['lib/x.ts']));
    expect(r.conflicts.map((l) => l.holder).sort()).toEqual(['alice', 'bob']);
  });

  it('lets the reservations of one agent overlap each other', async (t) => {
    granted(await t.reserve('alice', ['src/**']));
    granted(await t.reserve('alice', ['src/a.ts']));
    expect(await t.store.listLeases(t.project, t.clock.now(), 'files')).toHaveLength(2);
  });

  it('reserves all paths or none, and never queues a reservation', async (t) => {
    granted(await t.reserve('alice', ['src/**']));
    const r = blocked(await t.reserve('bob', ['docs/a.md', 'src/b.ts'], { queueMs: MINUTE }));
    expect(r.ticket).toBeNull();
    expect((await t.store.listLeases(t.project, t.clock.now(), 'files')).map((l) => l.holder)).toEqual(['alice']);
    expect(await t.store.listWaiters(t.project, t.clock.now())).toEqual([]);
    granted(await t.reserve('bob', ['docs/a.md']));
  });

  it('frees reserved paths when the reservation is released', async (t) => {
    const mine = granted(await t.reserve('alice', ['src/**']));
    blocked(await t.reserve('bob', ['src/a.ts']));
    const released = await t.store.releaseLease(t.ctx(), { kind: 'files', resource: mine.resource, holder: 'alice' });
    expect(ofType(released.events, 'lease.released')).toMatchObject([{ data: { kind: 'files', paths: ['src/**'] } }]);
    granted(await t.reserve('bob', ['src/a.ts']));
  });

  it('treats worker slots as a shared lease with a limit, queueing the rest', async (t) => {
    const slot = { kind: 'slot', mode: 'shared', limit: 2 } as const;
    granted(await t.acquire('alice', 'workers', slot));
    granted(await t.acquire('bob', 'workers', slot));
    const r = blocked(await t.acquire('carol', 'workers', { ...slot, queueMs: MINUTE }));
    expect(r.conflicts).toHaveLength(2);
    expect(r.ticket).not.toBeNull();
    granted(await t.acquire('dave', 'workers-other', slot));
    const release = await t.store.releaseLease(t.ctx(), { kind: 'slot', resource: 'workers', holder: 'alice' });
    expect(ofType(release.events, 'lease.acquired')).toMatchObject([{ data: { kind: 'slot', holder: 'carol', from_queue: true } }]);
    expect((await t.store.listLeases(t.project, t.clock.now(), 'slot')).filter((l) => l.resource === 'workers').map((l) => l.holder).sort()).toEqual(['bob', 'carol']);
    // A lock of the same name is another kind: slots never conflict with it.
    granted(await t.acquire('erin', 'workers'));
  });

  it('counts tasks by status, live leases by kind and waiters still waiting, leaving out what expired', async (t) => {
    await t.register('alice');
    await t.addTasks([{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd', dependencies: ['a'] }]);
    expect((await t.store.claimTask(t.ctx(), { agent: 'alice', ttlMs: HOUR })).result.ok).toBe(true);
    granted(await t.acquire('alice', 'pytest'));
    granted(await t.acquire('alice', 'short', { ttlMs: 10 * SECOND }));
    granted(await t.acquire('bob', 'workers', { kind: 'slot', mode: 'shared', limit: 2 }));
    granted(await t.reserve('carol', ['src/**']));
    blocked(await t.acquire('dave', 'pytest', { queueMs: MINUTE }));
    blocked(await t.acquire('erin', 'pytest', { queueMs: 5 * SECOND }));
    t.clock.advance(20 * SECOND);
    const lastEventId = (await t.events()).at(-1)?.id;
    expect(await t.store.countProject(t.project, t.clock.now())).toEqual({ tasks: { ready: 2, claimed: 1, pending: 1 }, leases: { lock: 1, slot: 1, files: 1 }, waiters: 1, lastEventId });
    expect(await t.store.countProject(t.otherProject, t.clock.now())).toEqual({ tasks: {}, leases: {}, waiters: 0, lastEventId: 0 });
  });
}
