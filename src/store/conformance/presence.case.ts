/**
 * @module Conformance cases for presence: register and rejoin, heartbeats,
 * sign-off releasing everything a member holds (with events), and services with
 * their health.
 */
import { expect } from 'vitest';
import { blocked, expectCode, granted, MINUTE, ofType, typesOf, type Harness } from './harness.js';

export function presenceCases({ it }: Harness): void {
  it('registers an agent, and a rejoin keeps its first registration time', async (t) => {
    const start = t.clock.now();
    const written = await t.store.registerMember(t.ctx(), { id: 'alice', name: 'Alice', kind: 'agent', modules: ['auth'], metadata: { branch: 'issue-42-auth' }, service: null });
    expect(written.result).toMatchObject({
      project: t.project, id: 'alice', name: 'Alice', kind: 'agent', modules: ['auth'], metadata: { branch: 'issue-42-auth' },
      registeredAt: start, lastHeartbeat: start, endedAt: null, endReason: null, service: null,
    });
    expect(ofType(written.events, 'agent.registered')).toMatchObject([{ subject: 'alice', data: { name: 'Alice', rejoined: false } }]);
    t.clock.advance(10 * MINUTE);
    const again = await t.store.registerMember(t.ctx(), { id: 'alice', name: 'Alice 2', kind: 'agent', modules: [], metadata: { cwd: '/w' }, service: null });
    expect(again.result).toMatchObject({ name: 'Alice 2', registeredAt: start, lastHeartbeat: start + 10 * MINUTE, metadata: { branch: 'issue-42-auth', cwd: '/w' } });
    expect(ofType(again.events, 'agent.registered')).toMatchObject([{ data: { rejoined: true } }]);
    expect(await t.store.getMember(t.project, 'alice')).toMatchObject({ name: 'Alice 2', registeredAt: start });
    expect(await t.store.getMember(t.project, 'ghost')).toBeNull();
    expect(await t.store.getMember(t.otherProject, 'alice')).toBeNull();
  });

  it('updates activity, current file and metadata on heartbeat', async (t) => {
    await t.register('alice', { metadata: { branch: 'main' } });
    t.clock.advance(MINUTE);
    const beat = await t.store.heartbeat(t.ctx(), { id: 'alice', activity: 'working', currentFile: 'src/a.ts', metadata: { cwd: '/w' } });
    expect(beat.result).toMatchObject({ activity: 'working', currentFile: 'src/a.ts', lastHeartbeat: t.clock.now(), metadata: { branch: 'main', cwd: '/w' } });
    t.clock.advance(MINUTE);
    const quiet = await t.store.heartbeat(t.ctx(), { id: 'alice', activity: undefined, currentFile: undefined, metadata: undefined });
    expect(quiet.result).toMatchObject({ activity: 'working', currentFile: 'src/a.ts', lastHeartbeat: t.clock.now() });
    const cleared = await t.store.heartbeat(t.ctx(), { id: 'alice', activity: 'idle', currentFile: null, metadata: undefined });
    expect(cleared.result).toMatchObject({ activity: 'idle', currentFile: null });
    expect(await t.store.getMember(t.project, 'alice')).toMatchObject({ activity: 'idle', currentFile: null, lastHeartbeat: t.clock.now() });
    await expectCode(t.store.heartbeat(t.ctx(), { id: 'ghost', activity: undefined, currentFile: undefined, metadata: undefined }), 'NOT_FOUND');
  });

  it('releases leases and waits and requeues claims on sign-off, with an event for each', async (t) => {
    await t.register('alice');
    await t.register('bob');
    granted(await t.acquire('alice', 'deploy'));
    granted(await t.reserve('alice', ['src/**']));
    granted(await t.acquire('alice', 'workers', { kind: 'slot', mode: 'shared', limit: 5 }));
    granted(await t.acquire('bob', 'pytest'));
    blocked(await t.acquire('alice', 'pytest', { queueMs: MINUTE }));
    blocked(await t.acquire('carol', 'deploy', { queueMs: MINUTE }));
    await t.addTasks([{ id: 'a' }]);
    await t.store.claimTask(t.ctx(), { agent: 'alice', ttlMs: MINUTE });

    const off = await t.store.signOff(t.ctx(), 'alice');
    expect(off.result).toEqual({ released: 3, requeued: 1 });
    expect(ofType(off.events, 'lease.released').map((e) => e.data.kind).sort()).toEqual(['files', 'lock', 'slot']);
    expect(ofType(off.events, 'lease.wait_ended')).toMatchObject([{ data: { holder: 'alice', resource: 'pytest' } }]);
    expect(ofType(off.events, 'task.requeued')).toMatchObject([{ subject: 'a', data: { agent: 'alice', reason: 'holder_gone' } }]);
    expect(ofType(off.events, 'lease.acquired')).toMatchObject([{ data: { holder: 'carol', resource: 'deploy', from_queue: true } }]);
    expect(typesOf(off.events).at(-1)).toBe('agent.signed_off');
    expect(ofType(off.events, 'agent.signed_off')).toMatchObject([{ subject: 'alice', data: { released: 3, requeued: 1 } }]);

    expect((await t.store.listLeases(t.project, t.clock.now())).map((l) => `${l.holder}:${l.resource}`).sort()).toEqual(['bob:pytest', 'carol:deploy']);
    expect(await t.store.listWaiters(t.project, t.clock.now())).toEqual([]);
    expect(await t.store.getTask(t.project, 'a')).toMatchObject({ status: 'ready', claim: null });
    expect(await t.store.getMember(t.project, 'alice')).toMatchObject({ endReason: 'signed_off', endedAt: t.clock.now() });
  });

  it('refuses a heartbeat after sign-off with AGENT_REQUIRED, and a rejoin revives the member', async (t) => {
    await t.register('alice');
    await t.store.signOff(t.ctx(), 'alice');
    await expectCode(t.store.heartbeat(t.ctx(), { id: 'alice', activity: 'working', currentFile: undefined, metadata: undefined }), 'AGENT_REQUIRED');
    const second = await t.store.signOff(t.ctx(), 'alice');
    expect(second.result).toEqual({ released: 0, requeued: 0 });
    await t.register('alice');
    expect(await t.store.getMember(t.project, 'alice')).toMatchObject({ endReason: null, endedAt: null });
    await t.store.heartbeat(t.ctx(), { id: 'alice', activity: 'working', currentFile: undefined, metadata: undefined });
  });

  it('registers services with their description and records their health', async (t) => {
    await t.register('alice');
    const registered = await t.store.registerMember(t.ctx(), {
      id: 'search', name: 'Search', kind: 'service', modules: [], metadata: {},
      service: { version: '2.1.0', tools: ['query'], capabilities: ['fts'], dependencies: ['postgres'] },
    });
    expect(registered.result.service).toEqual({ version: '2.1.0', tools: ['query'], capabilities: ['fts'], dependencies: ['postgres'], health: 'unknown', healthDetail: null, healthAt: null });
    expect(typesOf(registered.events)).toEqual(['service.registered']);
    t.clock.advance(MINUTE);
    const health = await t.store.reportHealth(t.ctx(), 'search', 'degraded', 'slow disk');
    expect(health.result).toMatchObject({ lastHeartbeat: t.clock.now(), service: { health: 'degraded', healthDetail: 'slow disk', healthAt: t.clock.now() } });
    expect(ofType(health.events, 'service.health_reported')).toMatchObject([{ subject: 'search', data: { status: 'degraded', detail: 'slow disk' } }]);
    expect((await t.store.listMembers(t.project, 'service')).map((m) => m.id)).toEqual(['search']);
    expect((await t.store.listMembers(t.project, 'agent')).map((m) => m.id)).toEqual(['alice']);
    expect((await t.store.listMembers(t.project)).map((m) => m.id).sort()).toEqual(['alice', 'search']);
    await expectCode(t.store.reportHealth(t.ctx(), 'alice', 'healthy', null), 'INVALID_INPUT');
    await expectCode(t.store.reportHealth(t.ctx(), 'ghost', 'healthy', null), 'NOT_FOUND');
  });
}
