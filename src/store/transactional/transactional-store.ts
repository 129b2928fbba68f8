/**
 * @module Builds the Store port over a TransactionEngine: each mutation is one
 * transaction (with its idempotency record and events), each read runs on
 * committed data. SQLite and PostgreSQL share this; Redis implements Store itself.
 */
import { CoordinationError } from '../../core/errors.js';
import { event } from '../../core/events/event.js';
import { isLive } from '../../core/leases/lease.js';
import type { MutationContext, Store, SweepPolicy, SweepResult, Written } from '../store.js';
import * as leases from './operations/lease-ops.js';
import * as members from './operations/member-ops.js';
import * as state from './operations/state-ops.js';
import * as tasks from './operations/task-ops.js';
import { createUnit, type Unit } from './operations/unit.js';
import type { TransactionEngine } from './repository.js';

export function createTransactionalStore(engine: TransactionEngine): Store {
  // Projects whose row a committed step created: projects are never deleted, so
  // later steps skip ensureProject (one statement each).
  const knownProjects = new Set<string>();

  /** One atomic step: replays a recorded answer for a repeated request id. */
  const mutate = async <T>(ctx: MutationContext, work: (u: Unit) => Promise<T>): Promise<Written<T>> => {
    const known = knownProjects.has(ctx.project);
    const written = await engine.transaction(ctx.project, async (tx) => {
      if (ctx.requestId !== undefined) {
        const seen = await tx.getRequest(ctx.project, ctx.requestId);
        if (seen) return { result: seen.result as T, events: [] };
      }
      if (!known) await tx.ensureProject(ctx.project, ctx.now);
      const unit = createUnit(tx, ctx.project, ctx.now);
      const result = await work(unit);
      if (ctx.requestId !== undefined) await tx.putRequest(ctx.project, ctx.requestId, result, ctx.now);
      return { result, events: unit.events };
    });
    if (!known) {
      if (knownProjects.size > 100_000) knownProjects.clear();
      knownProjects.add(ctx.project);
    }
    return written;
  };

  const sweepProject = (project: string, now: number, policy: SweepPolicy) =>
    engine.transaction(project, async (tx) => {
      const u = createUnit(tx, project, now);
      let expiredLeases = 0;
      for (const kind of ['lock', 'files', 'slot'] as const) {
        const before = (await tx.listLeases(project, kind)).filter((l) => !isLive(l, now)).length;
        await leases.settle(u, kind);
        expiredLeases += before;
      }
      const requeuedTasks = await tasks.requeueLapsedClaims(u);
      // deriveStatus calls a member abandoned from exactly unresponsiveMs of silence; `before` is exclusive.
      const silent = await tx.listSilentMembers(project, now - policy.thresholds.unresponsiveMs + 1);
      for (const member of silent) await members.endMember(u, member, 'abandoned');
      const expiredState = await state.deleteExpiredState(u);
      const trimmedEvents = await tx.trimEvents(project, policy.eventRetention);
      await tx.purgeRequests(project, now - policy.requestRetentionMs);
      return { expiredLeases, requeuedTasks, abandonedMembers: silent.length, expiredState, trimmedEvents, events: u.events };
    });

  return {
    clock: engine.clock,
    capabilities: engine.capabilities,
    engine: engine.engine,

    registerMember: (ctx, input) => mutate(ctx, (u) => members.registerMember(u, input)),
    heartbeat: (ctx, input) => mutate(ctx, (u) => members.heartbeat(u, input)),
    signOff: (ctx, id) => mutate(ctx, (u) => members.signOff(u, id)),
    reportHealth: (ctx, id, health, detail) => mutate(ctx, (u) => members.reportHealth(u, id, health, detail)),
    getMember: (project, id) => engine.read((tx) => tx.getMember(project, id)),
    listMembers: (project, kind) => engine.read((tx) => tx.listMembers(project, kind)),

    acquireLease: (ctx, input) => mutate(ctx, (u) => leases.acquire(u, input)),
    renewLease: (ctx, ref, ttlMs) => mutate(ctx, (u) => leases.renew(u, ref, ttlMs)),
    releaseLease: (ctx, ref) => mutate(ctx, (u) => leases.release(u, ref)),
    endWait: (ctx, wait) => mutate(ctx, (u) => leases.endWait(u, wait)),
    listLeases: (project, now, kind) => engine.read(async (tx) => (await tx.listLeases(project, kind)).filter((l) => isLive(l, now))),
    listWaiters: (project, now, kind) => engine.read(async (tx) => (await tx.listWaiters(project, kind)).filter((w) => w.deadline > now)),

    addTasks: (ctx, batch, actor) => mutate(ctx, (u) => tasks.addTasks(u, batch, actor)),
    claimTask: (ctx, input) => mutate(ctx, (u) => tasks.claimTask(u, input)),
    updateTask: (ctx, input) => mutate(ctx, (u) => tasks.updateTask(u, input)),
    releaseTask: (ctx, id, agent, token) => mutate(ctx, (u) => tasks.releaseTask(u, id, agent, token)),
    resetTask: (ctx, id, actor) => mutate(ctx, (u) => tasks.resetTask(u, id, actor)),
    cancelTask: (ctx, id, actor) => mutate(ctx, (u) => tasks.cancelTask(u, id, actor)),
    getTask: (project, id) => engine.read((tx) => tx.getTask(project, id)),
    listTasks: (project, query) => engine.read((tx) => tx.listTasks(project, query)),

    putState: (ctx, input) => mutate(ctx, (u) => state.putState(u, input)),
    getState: (project, scope, key, now) => engine.read((tx) => state.liveEntry({ tx, project, now }, scope, key)),
    listStateKeys: (project, scope, prefix, now, limit) =>
      engine.read(async (tx) => {
        // Expired rows linger until the sweep: fetch more until `limit` live ones are found or the scope is exhausted.
        for (let fetch = limit; ; fetch *= 2) {
          const rows = await tx.listState(project, scope, prefix, fetch);
          const live = rows.filter((e) => e.expiresAt === null || e.expiresAt > now);
          if (live.length >= limit || rows.length < fetch) return live.slice(0, limit);
        }
      }),
    listScopes: (project, now) => engine.read((tx) => tx.listScopes(project, now)),
    deleteState: (ctx, scope, key, actor) => mutate(ctx, (u) => state.deleteState(u, scope, key, actor)),
    deleteScope: (ctx, scope, actor) => mutate(ctx, (u) => state.deleteScope(u, scope, actor)),

    publishEvent: (ctx, actor, topic, payload) =>
      mutate(ctx, async (u) => {
        await u.emit(event('custom', actor, topic, { topic, payload }));
        const published = u.events.at(-1);
        if (!published) throw new CoordinationError('INTERNAL', 'The published event was not recorded.');
        return published;
      }),
    readEvents: ({ project, after, limit, types }) =>
      engine.read(async (tx) => {
        const { lastId, oldestId } = await tx.eventBounds(project);
        if (after < oldestId - 1) {
          throw new CoordinationError('EVENTS_GAP', `Events after ${after} were trimmed; the oldest kept is ${oldestId}.`, { oldest_id: oldestId, last_id: lastId });
        }
        return { events: await tx.readEvents(project, after, limit, types), lastId, oldestId };
      }),

    listProjects: () => engine.read((tx) => tx.listProjects()),
    projectExists: (project) => engine.read((tx) => tx.projectExists(project)),
    async sweep(now, policy) {
      const total: SweepResult = { expiredLeases: 0, requeuedTasks: 0, abandonedMembers: 0, trimmedEvents: 0, expiredState: 0, events: [] };
      for (const project of await engine.read((tx) => tx.listProjects())) {
        const r = await sweepProject(project, now, policy);
        total.expiredLeases += r.expiredLeases;
        total.requeuedTasks += r.requeuedTasks;
        total.abandonedMembers += r.abandonedMembers;
        total.trimmedEvents += r.trimmedEvents;
        total.expiredState += r.expiredState;
        total.events.push(...r.events);
      }
      return total;
    },
    ping: () => engine.ping(),
    close: () => engine.close(),
  };
}
