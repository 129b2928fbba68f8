/**
 * @module Conformance cases for the event log: ids gap-free from 1 per project,
 * every mutation's events committed with it and read back exactly as returned,
 * cursors, limits and type filters, the explicit gap after trimming, custom
 * events, and projects created by their first write.
 */
import { expect } from 'vitest';
import type { BatonEvent } from '../../core/events/event.js';
import { blocked, expectCode, granted, MINUTE, SWEEP_POLICY, typesOf, type Harness } from './harness.js';

export function eventCases({ it }: Harness): void {
  it('numbers events from 1 without gaps, independently per project', async (t) => {
    for (let i = 0; i < 5; i++) await t.store.publishEvent(t.ctx(), null, 'tick', i);
    for (let i = 0; i < 3; i++) await t.store.publishEvent(t.ctx(undefined, t.otherProject), null, 'tock', i);
    await t.addTasks([{ id: 'a' }, { id: 'b' }]);
    expect((await t.events()).map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect((await t.events(t.otherProject)).map((e) => e.id)).toEqual([1, 2, 3]);
    expect((await t.events()).every((e) => e.project === t.project)).toBe(true);
    const page = await t.store.readEvents({ project: t.project, after: 0, limit: 1 });
    expect(page).toMatchObject({ lastId: 7, oldestId: 1 });
  });

  it('commits the events of every mutation with it, and reads them back exactly as returned', async (t) => {
    const returned: BatonEvent[] = [];
    const keep = <T extends { events: BatonEvent[] }>(written: T): T => {
      returned.push(...written.events);
      return written;
    };
    keep(await t.store.registerMember(t.ctx(), { id: 'alice', name: 'Alice', kind: 'agent', modules: [], metadata: {}, service: null }));
    keep(await t.store.registerMember(t.ctx(), { id: 'svc', name: 'Svc', kind: 'service', modules: [], metadata: {}, service: { version: null, tools: [], capabilities: [], dependencies: [] } }));
    keep(await t.store.reportHealth(t.ctx(), 'svc', 'healthy', null));
    granted(keep(await t.acquire('alice', 'deploy')));
    blocked(keep(await t.acquire('bob', 'deploy', { queueMs: MINUTE })));
    granted(keep(await t.reserve('alice', ['src/**'])));
    keep(await t.store.renewLease(t.ctx(), { kind: 'lock', resource: 'deploy', holder: 'alice' }, MINUTE));
    keep(await t.store.releaseLease(t.ctx(), { kind: 'lock', resource: 'deploy', holder: 'alice' }));
    keep(await t.store.addTasks(t.ctx(), [{ id: 'a', title: 'A', description: '', dependencies: [], priority: 1, labels: [], files: [] }], 'alice'));
    const claim = keep(await t.store.claimTask(t.ctx(), { agent: 'alice', ttlMs: MINUTE }));
    const token = claim.result.ok ? (claim.result.task.claim?.token ?? 0) : 0;
    keep(await t.store.updateTask(t.ctx(), { taskId: 'a', agent: 'alice', token, progress: 'p', renew: true }));
    keep(await t.store.updateTask(t.ctx(), { taskId: 'a', agent: 'alice', token, status: 'done', output: 1, renew: false }));
    keep(await t.store.putState(t.ctx(), { scope: 's', key: 'k', value: { v: 1 }, actor: 'alice' }));
    keep(await t.store.deleteState(t.ctx(), 's', 'k', 'alice'));
    keep(await t.store.publishEvent(t.ctx(), 'alice', 'cache.invalidate', { keys: ['a', 'b'] }));
    keep(await t.store.signOff(t.ctx(), 'alice'));

    expect(new Set(typesOf(returned)).size).toBeGreaterThanOrEqual(15);
    expect(returned.map((e) => e.id)).toEqual(returned.map((_, i) => i + 1));
    expect(await t.events()).toEqual(returned);
  });

  it('appends nothing when a mutation fails', async (t) => {
    await t.addTasks([{ id: 'a' }]);
    const before = await t.events();
    await expectCode(t.addTasks([{ id: 'b', dependencies: ['c'] }, { id: 'c', dependencies: ['b'] }]), 'TASK_CYCLE');
    await expectCode(t.store.putState(t.ctx(), { scope: 's', key: 'k', value: 1, actor: null, ifVersion: 4 }), 'VERSION_CONFLICT');
    await expectCode(t.store.releaseLease(t.ctx(), { kind: 'lock', resource: 'none', holder: 'alice', token: 3 }), 'LEASE_LOST');
    expect(await t.events()).toEqual(before);
    const next = await t.store.publishEvent(t.ctx(), null, 'after', null);
    expect(next.result.id).toBe(before.length + 1);
  });

  it('reads from a cursor with a limit and a type filter', async (t) => {
    for (let i = 1; i <= 6; i++) await t.store.publishEvent(t.ctx(), null, 'n', i);
    await t.store.putState(t.ctx(), { scope: 's', key: 'k', value: 1, actor: null });
    await t.store.publishEvent(t.ctx(), null, 'n', 7);
    const page = await t.store.readEvents({ project: t.project, after: 2, limit: 3 });
    expect(page.events.map((e) => e.id)).toEqual([3, 4, 5]);
    expect(page).toMatchObject({ lastId: 8, oldestId: 1 });
    const rest = await t.store.readEvents({ project: t.project, after: 5, limit: 100 });
    expect(rest.events.map((e) => e.id)).toEqual([6, 7, 8]);
    const stored = await t.store.readEvents({ project: t.project, after: 0, limit: 100, types: ['state.stored'] });
    expect(stored.events.map((e) => [e.id, e.type])).toEqual([[7, 'state.stored']]);
    const custom = await t.store.readEvents({ project: t.project, after: 4, limit: 2, types: ['custom', 'state.stored'] });
    expect(custom.events.map((e) => e.id)).toEqual([5, 6]);
    expect((await t.store.readEvents({ project: t.project, after: 8, limit: 10 })).events).toEqual([]);
    expect(await t.store.readEvents({ project: t.otherProject, after: 0, limit: 10 })).toMatchObject({ events: [], lastId: 0 });
  });

  it('answers EVENTS_GAP with the oldest kept id to a cursor older than the retained log', async (t) => {
    for (let i = 1; i <= 10; i++) await t.store.publishEvent(t.ctx(), null, 'n', i);
    const swept = await t.store.sweep(t.clock.now(), { ...SWEEP_POLICY, eventRetention: 3 });
    expect(swept.trimmedEvents).toBe(7);
    const gap = await expectCode(t.store.readEvents({ project: t.project, after: 0, limit: 10 }), 'EVENTS_GAP');
    expect(gap.details).toMatchObject({ oldest_id: 8 });
    await expectCode(t.store.readEvents({ project: t.project, after: 6, limit: 10 }), 'EVENTS_GAP');
    const page = await t.store.readEvents({ project: t.project, after: 7, limit: 10 });
    expect(page).toMatchObject({ oldestId: 8, lastId: 10 });
    expect(page.events.map((e) => e.id)).toEqual([8, 9, 10]);
    expect((await t.store.publishEvent(t.ctx(), null, 'n', 11)).result.id).toBe(11);
  });

  it('publishes a custom event with its topic, payload, actor and time', async (t) => {
    const written = await t.store.publishEvent(t.ctx(), 'alice', 'cache.invalidate', { keys: ['x'] });
    expect(written.result).toEqual({ project: t.project, id: 1, type: 'custom', actor: 'alice', subject: 'cache.invalidate', data: { topic: 'cache.invalidate', payload: { keys: ['x'] } }, at: t.clock.now() });
    expect(written.events).toEqual([written.result]);
  });

  it('creates a project with its first write', async (t) => {
    expect(await t.store.projectExists(t.project)).toBe(false);
    expect(await t.store.listProjects()).not.toContain(t.project);
    await t.register('alice');
    expect(await t.store.projectExists(t.project)).toBe(true);
    expect(await t.store.listProjects()).toContain(t.project);
    expect(await t.store.projectExists(t.otherProject)).toBe(false);
  });
}
