/**
 * @module Lease decisions: whether a request conflicts with live leases and queued
 * waiters, when it renews, when `force` may break a holder, and which waiters a
 * release hands the lease to (strict FIFO among conflicting requests).
 * Pure: stores call these inside their atomic step.
 */
import { globsOverlap } from './glob-overlap.js';
import type { Lease, LeaseRequest, Waiter } from './lease.js';
import { lockNamesRelated } from './lock-name.js';
import { mayBreakLeaseOf, type MemberStatus } from '../presence/member.js';

type Holding = Pick<Lease, 'kind' | 'resource' | 'paths' | 'holder' | 'mode' | 'limit'>;

export type GrantDecision =
  | { action: 'renew'; lease: Lease }
  | { action: 'grant'; breaks: Lease[] }
  | { action: 'blocked'; conflicts: Lease[]; waitersAhead: number; forceable: boolean };

/** Two holdings by different holders that cannot coexist (shared limits aside). */
export function holdingsConflict(a: Holding, b: Holding): boolean {
  if (a.holder === b.holder || a.kind !== b.kind) return false;
  if (a.mode === 'shared' && b.mode === 'shared') return false;
  if (a.kind === 'files') return a.paths.some((pa) => b.paths.some((pb) => globsOverlap(pa, pb)));
  return lockNamesRelated(a.resource, b.resource);
}

function effectiveLimit(request: Holding, sameResource: Holding[]): number | null {
  const limits = [request.limit, ...sameResource.map((h) => h.limit)].filter((l): l is number => l !== null);
  return limits.length === 0 ? null : Math.min(...limits);
}

/** Shared holders of the same name that fill the request's semaphore, if it is full. */
function limitConflicts<T extends Holding>(request: Holding, live: T[]): T[] {
  if (request.mode !== 'shared' || request.kind === 'files') return [];
  const same = live.filter((l) => l.resource === request.resource && l.mode === 'shared' && l.holder !== request.holder);
  const limit = effectiveLimit(request, same);
  return limit !== null && same.length >= limit ? same : [];
}

function waiterBlocks(request: Holding, waiter: Holding): boolean {
  if (holdingsConflict(request, waiter)) return true;
  // A shared waiter queues only behind a full semaphore: later shared requests queue behind it.
  return request.kind !== 'files' && waiter.holder !== request.holder && waiter.resource === request.resource;
}

/**
 * Decides a request against the live leases of its kind and the waiters queued
 * ahead of it. `statusOf` gives the status of a holder, for `force`.
 */
export function decideGrant(
  request: LeaseRequest,
  live: Lease[],
  waitersAhead: Holding[],
  statusOf: (holder: string) => MemberStatus,
  force: boolean,
): GrantDecision {
  if (request.kind !== 'files') {
    const own = live.find((l) => l.resource === request.resource && l.holder === request.holder);
    if (own) return { action: 'renew', lease: own };
  }
  const conflicts = dedupe([...live.filter((l) => holdingsConflict(request, l)), ...limitConflicts(request, live)]);
  const queued = waitersAhead.filter((w) => waiterBlocks(request, w)).length;
  if (conflicts.length === 0 && queued === 0) return { action: 'grant', breaks: [] };
  const forceable = conflicts.length > 0 && conflicts.every((l) => mayBreakLeaseOf(statusOf(l.holder)));
  if (force && forceable) return { action: 'grant', breaks: conflicts };
  return { action: 'blocked', conflicts, waitersAhead: queued, forceable };
}

/**
 * The waiters a freed lease goes to, in ticket order: each is granted when it fits
 * beside the live leases and the grants before it, and no earlier blocked waiter
 * conflicts with it.
 */
export function planWaiterGrants(waiters: Waiter[], live: Lease[], now: number): Waiter[] {
  const granted: Waiter[] = [];
  const held: Lease[] = [...live];
  const blockedAhead: Holding[] = [];
  for (const waiter of [...waiters].sort((a, b) => a.ticket - b.ticket)) {
    if (waiter.deadline <= now) continue;
    const decision = decideGrant(waiter.request, held, blockedAhead, () => 'active', false);
    if (decision.action === 'blocked') {
      blockedAhead.push(waiter.request);
      continue;
    }
    granted.push(waiter);
    held.push({ ...waiter.request, id: `waiter-${waiter.ticket}`, project: waiter.project, token: 0, acquiredAt: now, expiresAt: now + waiter.request.ttlMs });
  }
  return granted;
}

/**
 * The TTL of a lease handed to a queued waiter. While its call still waits it gets what
 * it asked for; in the grace period after (nobody is waiting on the answer yet) only the
 * rest of the grace, so a caller that never comes back does not hold the lease for long —
 * its re-call renews the lease to the full TTL.
 */
export function queuedGrantTtl(waiter: Waiter, now: number): number {
  if (waiter.activeUntil === undefined || now <= waiter.activeUntil) return waiter.request.ttlMs;
  return Math.max(1, Math.min(waiter.request.ttlMs, waiter.deadline - now));
}

function dedupe(leases: Lease[]): Lease[] {
  return [...new Map(leases.map((l) => [l.id, l])).values()];
}
