/**
 * @module Conformance cases for the task graph: batches with dependencies, the
 * refusals (unknown dependency, cycle, duplicate), claiming (best, by id, by
 * labels), fenced updates, promotion of dependants, failure and reset, cancel,
 * and claims that lapse back to ready.
 */
import { expect } from 'vitest';
import type { ClaimTaskResult, Written } from '../store.js';
import { expectCode, MINUTE, ofType, SECOND, SWEEP_POLICY, typesOf, type Harness, type StoreTestEnv } from './harness.js';

type Claimed = Extract<ClaimTaskResult, { ok: true }>['task'];

function claimedTask(written: Written<ClaimTaskResult>): Claimed & { claim: NonNullable<Claimed['claim']> } {
  const result = written.result;
  if (!result.ok) throw new Error(`Expected a claim, got ${result.reason}.`);
  const claim = result.task.claim;
  if (!claim) throw new Error('A claimed task carries no claim.');
  return { ...result.task, claim };
}

const claim = (t: StoreTestEnv, agent: string, options: { taskId?: string; labels?: string[]; ttlMs?: number; requestId?: string } = {}) =>
  t.store.claimTask(t.ctx(options.requestId), { agent, taskId: options.taskId, labels: options.labels, ttlMs: options.ttlMs ?? 10 * MINUTE });

const statusOf = async (t: StoreTestEnv, id: string): Promise<string | undefined> => (await t.store.getTask(t.project, id))?.status;

export function taskCases({ it }: Harness): void {
  it('adds a batch: tasks whose dependencies are done are ready, the others pending', async (t) => {
    const written = await t.store.addTasks(t.ctx(), [
      { id: 'b', title: 'B', description: 'second', dependencies: ['a'], priority: 3, labels: ['x'], files: ['src/b.ts'] },
      { id: 'a', title: 'A', description: '', dependencies: [], priority: 0, labels: [], files: [] },
      { id: 'c', title: 'C', description: '', dependencies: [], priority: 0, labels: [], files: [] },
    ], 'alice');
    expect(written.result.map((task) => [task.id, task.status])).toEqual([['b', 'pending'], ['a', 'ready'], ['c', 'ready']]);
    expect(written.result[0]).toMatchObject({ project: t.project, title: 'B', description: 'second', dependencies: ['a'], priority: 3, labels: ['x'], files: ['src/b.ts'], attempts: 0, claim: null, createdAt: t.clock.now() });
    expect(ofType(written.events, 'task.added').map((e) => [e.subject, e.data.status, e.actor])).toEqual(
      expect.arrayContaining([['a', 'ready', 'alice'], ['b', 'pending', 'alice'], ['c', 'ready', 'alice']]),
    );
    expect(written.events).toHaveLength(3);
    const later = await t.addTasks([{ id: 'd', dependencies: ['a', 'c'] }]);
    expect(later[0]?.status).toBe('pending');
    expect((await t.store.getTask(t.project, 'b'))?.status).toBe('pending');
  });

  it('makes a task that depends only on done tasks ready at once', async (t) => {
    await t.addTasks([{ id: 'a' }]);
    const a = claimedTask(await claim(t, 'alice', { taskId: 'a' }));
    await t.store.updateTask(t.ctx(), { taskId: 'a', agent: 'alice', token: a.claim.token, status: 'done', renew: false });
    expect((await t.addTasks([{ id: 'b', dependencies: ['a'] }]))[0]?.status).toBe('ready');
  });

  it('refuses an unknown dependency with INVALID_INPUT and adds nothing', async (t) => {
    const error = await expectCode(t.store.addTasks(t.ctx(), [{ id: 'a', title: 'A', description: '', dependencies: ['ghost'], priority: 0, labels: [], files: [] }], null), 'INVALID_INPUT');
    expect(error.details).toMatchObject({ dependency: 'ghost' });
    expect(await t.store.listTasks(t.project, { limit: 100 })).toEqual([]);
  });

  it('refuses a cycle with TASK_CYCLE and adds nothing of the batch', async (t) => {
    await t.addTasks([{ id: 'base' }]);
    const error = await expectCode(
      t.store.addTasks(t.ctx(), [
        { id: 'free', title: 'F', description: '', dependencies: ['base'], priority: 0, labels: [], files: [] },
        { id: 'x', title: 'X', description: '', dependencies: ['y'], priority: 0, labels: [], files: [] },
        { id: 'y', title: 'Y', description: '', dependencies: ['x'], priority: 0, labels: [], files: [] },
      ], null),
      'TASK_CYCLE',
    );
    expect(error.details?.['cycle']).toEqual(expect.arrayContaining(['x', 'y']));
    expect((await t.store.listTasks(t.project, { limit: 100 })).map((task) => task.id)).toEqual(['base']);
    await expectCode(t.store.addTasks(t.ctx(), [{ id: 'self', title: 'S', description: '', dependencies: ['self'], priority: 0, labels: [], files: [] }], null), 'TASK_CYCLE');
  });

  it('refuses a duplicate id with ALREADY_EXISTS, within a batch or against the project', async (t) => {
    await t.addTasks([{ id: 'a' }]);
    await expectCode(t.addTasks([{ id: 'b' }, { id: 'a' }]), 'ALREADY_EXISTS');
    await expectCode(t.addTasks([{ id: 'c' }, { id: 'c' }]), 'ALREADY_EXISTS');
    expect((await t.store.listTasks(t.project, { limit: 100 })).map((task) => task.id)).toEqual(['a']);
  });

  it('claims the best ready task: highest priority first, then the oldest', async (t) => {
    await t.addTasks([{ id: 'low', priority: 0 }, { id: 'high', priority: 5 }]);
    t.clock.advance(SECOND);
    await t.addTasks([{ id: 'high-later', priority: 5 }, { id: 'blocked', priority: 9, dependencies: ['low'] }]);
    const order: string[] = [];
    for (const agent of ['a1', 'a2', 'a3']) order.push(claimedTask(await claim(t, agent)).id);
    expect(order).toEqual(['high', 'high-later', 'low']);
    expect((await claim(t, 'a4')).result).toEqual({ ok: false, reason: 'none_ready', task: null });
  });

  it('claims a task by id, and says why when it cannot', async (t) => {
    await t.addTasks([{ id: 'a' }, { id: 'b', dependencies: ['a'] }]);
    const written = await claim(t, 'alice', { taskId: 'a', ttlMs: MINUTE });
    const task = claimedTask(written);
    expect(task).toMatchObject({ id: 'a', status: 'claimed', attempts: 1, claim: { agent: 'alice', claimedAt: t.clock.now(), expiresAt: t.clock.now() + MINUTE, ttlMs: MINUTE } });
    expect(ofType(written.events, 'task.claimed')).toMatchObject([{ subject: 'a', data: { agent: 'alice', token: task.claim.token, attempts: 1 } }]);
    expect((await claim(t, 'bob', { taskId: 'a' })).result).toMatchObject({ ok: false, reason: 'claimed', task: { id: 'a', claim: { agent: 'alice' } } });
    expect((await claim(t, 'bob', { taskId: 'b' })).result).toMatchObject({ ok: false, reason: 'not_ready', task: { id: 'b', status: 'pending' } });
    await expectCode(claim(t, 'bob', { taskId: 'ghost' }), 'NOT_FOUND');
  });

  it('claims only tasks that carry every requested label', async (t) => {
    await t.addTasks([{ id: 'back', labels: ['backend'], priority: 5 }, { id: 'both', labels: ['frontend', 'backend'] }, { id: 'front', labels: ['frontend'] }]);
    expect(claimedTask(await claim(t, 'a1', { labels: ['frontend', 'backend'] })).id).toBe('both');
    expect(claimedTask(await claim(t, 'a2', { labels: ['frontend'] })).id).toBe('front');
    expect((await claim(t, 'a3', { labels: ['frontend'] })).result).toMatchObject({ ok: false, reason: 'none_ready' });
    expect(claimedTask(await claim(t, 'a4', { labels: [] })).id).toBe('back');
  });

  it('issues claim tokens that grow', async (t) => {
    await t.addTasks([{ id: 'a' }, { id: 'b' }]);
    const a = claimedTask(await claim(t, 'alice'));
    const b = claimedTask(await claim(t, 'bob'));
    expect(b.claim.token).toBeGreaterThan(a.claim.token);
  });

  it('updates a task only with the live claim token of its holder', async (t) => {
    await t.addTasks([{ id: 'a' }]);
    const task = claimedTask(await claim(t, 'alice', { ttlMs: MINUTE }));
    await expectCode(t.store.updateTask(t.ctx(), { taskId: 'a', agent: 'alice', token: task.claim.token + 1000, progress: 'x', renew: true }), 'LEASE_LOST');
    await expectCode(t.store.updateTask(t.ctx(), { taskId: 'a', agent: 'bob', token: task.claim.token, progress: 'x', renew: true }), 'NOT_HOLDER');
    await expectCode(t.store.releaseTask(t.ctx(), 'a', 'bob', task.claim.token), 'NOT_HOLDER');
    t.clock.advance(30 * SECOND);
    const progress = await t.store.updateTask(t.ctx(), { taskId: 'a', agent: 'alice', token: task.claim.token, progress: 'half way', output: { partial: [1, 2] }, renew: true });
    expect(progress.result).toMatchObject({ status: 'claimed', progress: 'half way', output: { partial: [1, 2] }, claim: { token: task.claim.token, expiresAt: t.clock.now() + MINUTE } });
    expect(ofType(progress.events, 'task.progress')).toMatchObject([{ data: { agent: 'alice', progress: 'half way' } }]);
    await expectCode(t.store.updateTask(t.ctx(), { taskId: 'ghost', agent: 'alice', token: 1, renew: true }), 'NOT_FOUND');
  });

  it('completes a task and promotes the dependants whose dependencies are all done, in the same step', async (t) => {
    await t.addTasks([{ id: 'a' }, { id: 'b' }, { id: 'after-a', dependencies: ['a'] }, { id: 'after-both', dependencies: ['a', 'b'] }]);
    const a = claimedTask(await claim(t, 'alice', { taskId: 'a' }));
    const done = await t.store.updateTask(t.ctx(), { taskId: 'a', agent: 'alice', token: a.claim.token, status: 'done', output: { ok: true }, renew: false });
    expect(done.result).toMatchObject({ id: 'a', status: 'done', claim: null, output: { ok: true } });
    expect(typesOf(done.events)).toEqual(['task.completed', 'task.ready']);
    expect(ofType(done.events, 'task.ready').map((e) => e.subject)).toEqual(['after-a']);
    expect(await statusOf(t, 'after-both')).toBe('pending');
    await expectCode(t.store.updateTask(t.ctx(), { taskId: 'a', agent: 'alice', token: a.claim.token, progress: 'again', renew: true }), 'LEASE_LOST');
    const b = claimedTask(await claim(t, 'bob', { taskId: 'b' }));
    const second = await t.store.updateTask(t.ctx(), { taskId: 'b', agent: 'bob', token: b.claim.token, status: 'done', renew: false });
    expect(ofType(second.events, 'task.ready').map((e) => e.subject)).toEqual(['after-both']);
  });

  it('records a failure, and a reset makes the task claimable again', async (t) => {
    await t.addTasks([{ id: 'a' }, { id: 'b', dependencies: ['a'] }]);
    const a = claimedTask(await claim(t, 'alice'));
    const failed = await t.store.updateTask(t.ctx(), { taskId: 'a', agent: 'alice', token: a.claim.token, status: 'failed', error: 'tests red', renew: false });
    expect(failed.result).toMatchObject({ status: 'failed', error: 'tests red', claim: null, attempts: 1 });
    expect(ofType(failed.events, 'task.failed')).toMatchObject([{ data: { agent: 'alice', error: 'tests red' } }]);
    expect(await statusOf(t, 'b')).toBe('pending');
    await expectCode(t.store.resetTask(t.ctx(), 'b', 'maintainer'), 'TASK_STATE');
    const reset = await t.store.resetTask(t.ctx(), 'a', 'maintainer');
    expect(reset.result).toMatchObject({ status: 'ready', error: null, attempts: 1 });
    expect(typesOf(reset.events)).toEqual(['task.reset']);
    expect(claimedTask(await claim(t, 'bob')).attempts).toBe(2);
  });

  it('cancels a task that is not finished, and refuses to cancel a finished one', async (t) => {
    await t.addTasks([{ id: 'a' }, { id: 'b', dependencies: ['a'] }, { id: 'c' }]);
    const a = claimedTask(await claim(t, 'alice', { taskId: 'a' }));
    const cancelled = await t.store.cancelTask(t.ctx(), 'a', 'maintainer');
    expect(cancelled.result).toMatchObject({ status: 'cancelled', claim: null });
    expect(ofType(cancelled.events, 'task.cancelled')).toMatchObject([{ actor: 'maintainer', data: { agent: 'alice' } }]);
    expect(await statusOf(t, 'b')).toBe('pending');
    await expectCode(t.store.updateTask(t.ctx(), { taskId: 'a', agent: 'alice', token: a.claim.token, status: 'done', renew: false }), 'LEASE_LOST');
    await expectCode(t.store.cancelTask(t.ctx(), 'a', null), 'TASK_STATE');
    const c = claimedTask(await claim(t, 'bob', { taskId: 'c' }));
    await t.store.updateTask(t.ctx(), { taskId: 'c', agent: 'bob', token: c.claim.token, status: 'done', renew: false });
    await expectCode(t.store.cancelTask(t.ctx(), 'c', null), 'TASK_STATE');
    await expectCode(t.store.cancelTask(t.ctx(), 'ghost', null), 'NOT_FOUND');
  });

  it('returns a released task to ready', async (t) => {
    await t.addTasks([{ id: 'a' }]);
    const a = claimedTask(await claim(t, 'alice'));
    const released = await t.store.releaseTask(t.ctx(), 'a', 'alice', a.claim.token);
    expect(released.result).toMatchObject({ status: 'ready', claim: null });
    expect(typesOf(released.events)).toEqual(['task.released']);
    await expectCode(t.store.releaseTask(t.ctx(), 'a', 'alice', a.claim.token), 'LEASE_LOST');
    expect(claimedTask(await claim(t, 'bob')).claim.token).toBeGreaterThan(a.claim.token);
  });

  it('returns a lapsed claim to ready on the next claim and refuses the old token', async (t) => {
    await t.addTasks([{ id: 'a' }]);
    const start = t.clock.now();
    const first = claimedTask(await claim(t, 'alice', { ttlMs: MINUTE }));
    t.clock.set(start + MINUTE - 1);
    expect((await claim(t, 'bob')).result).toMatchObject({ ok: false, reason: 'none_ready' });
    t.clock.set(start + MINUTE);
    const written = await claim(t, 'bob');
    const second = claimedTask(written);
    expect(second).toMatchObject({ id: 'a', attempts: 2, claim: { agent: 'bob' } });
    expect(second.claim.token).toBeGreaterThan(first.claim.token);
    expect(typesOf(written.events)).toEqual(['task.requeued', 'task.claimed']);
    expect(ofType(written.events, 'task.requeued')).toMatchObject([{ data: { agent: 'alice', reason: 'expired' } }]);
    await expectCode(t.store.updateTask(t.ctx(), { taskId: 'a', agent: 'alice', token: first.claim.token, status: 'done', renew: false }), 'LEASE_LOST');
  });

  it('returns a lapsed claim to ready on sweep', async (t) => {
    await t.addTasks([{ id: 'a' }]);
    const first = claimedTask(await claim(t, 'alice', { ttlMs: MINUTE }));
    t.clock.advance(MINUTE);
    await expectCode(t.store.updateTask(t.ctx(), { taskId: 'a', agent: 'alice', token: first.claim.token, progress: 'late', renew: true }), 'LEASE_LOST');
    const swept = await t.store.sweep(t.clock.now(), SWEEP_POLICY);
    expect(swept.requeuedTasks).toBe(1);
    expect(ofType(swept.events, 'task.requeued')).toMatchObject([{ project: t.project, subject: 'a', data: { agent: 'alice', reason: 'expired' } }]);
    expect(await t.store.getTask(t.project, 'a')).toMatchObject({ status: 'ready', claim: null });
    await expectCode(t.store.updateTask(t.ctx(), { taskId: 'a', agent: 'alice', token: first.claim.token, status: 'done', renew: false }), 'LEASE_LOST');
  });

  it('lists tasks by status and labels, in insertion order', async (t) => {
    await t.addTasks([{ id: 'a', labels: ['x'] }, { id: 'b', dependencies: ['a'], labels: ['x', 'y'] }, { id: 'c' }]);
    expect((await t.store.listTasks(t.project, { limit: 100 })).map((task) => task.id)).toEqual(['a', 'b', 'c']);
    expect((await t.store.listTasks(t.project, { status: ['ready'], limit: 100 })).map((task) => task.id)).toEqual(['a', 'c']);
    expect((await t.store.listTasks(t.project, { labels: ['x'], limit: 100 })).map((task) => task.id)).toEqual(['a', 'b']);
    expect((await t.store.listTasks(t.project, { labels: ['x', 'y'], status: ['pending'], limit: 100 })).map((task) => task.id)).toEqual(['b']);
    expect(await t.store.listTasks(t.project, { limit: 2 })).toHaveLength(2);
    expect(await t.store.getTask(t.project, 'ghost')).toBeNull();
  });
}
