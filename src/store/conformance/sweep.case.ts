/**
 * @module Conformance cases for the sweep: it expires leases and waits (handing
 * freed leases to waiters), requeues lapsed claims, abandons members silent past
 * the unresponsive threshold (releasing what they hold), trims the event log,
 * deletes expired state and forgets old request ids, each with its events.
 */
import { expect } from 'vitest';
import { blocked, granted, HOUR, MINUTE, ofType, SECOND, SWEEP_POLICY, THRESHOLDS, type Harness } from './harness.js';

export function sweepCases({ it }: Harness): void {
  it('expires lapsed leases and waits, with an event for each', async (t) => {
    granted(await t.acquire('alice', 'deploy', { ttlMs: 10 * SECOND }));
    granted(await t.reserve('bob', ['src/**'], { ttlMs: 10 * SECOND }));
    granted(await t.acquire('carol', 'long', { ttlMs: HOUR }));
    blocked(await t.acquire('dave', 'deploy', { queueMs: 5 * SECOND }));
    t.clock.advance(10 * SECOND);
    const swept = await t.store.sweep(t.clock.now(), SWEEP_POLICY);
    expect(swept.expiredLeases).toBe(2);
    expect(ofType(swept.events, 'lease.expired').map((e) => e.data.holder).sort()).toEqual(['alice', 'bob']);
    expect(ofType(swept.events, 'lease.wait_ended')).toMatchObject([{ data: { holder: 'dave' } }]);
    expect(ofType(swept.events, 'lease.acquired')).toEqual([]);
    expect((await t.store.listLeases(t.project, t.clock.now())).map((l) => l.holder)).toEqual(['carol']);
    expect(await t.store.listWaiters(t.project, t.clock.now())).toEqual([]);
    const again = await t.store.sweep(t.clock.now(), SWEEP_POLICY);
    expect(again).toMatchObject({ expiredLeases: 0, requeuedTasks: 0, abandonedMembers: 0, trimmedEvents: 0, expiredState: 0, events: [] });
  });

  it('hands a lease that lapses to the queued waiter during the sweep', async (t) => {
    granted(await t.acquire('alice', 'deploy', { ttlMs: 10 * SECOND }));
    blocked(await t.acquire('bob', 'deploy', { queueMs: MINUTE }));
    t.clock.advance(10 * SECOND);
    const swept = await t.store.sweep(t.clock.now(), SWEEP_POLICY);
    expect(ofType(swept.events, 'lease.acquired')).toMatchObject([{ project: t.project, data: { holder: 'bob', from_queue: true } }]);
    expect((await t.store.listLeases(t.project, t.clock.now())).map((l) => l.holder)).toEqual(['bob']);
  });

  it('requeues lapsed claims', async (t) => {
    await t.addTasks([{ id: 'a' }, { id: 'b' }]);
    await t.store.claimTask(t.ctx(), { agent: 'alice', taskId: 'a', ttlMs: MINUTE });
    await t.store.claimTask(t.ctx(), { agent: 'bob', taskId: 'b', ttlMs: HOUR });
    t.clock.advance(MINUTE);
    const swept = await t.store.sweep(t.clock.now(), SWEEP_POLICY);
    expect(swept.requeuedTasks).toBe(1);
    expect(ofType(swept.events, 'task.requeued')).toMatchObject([{ subject: 'a', data: { agent: 'alice', reason: 'expired' } }]);
    expect((await t.store.listTasks(t.project, { limit: 10 })).map((task) => [task.id, task.status])).toEqual([['a', 'ready'], ['b', 'claimed']]);
  });

  it('abandons a member silent for the unresponsive threshold and releases what it held', async (t) => {
    const start = t.clock.now();
    await t.register('alice');
    await t.register('carol');
    await t.store.signOff(t.ctx(), 'carol');
    granted(await t.acquire('alice', 'deploy', { ttlMs: 48 * HOUR }));
    await t.addTasks([{ id: 'a' }]);
    await t.store.claimTask(t.ctx(), { agent: 'alice', ttlMs: 48 * HOUR });
    t.clock.advance(HOUR);
    await t.register('bob');

    t.clock.set(start + THRESHOLDS.unresponsiveMs - 1);
    expect((await t.store.sweep(t.clock.now(), SWEEP_POLICY)).abandonedMembers).toBe(0);
    t.clock.set(start + THRESHOLDS.unresponsiveMs);
    const swept = await t.store.sweep(t.clock.now(), SWEEP_POLICY);
    expect(swept.abandonedMembers).toBe(1);
    expect(ofType(swept.events, 'agent.abandoned')).toMatchObject([{ subject: 'alice', actor: null, data: { released: 1, requeued: 1, last_heartbeat: start } }]);
    expect(ofType(swept.events, 'lease.released')).toMatchObject([{ data: { holder: 'alice', resource: 'deploy' } }]);
    expect(ofType(swept.events, 'task.requeued')).toMatchObject([{ subject: 'a', data: { agent: 'alice', reason: 'holder_gone' } }]);
    expect(await t.store.getMember(t.project, 'alice')).toMatchObject({ endReason: 'abandoned', endedAt: t.clock.now() });
    expect(await t.store.getMember(t.project, 'bob')).toMatchObject({ endReason: null });
    expect(await t.store.getMember(t.project, 'carol')).toMatchObject({ endReason: 'signed_off' });
    expect(await t.store.listLeases(t.project, t.clock.now())).toEqual([]);
    expect(await t.store.getTask(t.project, 'a')).toMatchObject({ status: 'ready', claim: null });
  });

  it('trims the event log of each project to the retention', async (t) => {
    for (let i = 0; i < 10; i++) await t.store.publishEvent(t.ctx(), null, 'n', i);
    for (let i = 0; i < 2; i++) await t.store.publishEvent(t.ctx(undefined, t.otherProject), null, 'n', i);
    const swept = await t.store.sweep(t.clock.now(), { ...SWEEP_POLICY, eventRetention: 5 });
    expect(swept.trimmedEvents).toBe(5);
    expect((await t.store.readEvents({ project: t.project, after: 5, limit: 100 })).events.map((e) => e.id)).toEqual([6, 7, 8, 9, 10]);
    expect((await t.events(t.otherProject)).map((e) => e.id)).toEqual([1, 2]);
  });

  it('deletes expired state with an event for each key', async (t) => {
    await t.store.putState(t.ctx(), { scope: 's', key: 'short', value: 1, actor: null, ttlMs: 10 * SECOND });
    await t.store.putState(t.ctx(), { scope: 's', key: 'kept', value: 2, actor: null });
    t.clock.advance(10 * SECOND);
    const swept = await t.store.sweep(t.clock.now(), SWEEP_POLICY);
    expect(swept.expiredState).toBe(1);
    expect(ofType(swept.events, 'state.deleted')).toMatchObject([{ data: { scope: 's', key: 'short' } }]);
    expect((await t.store.listStateKeys(t.project, 's', '', t.clock.now(), 10)).map((e) => e.key)).toEqual(['kept']);
  });

  it('forgets request ids older than the request retention', async (t) => {
    const first = await t.store.publishEvent(t.ctx('req-1'), null, 'once', null);
    expect((await t.store.publishEvent(t.ctx('req-1'), null, 'once', null)).result.id).toBe(first.result.id);
    t.clock.advance(SWEEP_POLICY.requestRetentionMs + 1);
    await t.store.sweep(t.clock.now(), SWEEP_POLICY);
    expect((await t.store.publishEvent(t.ctx('req-1'), null, 'once', null)).result.id).toBe(first.result.id + 1);
  });
}
