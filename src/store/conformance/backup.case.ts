/**
 * @module Conformance cases for backup and restore through the Store port: a
 * project exported and imported (here under another project id, as a restore
 * into a fresh store would) reads the same, keeps working (dependency edges, age
 * order, event ids), never hands out a counter value again, and an existing
 * project is refused unless merging.
 */
import { expect } from 'vitest';
import type { ConsultPolicy } from '../consult-port.js';
import type { ProjectSnapshot, Store } from '../store.js';
import { expectCode, granted, MINUTE, THRESHOLDS, type Harness, type StoreTestEnv } from './harness.js';

/** A project with something of every kind: members, a live lock and reservation, a released lock, a DAG with a claim, state, events. */
async function populate(t: StoreTestEnv): Promise<void> {
  await t.register('alice');
  await t.register('bob');
  granted(await t.acquire('alice', 'build'));
  const released = granted(await t.acquire('bob', 'deploy'));
  await t.store.releaseLease(t.ctx(), { kind: 'lock', resource: 'deploy', holder: 'bob', token: released.token });
  granted(await t.reserve('bob', ['src/**']));
  await t.addTasks([{ id: 'a' }, { id: 'b', dependencies: ['a'] }, { id: 'c', priority: 5 }]);
  await t.store.claimTask(t.ctx(), { agent: 'alice', taskId: 'a', ttlMs: 10 * MINUTE });
  await t.store.putState(t.ctx(), { scope: 'config', key: 'build', value: { n: 1 }, actor: 'alice' });
  await t.store.putState(t.ctx(), { scope: 'config', key: 'build', value: { n: 2 }, actor: 'alice' });
  await t.store.publishEvent(t.ctx(), 'bob', 'hello', { text: 'é ✓' });
  // Consultation: two intents on one file (so a thread, a post and a delivery), a direct message, edits, the map.
  const announce = (agent: string, n: number) => t.store.consult.announce(t.ctx(), {
    agent, description: `work ${n}`, targets: ['src/auth.ts'], depends: [], modules: [], symbols: [], taskId: null, key: null, ttlMs: 30 * MINUTE,
    intentId: `int-b${n}`, threadId: `thr-b${n}`, policy: CONSULT_POLICY,
  });
  await announce('alice', 1);
  await announce('bob', 2);
  await t.store.consult.sendMessage(t.ctx(), { agent: 'alice', to: ['bob'], subject: 'hi', text: 'ready?', importance: 'normal', ackRequired: true, threadId: null, newThreadId: 'thr-b3', policy: CONSULT_POLICY });
  await t.store.consult.recordEdits(t.ctx(), 'alice', ['src/auth.ts', 'src/db.ts'], CONSULT_POLICY);
  await t.store.consult.setDependencyMap(t.ctx(), 'alice', { 'src/auth.ts': ['src/db.ts'] }, 'test', null);
}

const CONSULT_POLICY: ConsultPolicy = { thresholds: THRESHOLDS, editWindowMs: 30 * MINUTE, editDecayMs: 120 * MINUTE, editRetentionMs: 24 * 60 * MINUTE, roundTimeoutMs: 10 * MINUTE, maxRounds: 3, ackDueMs: 30 * MINUTE };

/** The snapshot as a backup file carries it: JSON, so no engine-specific value survives by accident. */
const asFile = (snapshot: ProjectSnapshot): ProjectSnapshot => JSON.parse(JSON.stringify(snapshot)) as ProjectSnapshot;

const withoutProject = <T extends { project: string }>(rows: T[]): Omit<T, 'project'>[] => rows.map(({ project: _p, ...rest }) => rest);

async function readBack(store: Store, project: string, now: number): Promise<ProjectSnapshot> {
  return store.exportProject(project, now);
}

export function backupCases({ it }: Harness): void {
  it('exports a project and imports it into an empty one that reads the same', async (t) => {
    await populate(t);
    const snapshot = asFile(await t.store.exportProject(t.project, t.clock.now()));
    expect(snapshot.members.map((m) => m.id).sort()).toEqual(['alice', 'bob']);
    expect(snapshot.leases.map((l) => l.kind).sort()).toEqual(['files', 'lock']);
    expect(snapshot.tasks.map((task) => task.id)).toEqual(['a', 'b', 'c']);
    expect(snapshot.state).toMatchObject([{ scope: 'config', key: 'build', value: { n: 2 }, version: 2 }]);
    expect(snapshot.events.map((e) => e.id)).toEqual(snapshot.events.map((_, i) => i + 1));
    expect(snapshot.counters.token).toBeGreaterThanOrEqual(3);
    const kinds = (s: ProjectSnapshot) => s.docs.map((d) => `${d.kind}:${d.id}`).sort();
    expect(new Set(snapshot.docs.map((d) => d.kind))).toEqual(new Set(['intent', 'thread', 'post', 'delivery', 'edit', 'depmap']));
    expect(kinds(snapshot)).toEqual(expect.arrayContaining(['intent:int-b1', 'intent:int-b2', 'thread:thr-b3', 'depmap:current', 'edit:alice|src/auth.ts']));
    const consult = snapshot.docs.find((d) => d.kind === 'thread' && (d.body as { kind: string }).kind === 'consult');

    const restored = await t.store.importProject(t.ctx(undefined, t.otherProject), snapshot, { merge: false });
    expect(restored.result).toMatchObject({ project: t.otherProject, members: 2, leases: 2, tasks: 3, tasksKept: 0, state: 1, events: snapshot.events.length, docs: snapshot.docs.length });
    expect(restored.events.map((e) => e.id)).toEqual(snapshot.events.map((e) => e.id));

    const back = await readBack(t.store, t.otherProject, t.clock.now());
    expect(withoutProject(back.members)).toEqual(withoutProject(snapshot.members));
    expect(withoutProject(back.leases)).toEqual(withoutProject(snapshot.leases));
    expect(withoutProject(back.tasks)).toEqual(withoutProject(snapshot.tasks));
    expect(withoutProject(back.state)).toEqual(withoutProject(snapshot.state));
    expect(back.events.map(({ project: _p, ...e }) => e)).toEqual(snapshot.events.map(({ project: _p, ...e }) => e));
    expect(back.counters).toEqual(snapshot.counters);
    const byKey = (s: ProjectSnapshot) => [...s.docs].sort((a, b) => `${a.kind}:${a.id}`.localeCompare(`${b.kind}:${b.id}`));
    expect(byKey(back)).toEqual(byKey(snapshot));
    // The restored consultation works on: the thread takes the next verb, the inbox still holds the message.
    expect((await t.store.consult.listDocs(t.otherProject, 'delivery', { owner: 'bob', status: 'unread' }, 10)).length).toBeGreaterThan(0);
    const thread = await t.store.consult.actOnThread(t.ctx(undefined, t.otherProject), { threadId: consult?.id ?? '', agent: 'bob', verb: 'propose', text: 'alice first', policy: CONSULT_POLICY });
    expect(thread.result.thread.body).toMatchObject({ status: 'resolving' });
    expect(await t.store.listProjects()).toEqual(expect.arrayContaining([t.project, t.otherProject]));
  });

  it('restores a project that keeps working: new tokens above every exported one, dependants promoted, claim order kept', async (t) => {
    await populate(t);
    const snapshot = asFile(await t.store.exportProject(t.project, t.clock.now()));
    await t.store.importProject(t.ctx(undefined, t.otherProject), snapshot, { merge: false });
    const other = (): ReturnType<StoreTestEnv['ctx']> => t.ctx(undefined, t.otherProject);
    const lease = await t.store.acquireLease(other(), {
      request: { kind: 'lock', resource: 'fresh', paths: [], holder: 'bob', mode: 'exclusive', limit: null, ttlMs: MINUTE, reason: null },
      force: false,
      thresholds: THRESHOLDS,
    });
    expect(granted(lease).token).toBeGreaterThan(snapshot.counters.token);
    // The restored lock is still held by alice.
    const held = await t.store.acquireLease(other(), {
      request: { kind: 'lock', resource: 'build', paths: [], holder: 'bob', mode: 'exclusive', limit: null, ttlMs: MINUTE, reason: null },
      force: false,
      thresholds: THRESHOLDS,
    });
    expect(held.result.ok).toBe(false);
    const a = snapshot.tasks.find((task) => task.id === 'a');
    await t.store.updateTask(other(), { taskId: 'a', agent: 'alice', token: a?.claim?.token ?? -1, status: 'done', renew: false });
    expect((await t.store.getTask(t.otherProject, 'b'))?.status).toBe('ready');
    // c has the higher priority, then b: the restored order is the exported one.
    const best = await t.store.claimTask(other(), { agent: 'bob', ttlMs: MINUTE });
    expect(best.result.ok && best.result.task.id).toBe('c');
    const added = await t.store.addTasks(other(), [{ id: 'd', title: 'D', description: '', dependencies: ['b'], priority: 0, labels: [], files: [] }], null);
    expect(added.result[0]?.seq).toBeGreaterThan(snapshot.counters.taskSeq);
    const next = await t.store.publishEvent(other(), null, 'after', {});
    expect(next.result.id).toBeGreaterThan(snapshot.counters.lastEventId);
  });

  it('refuses to restore over an existing project unless merging; a merge never moves counters back', async (t) => {
    await populate(t);
    const snapshot = asFile(await t.store.exportProject(t.project, t.clock.now()));
    await t.register('carol', { project: t.otherProject });
    await expectCode(t.store.importProject(t.ctx(undefined, t.otherProject), snapshot, { merge: false }), 'ALREADY_EXISTS');
    expect(await t.store.listTasks(t.otherProject, { limit: 10 })).toEqual([]);

    // Merging into the project itself: every task is kept, events follow the log.
    const before = await t.store.exportProject(t.project, t.clock.now());
    const merged = await t.store.importProject(t.ctx(), snapshot, { merge: true });
    expect(merged.result).toMatchObject({ tasks: 0, tasksKept: 3 });
    expect(merged.result.counters.token).toBeGreaterThanOrEqual(before.counters.token);
    expect(merged.result.counters.lastEventId).toBe(before.counters.lastEventId + snapshot.events.length);
    const after = await t.store.exportProject(t.project, t.clock.now());
    expect(after.events.map((e) => e.id)).toEqual(after.events.map((_, i) => i + 1));
    expect(after.state[0]?.version).toBeGreaterThan(before.state[0]?.version ?? 0);
  });

  it('exports an unknown project as NOT_FOUND and an empty restore as an empty project', async (t) => {
    await expectCode(t.store.exportProject('no-such-project', t.clock.now()), 'NOT_FOUND');
    const empty: ProjectSnapshot = { project: 'x', counters: { token: 7, ticket: 2, taskSeq: 0, lastEventId: 0, oldestEventId: 1 }, members: [], leases: [], tasks: [], state: [], events: [], docs: [] };
    const restored = await t.store.importProject(t.ctx(), empty, { merge: false });
    expect(restored.result.counters).toMatchObject({ token: 7, ticket: 2 });
    const lease = granted(await t.acquire('alice', 'x'));
    expect(lease.token).toBe(8);
  });
}
