/**
 * @module The Store port over a StepEngine: every mutation is one step from
 * ./steps run atomically by the engine (with its request-id and acting-member
 * guard), every read one engine query. The same code serves SQLite, PostgreSQL
 * and Redis; engines differ only in how they load, apply and isolate.
 */
import { DOC_KINDS, type Doc } from '../core/consult/doc.js';
import { event } from '../core/events/event.js';
import type { Clock } from '../core/ports.js';
import { release, releaseAllOfKind, renew, acquire, endWait, breakLease } from './steps/lease-steps.js';
import { heartbeat, registerMember, reportHealth, signOff } from './steps/member-steps.js';
import { deleteScope, deleteState, putState } from './steps/state-steps.js';
import { restoreProject } from './steps/restore-step.js';
import { sweepProject } from './steps/sweep-step.js';
import { addTasks, cancelTask, claimTask, releaseTask, resetTask, updateTask } from './steps/task-steps.js';
import { createConsultStore } from './consult-store.js';
import { immediate, type Step, type StepGuard } from './step/runner.js';
import { isCoordinationError, notFound } from '../core/errors.js';
import type { BatonEvent } from '../core/events/event.js';
import type { Task } from '../core/tasks/task.js';
import type { StateEntry } from '../core/state/entry.js';
import type { MutationContext, ProjectCounters, ProjectSnapshot, Store, StoreCapabilities, SweepPolicy, SweepResult, Written } from './store.js';
import type { ConsultStore } from './consult-port.js';
import type { LimitStore } from './limits-port.js';

/** The read half of the Store port, answered by each engine with its own queries. */
export type StoreQueries = Pick<
  Store,
  | 'getMember' | 'listMembers' | 'getLease' | 'listLeases' | 'listWaiters' | 'getTask' | 'listTasks' | 'getState' | 'listStateKeys' | 'countStateKeys' | 'listScopes'
  | 'readEvents' | 'countProject' | 'listProjects' | 'projectExists'
> & Pick<ConsultStore, 'getDoc' | 'listDocs'>;

/** What an engine provides: atomic steps, plain queries, and the sweep's view of what is due. */
export interface StepEngine {
  readonly clock: Clock;
  readonly capabilities: StoreCapabilities;
  readonly engine: Store['engine'];
  readonly stats: Store['stats'];
  readonly queries: StoreQueries;
  readonly limits: LimitStore;
  /** Runs one step of `project` atomically (engines batch concurrent steps); resolves after it is durable. */
  run<T>(project: string, now: number, guard: StepGuard, step: Step<T>): Promise<Written<T>>;
  /** Existing projects with something due at `now`: lapsed leases, waits or claims, expired state, silent members, a log over retention. */
  dueProjects(now: number, policy: SweepPolicy): Promise<string[]>;
  /** Forgets request ids recorded before `before`, across projects. */
  purgeRequests(before: number): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

function guardOf(method: string, ctx: MutationContext): StepGuard {
  return {
    request: ctx.requestId === undefined ? undefined : { caller: ctx.caller ?? '', id: ctx.requestId, fingerprint: `${method}:${ctx.digest ?? ''}` },
    member: ctx.agent,
  };
}

/** Pages read per query while exporting: bounded memory per round trip, any size of project. */
const EXPORT_PAGE = 1_000;

/** The retained log, oldest first; when retention trims meanwhile, read again from the new oldest. */
async function exportEvents(q: StoreQueries, project: string): Promise<BatonEvent[]> {
  let from = 0;
  for (let attempt = 0; ; attempt++) {
    const events: BatonEvent[] = [];
    try {
      for (let after = from; ; ) {
        const page = await q.readEvents({ project, after, limit: EXPORT_PAGE });
        events.push(...page.events);
        const last = page.events.at(-1);
        if (!last || page.events.length < EXPORT_PAGE) return events;
        after = last.id;
      }
    } catch (error) {
      if (!isCoordinationError(error) || error.code !== 'EVENTS_GAP' || attempt >= 3) throw error;
      from = Number(error.details?.['oldest_id'] ?? 1) - 1;
    }
  }
}

/**
 * Every consultation doc of a project, kind by kind, in pages by sort. Docs may share a
 * sort value (edits of one instant), so the next page starts at the last one's sort again,
 * skips what it has, and grows when a whole page holds one sort value.
 */
async function exportDocs(q: StepEngine['queries'], project: string): Promise<Doc[]> {
  const docs: Doc[] = [];
  for (const kind of DOC_KINDS) {
    const seen = new Set<string>();
    let from: number | undefined;
    for (let limit = EXPORT_PAGE; ; ) {
      const page = await q.listDocs(project, kind, from === undefined ? {} : { from }, limit);
      const fresh = page.filter((d) => !seen.has(d.id));
      for (const d of fresh) seen.add(d.id);
      docs.push(...fresh);
      if (page.length < limit) break;
      if (fresh.length === 0) limit *= 2;
      else from = page.at(-1)?.sort;
    }
  }
  return docs;
}

/**
 * Reads a project for a backup through the engine's own queries, then its counters
 * (in a step that writes nothing), so the counters are at least any token read.
 */
async function exportProject(engine: StepEngine, project: string, now: number): Promise<ProjectSnapshot> {
  const q = engine.queries;
  if (!(await q.projectExists(project))) throw notFound('project', project);
  const members = await q.listMembers(project);
  const leases = await q.listLeases(project, now);
  const tasks: Task[] = [];
  for (let after = 0; ; ) {
    const page = await q.listTasks(project, { limit: EXPORT_PAGE, afterSeq: after });
    tasks.push(...page);
    const last = page.at(-1);
    if (!last || page.length < EXPORT_PAGE) break;
    after = last.seq;
  }
  const state: StateEntry[] = [];
  for (const { scope } of await q.listScopes(project, now)) state.push(...(await q.listStateKeys(project, scope, '', now, Number.MAX_SAFE_INTEGER)));
  const events = await exportEvents(q, project);
  const docs = await exportDocs(q, project);
  const header = (await engine.run(project, now, {}, immediate((s) => ({ ...s.header })))).result;
  const counters: ProjectCounters = {
    token: header.token,
    ticket: header.ticket,
    taskSeq: header.taskSeq,
    // The log as exported: events appended after it was read are not in this backup.
    lastEventId: events.at(-1)?.id ?? 0,
    oldestEventId: events[0]?.id ?? 1,
  };
  return { project, counters, members, leases, tasks, state, events, docs };
}

export function createStepStore(engine: StepEngine): Store {
  const mutate = <T>(method: string, ctx: MutationContext, step: Step<T>): Promise<Written<T>> => engine.run(ctx.project, ctx.now, guardOf(method, ctx), step);

  return {
    clock: engine.clock,
    capabilities: engine.capabilities,
    engine: engine.engine,
    stats: engine.stats,
    ...engine.queries,
    consult: createConsultStore(mutate, engine.queries),
    limits: engine.limits,

    registerMember: (ctx, input) => mutate('registerMember', ctx, (s) => registerMember(s, input)),
    heartbeat: (ctx, input) => mutate('heartbeat', ctx, (s) => heartbeat(s, input)),
    signOff: (ctx, id) => mutate('signOff', ctx, (s) => signOff(s, id)),
    reportHealth: (ctx, id, health, detail) => mutate('reportHealth', ctx, (s) => reportHealth(s, id, health, detail)),

    acquireLease: (ctx, input) => mutate('acquireLease', ctx, (s) => acquire(s, input)),
    renewLease: (ctx, ref, ttlMs) => mutate('renewLease', ctx, (s) => renew(s, ref, ttlMs)),
    releaseLease: (ctx, ref) => mutate('releaseLease', ctx, (s) => release(s, ref)),
    releaseLeasesOf: (ctx, holder, kind) => mutate('releaseLeasesOf', ctx, (s) => releaseAllOfKind(s, holder, kind)),
    breakLease: (ctx, ref) => mutate('breakLease', ctx, (s) => breakLease(s, ref)),
    endWait: (ctx, wait) => mutate('endWait', ctx, (s) => endWait(s, wait)),

    addTasks: (ctx, batch, actor) => mutate('addTasks', ctx, (s) => addTasks(s, batch, actor)),
    claimTask: (ctx, input) => mutate('claimTask', ctx, (s) => claimTask(s, input)),
    updateTask: (ctx, input) => mutate('updateTask', ctx, (s) => updateTask(s, input)),
    releaseTask: (ctx, id, agent, token) => mutate('releaseTask', ctx, (s) => releaseTask(s, id, agent, token)),
    resetTask: (ctx, id, actor) => mutate('resetTask', ctx, (s) => resetTask(s, id, actor)),
    cancelTask: (ctx, id, actor) => mutate('cancelTask', ctx, (s) => cancelTask(s, id, actor)),

    putState: (ctx, input) => mutate('putState', ctx, (s) => putState(s, input)),
    deleteState: (ctx, scope, key, actor) => mutate('deleteState', ctx, (s) => deleteState(s, scope, key, actor)),
    deleteScope: (ctx, scope, actor) => mutate('deleteScope', ctx, (s) => deleteScope(s, scope, actor)),

    publishEvent: (ctx, actor, topic, payload) =>
      mutate('publishEvent', ctx, immediate((s) => s.emit(event('custom', actor, topic, { topic, payload })))),

    exportProject: (project, now) => exportProject(engine, project, now),
    importProject: (ctx, snapshot, options) => mutate('importProject', ctx, (s) => restoreProject(s, snapshot, options)),

    async sweep(now, policy) {
      const total: SweepResult = { expiredLeases: 0, requeuedTasks: 0, abandonedMembers: 0, trimmedEvents: 0, expiredState: 0, dueDocs: 0, events: [] };
      for (const project of await engine.dueProjects(now, policy)) {
        const { result, events } = await engine.run(project, now, {}, (s) => sweepProject(s, policy));
        total.expiredLeases += result.expiredLeases;
        total.requeuedTasks += result.requeuedTasks;
        total.abandonedMembers += result.abandonedMembers;
        total.trimmedEvents += result.trimmedEvents;
        total.expiredState += result.expiredState;
        total.dueDocs += result.dueDocs;
        total.events.push(...events);
      }
      await engine.purgeRequests(now - policy.requestRetentionMs);
      await engine.limits.purge(now);
      return total;
    },
    ping: () => engine.ping(),
    close: () => engine.close(),
  };
}
