/**
 * @module The row-level repository that transactional engines (SQLite now,
 * PostgreSQL next) implement. Every call happens inside one transaction opened by
 * `TransactionEngine.transaction`, which serialises writers per project, so the
 * operations in ./operations may read, decide with core rules, then write.
 */
import type { BatonEvent, NewEvent } from '../../core/events/event.js';
import type { Lease, LeaseKind, Waiter } from '../../core/leases/lease.js';
import type { Member, MemberKind } from '../../core/presence/member.js';
import type { StateEntry } from '../../core/state/entry.js';
import type { Task } from '../../core/tasks/task.js';
import type { Clock } from '../../core/ports.js';
import type { StoreCapabilities, TaskQuery } from '../store.js';

export type SequenceName = 'token' | 'ticket' | 'task';

export interface Repository {
  // projects, sequences, events
  ensureProject(project: string, now: number): Promise<void>;
  projectExists(project: string): Promise<boolean>;
  listProjects(): Promise<string[]>;
  /** Next value of a per-project sequence that only grows (fencing tokens, tickets, task order). */
  nextSequence(project: string, name: SequenceName): Promise<number>;
  appendEvent(project: string, now: number, event: NewEvent): Promise<BatonEvent>;
  readEvents(project: string, after: number, limit: number, types: string[] | undefined): Promise<BatonEvent[]>;
  eventBounds(project: string): Promise<{ lastId: number; oldestId: number }>;
  /** Deletes all but the newest `keep` events; returns how many went. */
  trimEvents(project: string, keep: number): Promise<number>;

  // idempotency
  getRequest(project: string, requestId: string): Promise<{ result: unknown } | null>;
  putRequest(project: string, requestId: string, result: unknown, now: number): Promise<void>;
  purgeRequests(project: string, before: number): Promise<void>;

  // members
  getMember(project: string, id: string): Promise<Member | null>;
  putMember(member: Member): Promise<void>;
  listMembers(project: string, kind: MemberKind | undefined): Promise<Member[]>;
  /** Members not ended whose last heartbeat is older than `before`. */
  listSilentMembers(project: string, before: number): Promise<Member[]>;

  // leases and waiters (expired rows included: callers filter by time)
  /** One lease by id (see core leaseId), expired or not. */
  getLease(project: string, id: string): Promise<Lease | null>;
  listLeases(project: string, kind: LeaseKind | undefined): Promise<Lease[]>;
  /**
   * The leases of `kind` that can conflict with `resource` (expired included): for locks and
   * slots the same name, its ancestors and its descendants (see core lockNamesRelated); for files,
   * every reservation. A superset is allowed; the caller decides with core rules.
   */
  listLeasesOn(project: string, kind: LeaseKind, resource: string): Promise<Lease[]>;
  listLeasesOfHolder(project: string, holder: string): Promise<Lease[]>;
  insertLease(lease: Lease): Promise<void>;
  updateLeaseExpiry(project: string, id: string, expiresAt: number, ttlMs: number): Promise<void>;
  deleteLease(project: string, id: string): Promise<void>;
  listWaiters(project: string, kind: LeaseKind | undefined): Promise<Waiter[]>;
  insertWaiter(waiter: Waiter): Promise<void>;
  deleteWaiter(project: string, ticket: number): Promise<boolean>;

  // tasks
  getTask(project: string, id: string): Promise<Task | null>;
  insertTask(task: Task): Promise<void>;
  updateTask(task: Task): Promise<void>;
  listTasks(project: string, query: TaskQuery): Promise<Task[]>;
  /** Ready tasks, best first (priority desc, then seq asc). */
  listReadyTasks(project: string, limit: number): Promise<Task[]>;
  /** Tasks that list `id` among their dependencies. */
  listDependants(project: string, id: string): Promise<Task[]>;
  listClaimedTasks(project: string, filter: { agent?: string; expiredBy?: number }): Promise<Task[]>;

  // state
  getState(project: string, scope: string, key: string): Promise<StateEntry | null>;
  putState(entry: StateEntry): Promise<void>;
  deleteState(project: string, scope: string, key: string): Promise<boolean>;
  listState(project: string, scope: string, prefix: string, limit: number): Promise<StateEntry[]>;
  listScopes(project: string, now: number): Promise<{ scope: string; keys: number }[]>;
  deleteScope(project: string, scope: string): Promise<number>;
  listExpiredState(project: string, now: number): Promise<StateEntry[]>;
}

/** An engine that runs repository work in transactions. */
export interface TransactionEngine {
  readonly clock: Clock;
  readonly capabilities: StoreCapabilities;
  readonly engine: 'sqlite' | 'postgres' | 'redis';
  /** Runs `work` in one write transaction that serialises with other writers of `project`. */
  transaction<T>(project: string, work: (tx: Repository) => Promise<T>): Promise<T>;
  /** Runs read-only work on committed data. */
  read<T>(work: (tx: Repository) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
