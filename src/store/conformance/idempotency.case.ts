/**
 * @module Conformance cases for request ids: a repeated mutation has one effect
 * and returns the first answer; ids are per project; a failed call is not
 * recorded, so its retry runs again.
 */
import { expect } from 'vitest';
import { expectCode, granted, type Harness } from './harness.js';

export function idempotencyCases({ it }: Harness): void {
  it('adds a batch once when the same request id is sent twice, answering the same', async (t) => {
    const batch = [{ id: 'a', title: 'A', description: '', dependencies: [], priority: 0, labels: [], files: [] }];
    const first = await t.store.addTasks(t.ctx('add-1'), batch, 'alice');
    const again = await t.store.addTasks(t.ctx('add-1'), batch, 'alice');
    expect(again.result).toEqual(first.result);
    expect(await t.store.listTasks(t.project, { limit: 10 })).toHaveLength(1);
    expect((await t.events()).filter((e) => e.type === 'task.added')).toHaveLength(1);
  });

  it('replays an acquire with the identical token instead of granting again', async (t) => {
    const first = granted(await t.acquire('alice', 'deploy', { requestId: 'acq-1' }));
    const again = await t.acquire('alice', 'deploy', { requestId: 'acq-1' });
    expect(again.result).toEqual({ ok: true, lease: first, renewed: false, broken: [] });
    await t.store.releaseLease(t.ctx(), { kind: 'lock', resource: 'deploy', holder: 'alice' });
    const eventsBefore = await t.events();
    const late = await t.acquire('alice', 'deploy', { requestId: 'acq-1' });
    expect(granted(late).token).toBe(first.token);
    expect(await t.store.listLeases(t.project, t.clock.now())).toEqual([]);
    expect(await t.events()).toEqual(eventsBefore);
  });

  it('replays a claim: the same task and token, one claim', async (t) => {
    await t.addTasks([{ id: 'a' }, { id: 'b' }]);
    const first = await t.store.claimTask(t.ctx('claim-1'), { agent: 'alice', ttlMs: 60_000 });
    const again = await t.store.claimTask(t.ctx('claim-1'), { agent: 'alice', ttlMs: 60_000 });
    expect(again.result).toEqual(first.result);
    expect((await t.store.listTasks(t.project, { status: ['claimed'], limit: 10 })).map((task) => task.id)).toEqual(['a']);
  });

  it('replays a compare-and-set instead of reporting a conflict', async (t) => {
    const first = await t.store.putState(t.ctx('put-1'), { scope: 's', key: 'k', value: 1, actor: null, ifVersion: 0 });
    const again = await t.store.putState(t.ctx('put-1'), { scope: 's', key: 'k', value: 1, actor: null, ifVersion: 0 });
    expect(again.result).toEqual(first.result);
    expect((await t.store.getState(t.project, 's', 'k', t.clock.now()))?.version).toBe(1);
  });

  it('keeps request ids apart per project', async (t) => {
    const here = await t.store.publishEvent(t.ctx('same'), null, 'x', 1);
    const there = await t.store.publishEvent(t.ctx('same', t.otherProject), null, 'x', 2);
    expect(here.result).toMatchObject({ project: t.project, id: 1 });
    expect(there.result).toMatchObject({ project: t.otherProject, id: 1, data: { payload: 2 } });
  });

  it('does not record a failed call, so its retry runs again', async (t) => {
    await expectCode(t.store.releaseLease(t.ctx('rel-1'), { kind: 'lock', resource: 'deploy', holder: 'alice' }), 'NOT_FOUND');
    const lease = granted(await t.acquire('alice', 'deploy'));
    const released = await t.store.releaseLease(t.ctx('rel-1'), { kind: 'lock', resource: 'deploy', holder: 'alice' });
    expect(released.result.token).toBe(lease.token);
    expect(await t.store.listLeases(t.project, t.clock.now())).toEqual([]);
  });
}
