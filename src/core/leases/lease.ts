/**
 * @module The lease: one mechanism under named locks, file reservations and worker
 * slots (task claims use the same holder/TTL/token rules inline on the task).
 * A fencing token is issued with every grant and only grows within a project.
 */

export type LeaseKind = 'lock' | 'files' | 'slot';
export type LeaseMode = 'exclusive' | 'shared';

export interface Lease {
  id: string;
  project: string;
  kind: LeaseKind;
  /** Lock name, `workers` for slots, or the reservation id for files. */
  resource: string;
  /** Path globs of a file reservation; empty for other kinds. */
  paths: string[];
  holder: string;
  mode: LeaseMode;
  /** Maximum holders of a shared lease (a semaphore); null means unlimited. */
  limit: number | null;
  token: number;
  acquiredAt: number;
  expiresAt: number;
  ttlMs: number;
  reason: string | null;
}

/** What a caller asks for; the store adds id, token and times when it grants. */
export interface LeaseRequest {
  kind: LeaseKind;
  resource: string;
  paths: string[];
  holder: string;
  mode: LeaseMode;
  limit: number | null;
  ttlMs: number;
  reason: string | null;
}

/** A queued request for a lock or slot, granted in FIFO order of `ticket`. */
export interface Waiter {
  ticket: number;
  project: string;
  request: LeaseRequest;
  enqueuedAt: number;
  /** The waiter is forgotten after this time (its caller gave up or died). */
  deadline: number;
  /**
   * When the call that waits for it ends. Between this and `deadline` the waiter keeps
   * its place for a re-call (a grace period); absent means the whole wait is active.
   */
  activeUntil?: number | undefined;
}

export const isLive = (lease: Pick<Lease, 'expiresAt'>, now: number): boolean => lease.expiresAt > now;

/**
 * The id of the lease a request is granted as: one per holder and lock (or slot), or the
 * reservation id for files. `#` appears in neither lock names nor agent ids, so ids never collide.
 */
export const leaseId = (request: Pick<LeaseRequest, 'kind' | 'resource' | 'holder'>): string =>
  request.kind === 'files' ? request.resource : `${request.kind}#${request.resource}#${request.holder}`;

/** The kind of the lease with this id: leaseId read backwards (a reservation id has no `#`). */
export function leaseKindOf(id: string): LeaseKind {
  const head = id.split('#', 1)[0];
  return id.includes('#') && (head === 'lock' || head === 'slot') ? head : 'files';
}
