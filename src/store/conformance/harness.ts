/**
 * @module What every conformance case runs with: a fresh store on a fake clock, a
 * random project, and short helpers that speak the Store port only (never an
 * engine's internals), so the same cases hold every backend to one behaviour.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { CoordinationError, type ErrorCode } from '../../core/errors.js';
import type { BatonEvent, EventType } from '../../core/events/event.js';
import type { Lease, LeaseKind, LeaseMode } from '../../core/leases/lease.js';
import { DEFAULT_THRESHOLDS, type Member, type StatusThresholds } from '../../core/presence/member.js';
import type { NewTask, Task } from '../../core/tasks/task.js';
import type { AcquireResult, MutationContext, Store, SweepPolicy, Written } from '../store.js';
import type { FakeClock } from './fake-clock.js';

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

/** The status tiers every case uses (the product defaults: 5 min, 1 h, 4 h, 24 h). */
export const THRESHOLDS: StatusThresholds = DEFAULT_THRESHOLDS;

export const SWEEP_POLICY: SweepPolicy = { thresholds: THRESHOLDS, eventRetention: 100_000, requestRetentionMs: 24 * HOUR };

export interface AcquireOptions {
  kind?: Exclude<LeaseKind, 'files'>;
  mode?: LeaseMode;
  limit?: number | null;
  ttlMs?: number;
  force?: boolean;
  /** Queue when blocked, for this long from now. */
  queueMs?: number;
  requestId?: string;
}

export interface ReserveOptions {
  mode?: LeaseMode;
  ttlMs?: number;
  queueMs?: number;
  requestId?: string;
}

export type Blocked = Extract<AcquireResult, { ok: false }>;

/** One test's world. Created before each test, closed after it. */
export interface StoreTestEnv {
  readonly store: Store;
  readonly clock: FakeClock;
  /** A random project id, unique to this test. */
  readonly project: string;
  /** A second random project, for isolation checks. */
  readonly otherProject: string;
  /** A mutation context at the fake clock's current time. */
  ctx(requestId?: string, project?: string): MutationContext;
  register(id: string, options?: { kind?: 'agent' | 'service'; metadata?: Record<string, unknown>; project?: string }): Promise<Member>;
  acquire(holder: string, resource: string, options?: AcquireOptions): Promise<Written<AcquireResult>>;
  reserve(holder: string, paths: string[], options?: ReserveOptions): Promise<Written<AcquireResult>>;
  addTasks(tasks: TaskSpec[], requestId?: string): Promise<Task[]>;
  /** Every retained event of the project, oldest first. */
  events(project?: string): Promise<BatonEvent[]>;
}

export type TaskSpec = Pick<NewTask, 'id'> & Partial<NewTask>;

export type CaseFn = (env: StoreTestEnv) => Promise<void>;

/** What a case file registers its tests with; honours the suite's skip list. */
export interface Harness {
  readonly it: (name: string, fn: CaseFn) => void;
}

const randomId = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 12)}`;

function newTask(spec: TaskSpec): NewTask {
  return { title: `Task ${spec.id}`, description: '', dependencies: [], priority: 0, labels: [], files: [], ...spec };
}

export function createEnv(store: Store, clock: FakeClock): StoreTestEnv {
  const project = randomId('conf');
  const otherProject = randomId('conf-other');
  const ctx = (requestId?: string, p: string = project): MutationContext => ({ project: p, now: clock.now(), requestId });
  return {
    store,
    clock,
    project,
    otherProject,
    ctx,
    async register(id, options = {}) {
      const kind = options.kind ?? 'agent';
      const written = await store.registerMember(ctx(undefined, options.project ?? project), {
        id,
        name: `Name of ${id}`,
        kind,
        modules: [],
        metadata: options.metadata ?? {},
        service: kind === 'service' ? { version: '1.0.0', tools: ['t'], capabilities: [], dependencies: [] } : null,
      });
      return written.result;
    },
    acquire(holder, resource, o = {}) {
      return store.acquireLease(ctx(o.requestId), {
        request: { kind: o.kind ?? 'lock', resource, paths: [], holder, mode: o.mode ?? 'exclusive', limit: o.limit ?? null, ttlMs: o.ttlMs ?? 15 * MINUTE, reason: null },
        force: o.force ?? false,
        queueUntil: o.queueMs === undefined ? undefined : clock.now() + o.queueMs,
        thresholds: THRESHOLDS,
      });
    },
    reserve(holder, paths, o = {}) {
      return store.acquireLease(ctx(o.requestId), {
        request: { kind: 'files', resource: randomId('res'), paths, holder, mode: o.mode ?? 'exclusive', limit: null, ttlMs: o.ttlMs ?? 15 * MINUTE, reason: null },
        force: false,
        queueUntil: o.queueMs === undefined ? undefined : clock.now() + o.queueMs,
        thresholds: THRESHOLDS,
      });
    },
    async addTasks(tasks, requestId) {
      return (await store.addTasks(ctx(requestId), tasks.map(newTask), null)).result;
    },
    async events(p = project) {
      return (await store.readEvents({ project: p, after: 0, limit: 100_000 })).events;
    },
  };
}

// ---- assertions ----------------------------------------------------------

/** The lease of a granted acquire; fails the test when it was blocked. */
export function granted(written: Written<AcquireResult>): Lease {
  const result = written.result;
  if (!result.ok) throw new Error(`Expected a grant, got blocked by ${result.conflicts.map((l) => `${l.holder}:${l.resource}`).join(', ') || `${result.waitersAhead} waiter(s)`}.`);
  return result.lease;
}

/** The refusal of a blocked acquire; fails the test when it was granted. */
export function blocked(written: Written<AcquireResult>): Blocked {
  const result = written.result;
  if (result.ok) throw new Error(`Expected a refusal, got a grant to ${result.lease.holder} (token ${result.lease.token}).`);
  return result;
}

/** Awaits a call that must fail with a CoordinationError of `code`, and returns the error. */
export async function expectCode(call: Promise<unknown>, code: ErrorCode): Promise<CoordinationError> {
  let outcome: unknown;
  try {
    outcome = await call;
  } catch (error) {
    expect(error).toBeInstanceOf(CoordinationError);
    expect((error as CoordinationError).code).toBe(code);
    return error as CoordinationError;
  }
  throw new Error(`Expected ${code}, but the call succeeded with ${JSON.stringify(outcome)}.`);
}

/** Event types in order, optionally only those of `types`. */
export const typesOf = (events: readonly BatonEvent[], types?: readonly EventType[]): string[] =>
  events.filter((e) => !types || types.includes(e.type)).map((e) => e.type);

/** The events of one type, narrowed. */
export const ofType = <K extends EventType>(events: readonly BatonEvent[], type: K): Extract<BatonEvent, { type: K }>[] =>
  events.filter((e): e is Extract<BatonEvent, { type: K }> => e.type === type);
