/**
 * @module A plan: what one step (or a batch of steps) of one project decided to
 * write — rows put or deleted per table, events appended, the header after it,
 * and whether it creates the project. Engines apply a plan atomically; the runner
 * also reads it as an overlay, so later reads of the step see its own writes.
 */
import type { BatonEvent } from '../../core/events/event.js';
import type { Header } from './header.js';
import { TABLES, type Rows, type Table } from './tables.js';

/** Rows of one table put (a record) or deleted (null) by a plan, by key. */
export type TableChanges<T extends Table> = Map<string, Rows[T] | null>;

export class Plan {
  readonly project: string;
  /** The header this plan was decided on (an optimistic engine checks its `rev`). */
  readonly base: Header;
  /** The header once the plan is applied (counters advanced; `rev` is bumped by the engine). */
  header: Header;
  /** True when the project did not exist: applying the plan creates it. */
  creates: boolean;
  readonly changes: { [T in Table]: TableChanges<T> };
  readonly events: BatonEvent[] = [];
  /** Events with a lower id are deleted (retention); 0 for none. */
  trimBelow = 0;

  constructor(project: string, base: Header, creates: boolean) {
    this.project = project;
    this.base = base;
    this.header = { ...base };
    this.creates = creates;
    this.changes = { member: new Map(), lease: new Map(), waiter: new Map(), task: new Map(), state: new Map(), request: new Map(), doc: new Map() };
  }

  put<T extends Table>(table: T, key: string, row: Rows[T]): void {
    (this.changes[table] as TableChanges<T>).set(key, row);
  }

  remove(table: Table, key: string): void {
    this.changes[table].set(key, null);
  }

  /** The row as this plan left it: a record, null when deleted, undefined when untouched. */
  get<T extends Table>(table: T, key: string): Rows[T] | null | undefined {
    return (this.changes[table] as TableChanges<T>).get(key);
  }

  get isEmpty(): boolean {
    return this.events.length === 0 && this.trimBelow === 0 && TABLES.every((t) => this.changes[t].size === 0) && !this.headerChanged;
  }

  get headerChanged(): boolean {
    const a = this.base;
    const b = this.header;
    return a.token !== b.token || a.ticket !== b.ticket || a.taskSeq !== b.taskSeq || a.lastEventId !== b.lastEventId || a.oldestEventId !== b.oldestEventId;
  }

  /** Takes another plan of the same project, decided after this one, into this one. */
  absorb(later: Plan): void {
    for (const table of TABLES) for (const [key, row] of later.changes[table]) this.changes[table].set(key, row as never);
    this.events.push(...later.events);
    this.header = { ...later.header };
    this.trimBelow = Math.max(this.trimBelow, later.trimBelow);
    this.creates ||= later.creates;
  }
}
