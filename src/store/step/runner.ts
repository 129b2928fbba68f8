/**
 * @module Runs steps. A step is a synchronous generator over a StepContext: it
 * yields declarative reads, decides with core rules and buffers its writes and
 * events in a Plan. The runner answers each read from the engine's Source merged
 * with the batch's and the step's own writes, guards request ids and the acting
 * member, and hands back the step's plan; the engine applies plans atomically.
 * A step that throws leaves nothing behind, so engines need no savepoints.
 */
import { CoordinationError } from '../../core/errors.js';
import type { BatonEvent, NewEvent } from '../../core/events/event.js';
import { deriveStatus, hasEnded, type StatusThresholds } from '../../core/presence/member.js';
import type { Counter, Header } from './header.js';
import { newHeader } from './header.js';
import { Plan } from './plan.js';
import { collectionSpec, isPointRead, POINT_READS, read, type Read, type ReadKind, type StepGen } from './reads.js';
import { KEY_OF, type Rows, type Table } from './tables.js';

/** What a step works with: its project and time, its writes, events and counters. */
export interface StepContext {
  readonly project: string;
  readonly now: number;
  /** The header as this step has advanced it so far. */
  readonly header: Readonly<Header>;
  /** The next value of a counter that only grows (fencing tokens, tickets, task order). */
  next(counter: Counter): number;
  /** Appends an event to the project's log (committed with the plan). */
  emit(event: NewEvent): BatonEvent;
  put<T extends Table>(table: T, row: Rows[T]): void;
  remove(table: Table, key: string): void;
  /** Drops the oldest events so that at most `keep` remain; returns how many go. */
  trimEvents(keep: number): number;
  /** Raises a counter to at least `value` (a restore: tokens and tickets never go backwards). */
  raise(counter: Counter, value: number): void;
  /**
   * Appends events restored from a backup, oldest first, keeping their time and content.
   * Into an empty log they keep their ids (the log then starts at the first one); after
   * existing events they are numbered on from the log's end, so ids stay gap-free.
   */
  appendRestored(events: readonly BatonEvent[]): number;
}

export type Step<T> = (s: StepContext) => StepGen<T>;

/** A step that needs no reads (it only writes or emits). */
export const immediate = <T>(decide: (s: StepContext) => T): Step<T> =>
  // eslint-disable-next-line require-yield -- a step with nothing to read is still a step the runner drives
  function* (s) {
    return decide(s);
  };

/**
 * Where the runner reads base rows: an engine's storage, or a cache in front of it.
 * `load` answers a read as storage holds it, ignoring writes of steps not yet applied
 * (a value, or a promise of one for an asynchronous source).
 */
export interface Source {
  load(project: string, read: Read): unknown;
}

/** A source that answers at once (SQLite): the whole step runs without yielding to the event loop. */
export interface SyncSource extends Source {
  /** The project's header, or null when the project does not exist. */
  header(project: string): Header | null;
}

/** How a mutation is guarded before its step runs. */
export interface StepGuard {
  /** Idempotency: the caller's request id and the fingerprint (method and input digest) it must repeat. */
  request?: { caller: string; id: string; fingerprint: string } | undefined;
  /** The step acts for this agent, which must be registered and not ended. */
  member?: { id: string; thresholds: StatusThresholds } | undefined;
}

export interface StepOutcome<T> {
  result: T;
  /** The step's own plan (empty for a replayed request). */
  plan: Plan;
  replayed: boolean;
}

function createContext(plan: Plan, now: number): StepContext {
  return {
    project: plan.project,
    now,
    get header() {
      return plan.header;
    },
    next(counter) {
      plan.header = { ...plan.header, [counter]: plan.header[counter] + 1 };
      return plan.header[counter];
    },
    emit(e) {
      const id = plan.header.lastEventId + 1;
      plan.header = { ...plan.header, lastEventId: id };
      const appended: BatonEvent = { ...e, project: plan.project, id, at: now };
      plan.events.push(appended);
      return appended;
    },
    put(table, row) {
      plan.put(table, KEY_OF[table](row), row);
    },
    remove(table, key) {
      plan.remove(table, key);
    },
    trimEvents(keep) {
      const floor = plan.header.lastEventId - keep + 1;
      if (floor <= plan.header.oldestEventId) return 0;
      const count = floor - plan.header.oldestEventId;
      plan.header = { ...plan.header, oldestEventId: floor };
      plan.trimBelow = floor;
      return count;
    },
    raise(counter, value) {
      if (value > plan.header[counter]) plan.header = { ...plan.header, [counter]: value };
    },
    appendRestored(events) {
      const first = events[0];
      if (first === undefined) return 0;
      const emptyLog = plan.header.lastEventId === 0 && plan.events.length === 0;
      const start = emptyLog ? first.id : plan.header.lastEventId + 1;
      events.forEach((e, i) => {
        plan.events.push({ ...e, project: plan.project, id: start + i });
      });
      plan.header = { ...plan.header, lastEventId: start + events.length - 1, ...(emptyLog ? { oldestEventId: start } : {}) };
      return events.length;
    },
  };
}

/** The guarded step: a repeated request id replays its answer; the acting member must be live. */
function* guarded<T>(s: StepContext, guard: StepGuard, step: Step<T>): StepGen<{ result: T; replayed: boolean }> {
  const request = guard.request;
  if (request) {
    const seen = yield* read({ t: 'request', caller: request.caller, id: request.id });
    if (seen) {
      if (seen.fingerprint !== request.fingerprint) {
        throw new CoordinationError('REQUEST_ID_REUSED', `request_id '${request.id}' was already used for another call (${seen.fingerprint.split(':')[0] ?? 'another command'} with other input).`, { request_id: request.id });
      }
      return { result: seen.result as T, replayed: true };
    }
  }
  if (guard.member) {
    const { id, thresholds } = guard.member;
    const member = yield* read({ t: 'member', id });
    if (!member) throw new CoordinationError('AGENT_REQUIRED', `Agent '${id}' is not registered in project '${s.project}'.`, { agent_id: id });
    if (hasEnded(deriveStatus(member, s.now, thresholds))) {
      throw new CoordinationError('AGENT_REQUIRED', `Agent '${id}' has ${member.endReason === 'signed_off' ? 'signed off' : 'been abandoned'}; register again.`, { agent_id: id });
    }
  }
  const result = yield* step(s);
  if (request) {
    // Stored as JSON: a replay answers exactly what a reader of the record would see.
    const recorded = JSON.parse(JSON.stringify(result ?? null)) as unknown;
    s.put('request', { caller: request.caller, requestId: request.id, fingerprint: request.fingerprint, result: recorded, createdAt: s.now });
  }
  return { result, replayed: false };
}

/** Answers `request` from a base answer and the plans written since (earlier first). */
function overlay(request: Read, base: unknown, plans: readonly Plan[]): unknown {
  if (request.t === 'events') {
    // Committed events, then those of the batch's earlier steps and this step's own (all newer).
    const merged = [...(base as BatonEvent[])];
    for (const plan of plans) for (const e of plan.events) if (e.id > request.after && e.id > (merged.at(-1)?.id ?? 0)) merged.push(e);
    return merged.slice(0, request.limit);
  }
  if (isPointRead(request)) {
    const { table, key } = POINT_READS[request.t] as { table: Table; key: (r: Read) => string };
    const k = key(request);
    for (let i = plans.length - 1; i >= 0; i--) {
      const row = plans[i]?.get(table, k);
      if (row !== undefined) return row;
    }
    return base;
  }
  const spec = collectionSpec(request) as unknown as { table: Table; matches: (row: unknown) => boolean; order: (a: unknown, b: unknown) => number; limit?: number };
  const touched = plans.some((p) => p.changes[spec.table].size > 0);
  if (!touched) return base;
  const rows = new Map<string, unknown>();
  for (const row of base as Rows[Table][]) rows.set(KEY_OF[spec.table](row as never), row);
  for (const plan of plans) {
    for (const [key, row] of plan.changes[spec.table]) {
      if (row !== null && spec.matches(row)) rows.set(key, row);
      else rows.delete(key);
    }
  }
  const merged = [...rows.values()].sort(spec.order);
  return spec.limit === undefined ? merged : merged.slice(0, spec.limit);
}

/** A limited read asks the base for as many more rows as the plans may have removed from it. */
function widened(request: Read, plans: readonly Plan[]): Read {
  if (request.t === 'readyTasks') {
    const changed = plans.reduce((n, p) => n + p.changes.task.size, 0);
    return changed === 0 ? request : { ...request, limit: request.limit + changed };
  }
  if ((request.t === 'docs' && request.limit !== undefined) || request.t === 'dueDocs') {
    const changed = plans.reduce((n, p) => n + p.changes.doc.size, 0);
    return changed === 0 ? request : { ...request, limit: (request.limit ?? 0) + changed };
  }
  return request;
}

/** Starts a step on top of `batch` (the plan of the steps before it in the same batch). */
function begin<T>(batch: Plan, now: number, guard: StepGuard, step: Step<T>): { plan: Plan; gen: StepGen<{ result: T; replayed: boolean }> } {
  const plan = new Plan(batch.project, batch.header, batch.creates);
  return { plan, gen: guarded(createContext(plan, now), guard, step) };
}

const finish = <T>(plan: Plan, done: { result: T; replayed: boolean }): StepOutcome<T> =>
  done.replayed ? { result: done.result, plan: new Plan(plan.project, plan.base, false), replayed: true } : { result: done.result, plan, replayed: false };

/** The batch plan to run the first step of a project on, from its header (null: the project is new). */
export const batchPlan = (project: string, header: Header | null, now: number): Plan => new Plan(project, header ?? newHeader(now), header === null);

/** Runs one step with a synchronous source (SQLite): no await between its reads. */
export function runStepSync<T>(source: SyncSource, batch: Plan, now: number, guard: StepGuard, step: Step<T>): StepOutcome<T> {
  const { plan, gen } = begin(batch, now, guard, step);
  const plans = [batch, plan];
  let next = gen.next();
  while (!next.done) {
    const request = next.value;
    next = gen.next(overlay(request, source.load(plan.project, widened(request, plans)), plans));
  }
  return finish(plan, next.value);
}

/** Runs one step with an asynchronous source (PostgreSQL, Redis, or a cache in front of them). */
export async function runStepAsync<T>(source: Source, batch: Plan, now: number, guard: StepGuard, step: Step<T>): Promise<StepOutcome<T>> {
  const { plan, gen } = begin(batch, now, guard, step);
  const plans = [batch, plan];
  let next = gen.next();
  while (!next.done) {
    const request = next.value;
    const base = source.load(plan.project, widened(request, plans));
    next = gen.next(overlay(request, base instanceof Promise ? await base : base, plans));
  }
  return finish(plan, next.value);
}

export type { ReadKind };
