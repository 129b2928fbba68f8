/**
 * @module The project header: every counter a step needs, read at the start of a
 * step and written once when its plan is applied. Tokens, tickets, task order and
 * event ids are assigned in memory from it, so a step that fails has written
 * nothing; `rev` grows by one per applied plan and is what optimistic engines check.
 */

export interface Header {
  /** Grows by one with every applied plan; an engine refuses a plan built on an older one. */
  rev: number;
  createdAt: number;
  /** Last fencing token issued (tokens only grow). */
  token: number;
  /** Last waiter ticket issued (FIFO order). */
  ticket: number;
  /** Last task sequence number (age order of tasks). */
  taskSeq: number;
  /** Highest event id in the log (0 when empty); ids are gap-free. */
  lastEventId: number;
  /** Oldest event id retained (retention trims below it). */
  oldestEventId: number;
}

/** The header of a project that does not exist yet: its first applied plan creates it. */
export const newHeader = (now: number): Header => ({ rev: 0, createdAt: now, token: 0, ticket: 0, taskSeq: 0, lastEventId: 0, oldestEventId: 1 });

export type Counter = 'token' | 'ticket' | 'taskSeq';
