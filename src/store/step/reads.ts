/**
 * @module The declarative reads a step may ask for, what each answers, and for
 * each collection read the predicate and order that define it. Engines answer a
 * read from their storage; the step runner merges the answer with the writes the
 * step (and its batch) made so far, so a step always reads its own writes. The
 * predicate here is the one truth each engine's query must match.
 */
import type { BatonEvent } from '../../core/events/event.js';
import type { Lease, LeaseKind, Waiter } from '../../core/leases/lease.js';
import { lockNamesRelated } from '../../core/leases/lock-name.js';
import type { Member, MemberKind } from '../../core/presence/member.js';
import type { StateEntry } from '../../core/state/entry.js';
import type { Task } from '../../core/tasks/task.js';
import { compareForClaim } from '../../core/tasks/task-graph.js';
import { compareDocs, docMatches, type Doc, type DocFilter, type DocKind } from '../../core/consult/doc.js';
import { docKey, requestKey, stateKey, type RequestRecord, type Table } from './tables.js';

export type Read =
  | { t: 'request'; caller: string; id: string }
  | { t: 'member'; id: string }
  /** Every member (of a kind), in registration order. */
  | { t: 'members'; kind?: MemberKind | undefined }
  /** Members not ended whose last heartbeat is before `before`. */
  | { t: 'silentMembers'; before: number }
  | { t: 'lease'; id: string }
  /** Leases of `kind` that may conflict with `resource`: related names for locks and slots, every reservation for files. */
  | { t: 'leasesOn'; kind: LeaseKind; resource: string }
  | { t: 'leases'; kind?: LeaseKind | undefined }
  | { t: 'leasesOf'; holder: string }
  | { t: 'waiters'; kind?: LeaseKind | undefined }
  | { t: 'task'; id: string }
  /** The best `limit` ready tasks (priority, then age). */
  | { t: 'readyTasks'; limit: number }
  /** Claimed tasks of one agent, or whose claim lapsed by `expiredBy`. */
  | { t: 'claimedTasks'; agent?: string | undefined; expiredBy?: number | undefined }
  /** Tasks that list `id` among their dependencies. */
  | { t: 'dependants'; id: string }
  | { t: 'state'; scope: string; key: string }
  | { t: 'scope'; scope: string }
  | { t: 'expiredState'; now: number }
  | { t: 'doc'; kind: DocKind; id: string }
  /** Docs of a kind narrowed by the filter, by sort then id; at most `limit` when given. */
  | ({ t: 'docs'; kind: DocKind; limit?: number | undefined } & DocFilter)
  /** Docs of any kind whose expiry is at or before `now` (the sweep's), at most `limit`. */
  | { t: 'dueDocs'; now: number; limit: number }
  /** Events after id `after`, oldest first, at most `limit` (those trimmed by retention are absent). */
  | { t: 'events'; after: number; limit: number };

export type ReadKind = Read['t'];
export type ReadOf<K extends ReadKind> = Extract<Read, { t: K }>;

/** What each read answers. */
export interface ReadResults {
  request: RequestRecord | null;
  member: Member | null;
  members: Member[];
  silentMembers: Member[];
  lease: Lease | null;
  leasesOn: Lease[];
  leases: Lease[];
  leasesOf: Lease[];
  waiters: Waiter[];
  task: Task | null;
  readyTasks: Task[];
  claimedTasks: Task[];
  dependants: Task[];
  state: StateEntry | null;
  scope: StateEntry[];
  expiredState: StateEntry[];
  doc: Doc | null;
  docs: Doc[];
  dueDocs: Doc[];
  events: BatonEvent[];
}

/** A point read: one row of a table by key. */
export const POINT_READS = {
  request: { table: 'request', key: (r: ReadOf<'request'>) => requestKey(r.caller, r.id) },
  member: { table: 'member', key: (r: ReadOf<'member'>) => r.id },
  lease: { table: 'lease', key: (r: ReadOf<'lease'>) => r.id },
  task: { table: 'task', key: (r: ReadOf<'task'>) => r.id },
  state: { table: 'state', key: (r: ReadOf<'state'>) => stateKey(r.scope, r.key) },
  doc: { table: 'doc', key: (r: ReadOf<'doc'>) => docKey(r.kind, r.id) },
} as const;

export type PointRead = keyof typeof POINT_READS;
/** The log is not a table: the runner merges an events read with the batch's events itself. */
export type CollectionRead = Exclude<ReadKind, PointRead | 'events'>;

/** How a collection read is defined over the rows of one table. */
export interface CollectionSpec<TRow> {
  table: Table;
  matches: (row: TRow) => boolean;
  order: (a: TRow, b: TRow) => number;
  /** Most rows answered, if the read is limited. */
  limit?: number;
}

const byRegistration = (a: Member, b: Member): number => a.registeredAt - b.registeredAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const byToken = (a: Lease, b: Lease): number => a.token - b.token;
const byTicket = (a: Waiter, b: Waiter): number => a.ticket - b.ticket;
const bySeq = (a: Task, b: Task): number => a.seq - b.seq;
const byExpiry = (a: Doc, b: Doc): number => (a.expiresAt ?? 0) - (b.expiresAt ?? 0) || compareDocs(a, b);
const byKey = (a: StateEntry, b: StateEntry): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Whether a lease of `kind` may conflict with `resource` (see the `leasesOn` read). */
const leaseIsOn = (lease: Pick<Lease, 'kind' | 'resource'>, kind: LeaseKind, resource: string): boolean =>
  lease.kind === kind && (kind === 'files' || lockNamesRelated(lease.resource, resource));

/** A collection read's definition, over rows of its table (typed loosely: callers know the table). */
export interface AnyCollectionSpec {
  table: Table;
  matches: (row: never) => boolean;
  order: (a: never, b: never) => number;
  limit?: number;
}

/** The definition of every collection read: engines' queries and the runner's merge both follow it. */
export function collectionSpec(read: ReadOf<CollectionRead>): AnyCollectionSpec {
  const spec = ((): CollectionSpec<Member> | CollectionSpec<Lease> | CollectionSpec<Waiter> | CollectionSpec<Task> | CollectionSpec<StateEntry> | CollectionSpec<Doc> => {
    switch (read.t) {
      case 'members':
        return { table: 'member', matches: (m: Member) => read.kind === undefined || m.kind === read.kind, order: byRegistration };
      case 'silentMembers':
        return { table: 'member', matches: (m: Member) => m.endReason === null && m.lastHeartbeat < read.before, order: byRegistration };
      case 'leasesOn':
        return { table: 'lease', matches: (l: Lease) => leaseIsOn(l, read.kind, read.resource), order: byToken };
      case 'leases':
        return { table: 'lease', matches: (l: Lease) => read.kind === undefined || l.kind === read.kind, order: byToken };
      case 'leasesOf':
        return { table: 'lease', matches: (l: Lease) => l.holder === read.holder, order: byToken };
      case 'waiters':
        return { table: 'waiter', matches: (w: Waiter) => read.kind === undefined || w.request.kind === read.kind, order: byTicket };
      case 'readyTasks':
        return { table: 'task', matches: (t: Task) => t.status === 'ready', order: compareForClaim, limit: read.limit };
      case 'claimedTasks':
        return {
          table: 'task',
          matches: (t: Task) => t.status === 'claimed' && (read.agent !== undefined ? t.claim?.agent === read.agent : (t.claim?.expiresAt ?? Infinity) <= (read.expiredBy ?? Infinity)),
          order: bySeq,
        };
      case 'dependants':
        return { table: 'task', matches: (t: Task) => t.dependencies.includes(read.id), order: bySeq };
      case 'scope':
        return { table: 'state', matches: (e: StateEntry) => e.scope === read.scope, order: byKey };
      case 'expiredState':
        return { table: 'state', matches: (e: StateEntry) => e.expiresAt !== null && e.expiresAt <= read.now, order: byKey };
      case 'docs':
        return { table: 'doc', matches: (d: Doc) => d.kind === read.kind && docMatches(d, read), order: compareDocs, ...(read.limit === undefined ? {} : { limit: read.limit }) };
      case 'dueDocs':
        return { table: 'doc', matches: (d: Doc) => d.expiresAt !== null && d.expiresAt <= read.now, order: byExpiry, limit: read.limit };
    }
  })();
  return spec;
}

export const isPointRead = (read: Read): read is ReadOf<PointRead> => read.t in POINT_READS;

/** A step's generator: yields reads, receives their answers, returns its result. */
export type StepGen<T> = Generator<Read, T, unknown>;

/** Asks for one read and types its answer: `const task = yield* read({ t: 'task', id })`. */
export function* read<K extends ReadKind>(request: ReadOf<K>): StepGen<ReadResults[K]> {
  return (yield request) as ReadResults[K];
}
