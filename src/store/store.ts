/**
 * @module The Store port: the atomic coordination steps every storage engine
 * implements (SQLite, PostgreSQL, Redis). It speaks coordination, not key/value,
 * and exposes no connection or transaction type.
 *
 * Contract for every mutating method:
 * - it is one atomic step: the change and the events it appends commit together or
 *   not at all, and it resolves only after the commit is durable per the engine's
 *   documented setting;
 * - `now` (epoch ms, from `store.clock`) decides expiry; nothing expires before its TTL;
 * - given `requestId`, a repeat of the same call (same caller, method and input
 *   digest) within the idempotency window returns the first answer without applying
 *   the change again; the same id with another method or digest is REQUEST_ID_REUSED;
 * - given `agent`, the step acts for that member, which must be registered and not
 *   ended (AGENT_REQUIRED), checked inside the same atomic step;
 * - expected contention is a result (`ok: false`), and rule violations throw
 *   `CoordinationError`; engine failures become `STORE_UNAVAILABLE` or `INTERNAL`.
 */
import type { Clock } from '../core/ports.js';
import type { ConsultStore } from './consult-port.js';
import type { Doc } from '../core/consult/doc.js';
import type { LimitStore } from './limits-port.js';
import type { MutationContext, Written } from './mutation.js';
import type { BatonEvent } from '../core/events/event.js';
import type { Lease, LeaseKind, LeaseRequest, Waiter } from '../core/leases/lease.js';
import type { Activity, HealthState, Member, MemberKind, StatusThresholds } from '../core/presence/member.js';
import type { StateEntry } from '../core/state/entry.js';
import type { NewTask, Task, TaskStatus } from '../core/tasks/task.js';

export type { MutationContext, Written } from './mutation.js';

export interface StoreCapabilities {
  /** How other coordinator processes learn of new events. */
  notify: 'in-process' | 'listen' | 'pubsub';
  /** Whether several coordinator processes may share this store. */
  multiProcess: boolean;
}

// ---- presence ------------------------------------------------------------

export interface RegisterMemberInput {
  id: string;
  name: string;
  kind: MemberKind;
  modules: string[];
  metadata: Record<string, unknown>;
  service: { version: string | null; tools: string[]; capabilities: string[]; dependencies: string[] } | null;
  /** LIMIT_EXCEEDED instead of adding (or bringing back) a member when the project has this many live ones. */
  maxMembers?: number | undefined;
}

export interface HeartbeatInput {
  id: string;
  activity: Activity | undefined;
  currentFile: string | null | undefined;
  metadata: Record<string, unknown> | undefined;
}

/** What leaving (sign-off or abandonment) released. */
export interface ReleaseSummary {
  released: number;
  requeued: number;
}

// ---- leases --------------------------------------------------------------

export interface AcquireInput {
  request: LeaseRequest;
  force: boolean;
  /** Queue the request when blocked, until this deadline; omitted means do not queue. */
  queueUntil?: number | undefined;
  /**
   * When the caller's wait ends, if before `queueUntil`: the rest is a grace period in which
   * the waiter keeps its place for a re-call. A re-call by the same holder for the same
   * resource resumes its ticket instead of queueing behind later callers.
   */
  waitingUntil?: number | undefined;
  thresholds: StatusThresholds;
  /** LIMIT_EXCEEDED instead of queueing when this many callers wait for the resource already. */
  maxWaiters?: number | undefined;
}

export type AcquireResult =
  | { ok: true; lease: Lease; renewed: boolean; broken: Lease[] }
  | {
      ok: false;
      reason: 'held';
      conflicts: Lease[];
      /** Conflicting waiters queued ahead of this request (for a queued one: ahead of its ticket). */
      waitersAhead: number;
      forceable: boolean;
      holders: Member[];
      /** The caller's place in the queue, kept or new; null when it did not queue. */
      ticket: number | null;
      /** Whether the ticket is one the caller already had (a resumed wait). */
      resumed: boolean;
    };

export interface LeaseRef {
  kind: LeaseKind;
  resource: string;
  holder: string;
  /** When given, the call fails with LEASE_LOST unless it matches the live lease. */
  token?: number | undefined;
}

/** Another holder's lease to break: the holder and token the breaker saw, so a lease granted again since is left alone. */
export interface BreakRef extends LeaseRef {
  token: number;
  /** Who breaks it (recorded as the event's actor and `by`). */
  by: string | null;
  thresholds: StatusThresholds;
}

/** A queued wait, as `acquireLease` answered it. */
export interface WaitRef {
  ticket: number;
  kind: LeaseKind;
  resource: string;
  holder: string;
}

/** Result of ending a wait: the lease if it was granted meanwhile. */
export type WaitEnd = { granted: Lease } | { granted: null };

// ---- tasks ---------------------------------------------------------------

export interface ClaimTaskInput {
  agent: string;
  /** A specific task; omitted means the best ready task (priority, then age). */
  taskId?: string | undefined;
  /** Only tasks carrying all these labels (for "best ready task"). */
  labels?: string[] | undefined;
  ttlMs: number;
}

export type ClaimTaskResult = { ok: true; task: Task } | { ok: false; reason: 'none_ready' | 'not_ready' | 'claimed'; task: Task | null };

export interface UpdateTaskInput {
  taskId: string;
  agent: string;
  token: number;
  status?: 'done' | 'failed' | undefined;
  output?: unknown;
  error?: string | null | undefined;
  progress?: string | null | undefined;
  /** Extends the claim by its TTL (a progress update renews the claim). */
  renew: boolean;
}

export interface TaskQuery {
  status?: TaskStatus[] | undefined;
  labels?: string[] | undefined;
  limit: number;
  /** Only tasks added after the one with this sequence number (paging in insertion order). */
  afterSeq?: number | undefined;
}

// ---- state ---------------------------------------------------------------

export interface PutStateInput {
  scope: string;
  key: string;
  value: unknown;
  actor: string | null;
  /** Compare-and-set: 0 means "must not exist". */
  ifVersion?: number | undefined;
  ttlMs?: number | undefined;
}

// ---- events --------------------------------------------------------------

export interface ReadEventsInput {
  project: string;
  /** Return events with id greater than this. */
  after: number;
  limit: number;
  types?: string[] | undefined;
}

export interface EventPage {
  events: BatonEvent[];
  /** Highest id in the project's log (0 when empty). */
  lastId: number;
  /** Oldest retained id (retention trims older ones). */
  oldestId: number;
}

// ---- sweep ---------------------------------------------------------------

export interface SweepPolicy {
  thresholds: StatusThresholds;
  /** Keep at most this many events per project. */
  eventRetention: number;
  /** Forget idempotency records older than this. */
  requestRetentionMs: number;
}

/** Counts for a project overview, answered by the engine without reading every row. */
export interface ProjectCounts {
  tasks: Partial<Record<TaskStatus, number>>;
  /** Live leases by kind. */
  leases: Partial<Record<LeaseKind, number>>;
  /** Waiters whose wait has not ended. */
  waiters: number;
  lastEventId: number;
}

export interface SweepResult {
  expiredLeases: number;
  requeuedTasks: number;
  abandonedMembers: number;
  trimmedEvents: number;
  expiredState: number;
  /** Consultation docs that came due (intents expired, threads timed out, edits past retention). */
  dueDocs: number;
  /** Events appended by the sweep, for the bus. */
  events: BatonEvent[];
}

// ---- backup --------------------------------------------------------------

/** The project's counters: fencing tokens, waiter tickets and task order only grow, across a restore too. */
export interface ProjectCounters {
  token: number;
  ticket: number;
  taskSeq: number;
  /** Highest event id of the log (0 when empty). */
  lastEventId: number;
  /** Oldest event id retained. */
  oldestEventId: number;
}

/**
 * Everything a project holds that outlives a restart: members, live leases, tasks, state,
 * the retained event log and the counters. Queued waits and request-id records are left
 * out: their callers are gone by the time a backup is restored.
 */
export interface ProjectSnapshot {
  project: string;
  counters: ProjectCounters;
  members: Member[];
  leases: Lease[];
  tasks: Task[];
  state: StateEntry[];
  events: BatonEvent[];
  /** Consultation records: intents, threads, posts, deliveries, edits, the dependency map. */
  docs: Doc[];
}

export interface RestoreOptions {
  /**
   * Restore into a project that already exists: rows of the snapshot overwrite rows with the
   * same key, the project's leases and waits are replaced, tasks it already has are kept,
   * and restored events are appended after its log. Without it such a project is refused.
   */
  merge: boolean;
}

/** What a restore wrote, per kind of row. */
export interface RestoreResult {
  project: string;
  members: number;
  leases: number;
  tasks: number;
  /** Tasks of the snapshot the project already had (kept as they were; merge only). */
  tasksKept: number;
  state: number;
  events: number;
  docs: number;
  /** The counters after the restore: each at least the snapshot's and the project's own. */
  counters: ProjectCounters;
}

/** The storage port. See the module comment for the contract shared by all methods. */
export interface Store {
  readonly clock: Clock;
  readonly capabilities: StoreCapabilities;
  /** Name of the engine, for status and health. */
  readonly engine: 'sqlite' | 'postgres' | 'redis';
  /**
   * Work sent to the engine since the store opened: statements on SQLite and PostgreSQL,
   * commands on Redis (a script call is one). Tests assert per-call
   * costs with it, so a chatty pattern cannot creep back.
   */
  readonly stats: { readonly roundTrips: number };

  // presence
  registerMember(ctx: MutationContext, input: RegisterMemberInput): Promise<Written<Member>>;
  heartbeat(ctx: MutationContext, input: HeartbeatInput): Promise<Written<Member>>;
  signOff(ctx: MutationContext, memberId: string): Promise<Written<ReleaseSummary>>;
  reportHealth(ctx: MutationContext, memberId: string, health: HealthState, detail: string | null): Promise<Written<Member>>;
  getMember(project: string, id: string): Promise<Member | null>;
  listMembers(project: string, kind?: MemberKind): Promise<Member[]>;

  // leases
  acquireLease(ctx: MutationContext, input: AcquireInput): Promise<Written<AcquireResult>>;
  renewLease(ctx: MutationContext, ref: LeaseRef, ttlMs: number): Promise<Written<Lease>>;
  releaseLease(ctx: MutationContext, ref: LeaseRef): Promise<Written<Lease>>;
  /** Releases every live lease of `kind` the holder has, in one step (e.g. all its reservations). */
  releaseLeasesOf(ctx: MutationContext, holder: string, kind: LeaseKind): Promise<Written<Lease[]>>;
  /**
   * Releases another holder's live lease when that holder's status allows breaking it (stale or worse, per
   * core mayBreakLeaseOf), deciding on the holder's status inside the step: a holder that heartbeats first
   * keeps its lease (LEASE_HELD). Queued waiters are handed the freed lease in the same step.
   */
  breakLease(ctx: MutationContext, ref: BreakRef): Promise<Written<Lease>>;
  /** Ends a queued wait; if the lease was handed over meanwhile, returns it. */
  endWait(ctx: MutationContext, wait: WaitRef): Promise<Written<WaitEnd>>;
  /** One live lease by id (see core leaseId), or null. */
  getLease(project: string, id: string, now: number): Promise<Lease | null>;
  listLeases(project: string, now: number, kind?: LeaseKind): Promise<Lease[]>;
  listWaiters(project: string, now: number, kind?: LeaseKind): Promise<Waiter[]>;

  // tasks
  addTasks(ctx: MutationContext, tasks: NewTask[], actor: string | null): Promise<Written<Task[]>>;
  claimTask(ctx: MutationContext, input: ClaimTaskInput): Promise<Written<ClaimTaskResult>>;
  updateTask(ctx: MutationContext, input: UpdateTaskInput): Promise<Written<Task>>;
  releaseTask(ctx: MutationContext, taskId: string, agent: string, token: number): Promise<Written<Task>>;
  /** failed → ready/pending; cancel → cancelled (by anyone, like a maintainer). */
  resetTask(ctx: MutationContext, taskId: string, actor: string | null): Promise<Written<Task>>;
  cancelTask(ctx: MutationContext, taskId: string, actor: string | null): Promise<Written<Task>>;
  getTask(project: string, id: string): Promise<Task | null>;
  listTasks(project: string, query: TaskQuery): Promise<Task[]>;

  // state
  putState(ctx: MutationContext, input: PutStateInput): Promise<Written<StateEntry>>;
  getState(project: string, scope: string, key: string, now: number): Promise<StateEntry | null>;
  /** Live keys of a scope starting with `prefix`, in byte order, after the key `after` when given. */
  listStateKeys(project: string, scope: string, prefix: string, now: number, limit: number, after?: string): Promise<StateEntry[]>;
  /** How many live keys of a scope start with `prefix`, counted by the engine (no rows read). */
  countStateKeys(project: string, scope: string, prefix: string, now: number): Promise<number>;
  listScopes(project: string, now: number): Promise<{ scope: string; keys: number }[]>;
  deleteState(ctx: MutationContext, scope: string, key: string, actor: string | null): Promise<Written<boolean>>;
  deleteScope(ctx: MutationContext, scope: string, actor: string | null): Promise<Written<number>>;

  // consultation (intents, threads, inboxes, file activity, dependency map)
  readonly consult: ConsultStore;

  // limits per caller (request windows, concurrent waits), shared by every process on the store
  readonly limits: LimitStore;

  // events
  publishEvent(ctx: MutationContext, actor: string | null, topic: string, payload: unknown): Promise<Written<BatonEvent>>;
  /** Throws EVENTS_GAP when `after` is older than the retained log. */
  readEvents(input: ReadEventsInput): Promise<EventPage>;

  // backup
  /**
   * Reads a project for a backup. Each kind of row is read as of its own moment, and the
   * counters after the rows, so they are at least every token, ticket and task number read
   * (a restore can then never hand out a token again). NOT_FOUND when the project does not exist.
   */
  exportProject(project: string, now: number): Promise<ProjectSnapshot>;
  /**
   * Writes a snapshot into its project in one atomic step. Refuses (ALREADY_EXISTS) a project
   * that exists unless `merge`. Counters become at least the snapshot's; event ids are kept
   * when the log is empty, else the restored events follow the log.
   */
  importProject(ctx: MutationContext, snapshot: ProjectSnapshot, options: RestoreOptions): Promise<Written<RestoreResult>>;

  // projects and upkeep
  countProject(project: string, now: number): Promise<ProjectCounts>;
  listProjects(): Promise<string[]>;
  projectExists(project: string): Promise<boolean>;
  /**
   * Expires leases and waits, requeues lapsed claims, abandons silent members, trims
   * retention. Its cost follows what is due, not the number of projects.
   */
  sweep(now: number, policy: SweepPolicy): Promise<SweepResult>;
  /** Cheap liveness probe of the engine; throws STORE_UNAVAILABLE saying why when it cannot serve writes. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * How an engine shared by several coordinator processes announces committed events
 * (PostgreSQL NOTIFY, Redis PUBLISH, sent by the apply itself). The log-following
 * bus listens and reads the events from the store's log, in order.
 */
export interface StoreNotifier {
  /**
   * Starts listening. `onNotice` hears that a project's log reached `lastId`.
   * `onResync` gets every project's log head when listening (re)starts, so what was
   * missed meanwhile can be read; `lost` says the engine lost its data (logs restarted).
   */
  start(handlers: { onNotice(project: string, lastId: number): void; onResync(heads: ReadonlyMap<string, number>, lost: boolean): void }): Promise<void>;
  close(): Promise<void>;
}
