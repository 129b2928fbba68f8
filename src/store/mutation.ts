/**
 * @module What every mutation of the Store port takes (its context) and answers
 * (its result with the events it appended); see store.ts for the contract.
 */
import type { BatonEvent } from '../core/events/event.js';
import type { StatusThresholds } from '../core/presence/member.js';

/** Every mutation names its project, its time and optionally an idempotency key. */
export interface MutationContext {
  project: string;
  now: number;
  requestId?: string | undefined;
  /** Who sent `requestId` (agent id or token name): ids of different callers never meet. Default ''. */
  caller?: string | undefined;
  /** Digest of the caller's command input: a repeat of `requestId` must carry the same. */
  digest?: string | undefined;
  /** The step acts for this agent: it must be a registered member that has not ended. */
  agent?: { id: string; thresholds: StatusThresholds } | undefined;
}

/** A write's answer plus the events it appended (for the in-process bus). */
export interface Written<T> {
  result: T;
  events: BatonEvent[];
}

