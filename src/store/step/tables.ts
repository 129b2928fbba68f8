/**
 * @module The row kinds a step reads and writes, each with its key within a
 * project. Engines store these rows; steps see them as plain domain records.
 */
import type { Lease, Waiter } from '../../core/leases/lease.js';
import type { Member } from '../../core/presence/member.js';
import type { StateEntry } from '../../core/state/entry.js';
import type { Task } from '../../core/tasks/task.js';
import type { Doc } from '../../core/consult/doc.js';

/** A remembered answer to a request id: who sent it, what it asked (fingerprint) and the answer. */
export interface RequestRecord {
  caller: string;
  requestId: string;
  /** The store method and the digest of the caller's input: a repeat must match it. */
  fingerprint: string;
  result: unknown;
  createdAt: number;
}

export interface Rows {
  member: Member;
  lease: Lease;
  waiter: Waiter;
  task: Task;
  state: StateEntry;
  request: RequestRecord;
  doc: Doc;
}

export type Table = keyof Rows;
export const TABLES: readonly Table[] = ['member', 'lease', 'waiter', 'task', 'state', 'request', 'doc'];

/** `scope` and `key` never contain NUL (see core/state/entry.ts), nor do agent ids. */
export const stateKey = (scope: string, key: string): string => `${scope}\u0000${key}`;
/** A doc's key: kinds and ids never contain NUL. */
export const docKey = (kind: string, id: string): string => `${kind}\u0000${id}`;
export const requestKey = (caller: string, requestId: string): string => `${caller}\u0000${requestId}`;

export const KEY_OF: { [T in Table]: (row: Rows[T]) => string } = {
  member: (m) => m.id,
  lease: (l) => l.id,
  waiter: (w) => String(w.ticket),
  task: (t) => t.id,
  state: (e) => stateKey(e.scope, e.key),
  request: (r) => requestKey(r.caller, r.requestId),
  doc: (d) => docKey(d.kind, d.id),
};
