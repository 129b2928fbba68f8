/**
 * @module The Store port over a StepEngine: every mutation is one step from
 * ./steps run atomically by the engine (with its request-id and acting-member
 * guard), every read one engine query. The same code serves SQLite, PostgreSQL
 * and Redis; engines differ only in how they load, apply and isolate.
 */
import { event } from '../core/events/event.js';
import type { Clock } from '../core/ports.js';
import { release, releaseAllOfKind, renew, acquire, endWait } from './steps/lease-steps.js';
import { heartbeat, registerMember, reportHealth, signOff } from './steps/member-steps.js';
import { deleteScope, deleteState, putState } from './steps/state-steps.js';
import { sweepProject } from './steps/sweep-step.js';
import { addTasks, cancelTask, claimTask, releaseTask, resetTask, updateTask } from './steps/task-steps.js';
import { createConsultStore } from './consult-store.js';
import { immediate, type Step, type StepGuard } from './step/runner.js';
import type { ConsultStore } from './consult-port.js';
import type { MutationContext, Store, StoreCapabilities, SweepPolicy, SweepResult, Written } from './store.js';

/** The read half of the Store port, answered by each engine with its own queries. */
export type StoreQueries = Pick<
  Store,
  | 'getMember' | 'listMembers' | 'getLease' | 'listLeases' | 'listWaiters' | 'getTask' | 'listTasks' | 'getState' | 'listStateKeys' | 'listScopes'
  | 'readEvents' | 'countProject' | 'listProjects' | 'projectExists'
> & Pick<ConsultStore, 'getDoc' | 'listDocs'>;

/** What an engine provides: atomic steps, plain queries, and the sweep's view of what is due. */
export interface StepEngine {
  readonly clock: Clock;
  readonly capabilities: StoreCapabilities;
  readonly engine: Store['engine'];
  readonly stats: Store['stats'];
  readonly queries: StoreQueries;
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

export function createStepStore(engine: StepEngine): Store {
  const mutate = <T>(method: string, ctx: MutationContext, step: Step<T>): Promise<Written<T>> => engine.run(ctx.project, ctx.now, guardOf(method, ctx), step);

  return {
    clock: engine.clock,
    capabilities: engine.capabilities,
    engine: engine.engine,
    stats: engine.stats,
    ...engine.queries,
    consult: createConsultStore(mutate, engine.queries),

    registerMember: (ctx, input) => mutate('registerMember', ctx, (s) => registerMember(s, input)),
    heartbeat: (ctx, input) => mutate('heartbeat', ctx, (s) => heartbeat(s, input)),
    signOff: (ctx, id) => mutate('signOff', ctx, (s) => signOff(s, id)),
    reportHealth: (ctx, id, health, detail) => mutate('reportHealth', ctx, (s) => reportHealth(s, id, health, detail)),

    acquireLease: (ctx, input) => mutate('acquireLease', ctx, (s) => acquire(s, input)),
    renewLease: (ctx, ref, ttlMs) => mutate('renewLease', ctx, (s) => renew(s, ref, ttlMs)),
    releaseLease: (ctx, ref) => mutate('releaseLease', ctx, (s) => release(s, ref)),
    releaseLeasesOf: (ctx, holder, kind) => mutate('releaseLeasesOf', ctx, (s) => releaseAllOfKind(s, holder, kind)),
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
      return total;
    },
    ping: () => engine.ping(),
    close: () => engine.close(),
  };
}
