/**
 * @module One project's hot rows as this process last saw them, valid at the
 * header's `rev`: every member, lease and waiter (loaded together), tasks by id,
 * the complete ready and claimed sets once loaded, dependants of tasks, state by
 * key and the request ids this process recorded. Steps read it instead of the
 * engine; an optimistic apply checks `rev`, so a stale cache is caught, dropped
 * and reloaded. The cache holds no rule: it answers the reads of step/reads.ts by
 * their own definitions and takes applied plans in.
 */
import type { Lease, Waiter } from '../../core/leases/lease.js';
import type { Member } from '../../core/presence/member.js';
import type { StateEntry } from '../../core/state/entry.js';
import type { Task } from '../../core/tasks/task.js';
import type { Header } from '../step/header.js';
import type { Plan } from '../step/plan.js';
import { collectionSpec, type Read } from '../step/reads.js';
import type { Doc } from '../../core/consult/doc.js';
import { docKey, requestKey, stateKey, type RequestRecord } from '../step/tables.js';
import { ReadyQueue } from './ready-queue.js';

/** The rows loaded together when a project's cache is first used. */
export interface HotRows {
  header: Header | null;
  members: Member[];
  leases: Lease[];
  waiters: Waiter[];
}

export type CacheAnswer = { hit: true; value: unknown } | { hit: false };

const MISS: CacheAnswer = { hit: false };
const hit = (value: unknown): CacheAnswer => ({ hit: true, value });
const REQUESTS_KEPT = 2_000;

function select<T>(rows: Iterable<T>, read: Read): T[] {
  const spec = collectionSpec(read as never) as unknown as { matches: (row: T) => boolean; order: (a: T, b: T) => number; limit?: number };
  const out = [...rows].filter(spec.matches).sort(spec.order);
  return spec.limit === undefined ? out : out.slice(0, spec.limit);
}

export class ProjectCache {
  /** Undefined until the hot rows are loaded; null when the project does not exist. */
  header: Header | null | undefined;
  private members: Map<string, Member> | undefined;
  private leases: Map<string, Lease> | undefined;
  private waiters: Map<string, Waiter> | undefined;
  private readonly tasks = new Map<string, Task | null>();
  private ready: ReadyQueue | undefined;
  private claimed: Map<string, Task> | undefined;
  /** Known complete lists of dependants, by task id. */
  private readonly dependants = new Map<string, Set<string>>();
  private readonly state = new Map<string, StateEntry | null>();
  private readonly requests = new Map<string, RequestRecord>();
  /** Docs by key (null: known absent), and complete unlimited doc lists by their read. */
  private readonly docs = new Map<string, Doc | null>();
  private readonly docLists = new Map<string, { read: Read; rows: Map<string, Doc> }>();

  get warm(): boolean {
    return this.header !== undefined;
  }

  takeHot(rows: HotRows): void {
    this.header = rows.header;
    this.members = new Map(rows.members.map((m) => [m.id, m]));
    this.leases = new Map(rows.leases.map((l) => [l.id, l]));
    this.waiters = new Map(rows.waiters.map((w) => [String(w.ticket), w]));
  }

  /** Answers a read from what is cached, or misses. */
  answer(read: Read): CacheAnswer {
    switch (read.t) {
      case 'request': {
        const seen = this.requests.get(requestKey(read.caller, read.id));
        return seen ? hit(seen) : MISS;
      }
      case 'member':
        return this.members ? hit(this.members.get(read.id) ?? null) : MISS;
      case 'members':
      case 'silentMembers':
        return this.members ? hit(select(this.members.values(), read)) : MISS;
      case 'lease':
        return this.leases ? hit(this.leases.get(read.id) ?? null) : MISS;
      case 'leasesOn':
      case 'leases':
      case 'leasesOf':
        return this.leases ? hit(select(this.leases.values(), read)) : MISS;
      case 'waiters':
        return this.waiters ? hit(select(this.waiters.values(), read)) : MISS;
      case 'task':
        return this.tasks.has(read.id) ? hit(this.tasks.get(read.id) ?? null) : MISS;
      case 'readyTasks':
        return this.ready ? hit(this.ready.top(read.limit)) : MISS;
      case 'claimedTasks':
        return this.claimed ? hit(select(this.claimed.values(), read)) : MISS;
      case 'dependants': {
        const ids = this.dependants.get(read.id);
        if (!ids) return MISS;
        const rows: Task[] = [];
        for (const id of ids) {
          const task = this.tasks.get(id);
          if (!task) return MISS;
          rows.push(task);
        }
        return hit(select(rows, read));
      }
      case 'state': {
        const key = stateKey(read.scope, read.key);
        return this.state.has(key) ? hit(this.state.get(key) ?? null) : MISS;
      }
      case 'doc': {
        const key = docKey(read.kind, read.id);
        return this.docs.has(key) ? hit(this.docs.get(key) ?? null) : MISS;
      }
      case 'docs': {
        if (read.limit !== undefined) return MISS;
        const list = this.docLists.get(JSON.stringify(read));
        return list ? hit(select(list.rows.values(), read)) : MISS;
      }
      case 'scope':
      case 'expiredState':
      case 'dueDocs':
      case 'events':
        return MISS;
    }
  }

  /** Keeps what a load answered for `read` (collection loads of tasks are complete sets). */
  remember(read: Read, value: unknown): void {
    switch (read.t) {
      case 'task':
        this.tasks.set(read.id, value as Task | null);
        break;
      case 'readyTasks':
        for (const task of value as Task[]) this.tasks.set(task.id, task);
        this.ready = new ReadyQueue(value as Task[]);
        break;
      case 'claimedTasks':
        for (const task of value as Task[]) this.tasks.set(task.id, task);
        this.claimed = new Map((value as Task[]).map((t) => [t.id, t]));
        break;
      case 'dependants':
        for (const task of value as Task[]) this.tasks.set(task.id, task);
        this.dependants.set(read.id, new Set((value as Task[]).map((t) => t.id)));
        break;
      case 'state':
        this.state.set(stateKey(read.scope, read.key), value as StateEntry | null);
        break;
      case 'scope':
      case 'expiredState':
        for (const entry of value as StateEntry[]) this.state.set(stateKey(entry.scope, entry.key), entry);
        break;
      case 'doc':
        this.docs.set(docKey(read.kind, read.id), value as Doc | null);
        break;
      case 'docs':
        // Only unlimited lists are complete: a limited one says nothing about what it left out.
        if (read.limit === undefined) {
          if (this.docLists.size > 64) this.docLists.clear();
          this.docLists.set(JSON.stringify(read), { read, rows: new Map((value as Doc[]).map((d) => [docKey(d.kind, d.id), d])) });
        }
        for (const d of value as Doc[]) this.docs.set(docKey(d.kind, d.id), d);
        if (this.docs.size > 20_000) this.docs.clear();
        break;
      case 'dueDocs':
      case 'events':
        break;
      // Hot rows arrive together (takeHot); request records are kept only when this process writes them.
      case 'request':
      case 'member':
      case 'members':
      case 'silentMembers':
      case 'lease':
      case 'leasesOn':
      case 'leases':
      case 'leasesOf':
      case 'waiters':
        break;
    }
  }

  forgetRequests(before: number): void {
    for (const [key, record] of this.requests) if (record.createdAt < before) this.requests.delete(key);
  }

  /** Takes in a plan the engine applied, which moved the project to `rev`. */
  absorb(plan: Plan, rev: number): void {
    this.header = { ...plan.header, rev };
    for (const [id, m] of plan.changes.member) if (m) this.members?.set(id, m);
    for (const [id, l] of plan.changes.lease) {
      if (l) this.leases?.set(id, l);
      else this.leases?.delete(id);
    }
    for (const [ticket, w] of plan.changes.waiter) {
      if (w) this.waiters?.set(ticket, w);
      else this.waiters?.delete(ticket);
    }
    for (const [id, t] of plan.changes.task) {
      if (!t) continue;
      this.tasks.set(id, t);
      if (t.status === 'ready') this.ready?.upsert(t);
      else this.ready?.remove(id);
      if (t.status === 'claimed') this.claimed?.set(id, t);
      else this.claimed?.delete(id);
      if (t.seq > plan.base.taskSeq) {
        // A new task has no dependants yet; it joins the known lists of its dependencies.
        this.dependants.set(id, new Set());
        for (const dep of t.dependencies) this.dependants.get(dep)?.add(id);
      }
    }
    for (const [key, e] of plan.changes.state) this.state.set(key, e);
    for (const [key, d] of plan.changes.doc) {
      this.docs.set(key, d);
      for (const list of this.docLists.values()) {
        const spec = collectionSpec(list.read as never) as unknown as { matches: (row: Doc) => boolean };
        if (d && spec.matches(d)) list.rows.set(key, d);
        else list.rows.delete(key);
      }
    }
    for (const [key, r] of plan.changes.request) {
      if (!r) continue;
      this.requests.set(key, r);
      if (this.requests.size > REQUESTS_KEPT) this.requests.delete(this.requests.keys().next().value as string);
    }
  }
}
