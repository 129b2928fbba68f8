/**
 * @module Lease steps: acquire (grant, renew, break or queue), renew, release,
 * release all of a holder's leases of a kind, end a wait, and `settle`, which
 * every step that may free a lease runs so queued waiters are handed the lease
 * in the same step.
 */
import { CoordinationError, notFound } from '../../core/errors.js';
import { event } from '../../core/events/event.js';
import { isLive, leaseId, type Lease, type LeaseKind, type LeaseRequest, type Waiter } from '../../core/leases/lease.js';
import { decideGrant, planWaiterGrants, queuedGrantTtl } from '../../core/leases/lease-policy.js';
import { deriveStatus, mayBreakLeaseOf, type Member, type MemberStatus, type StatusThresholds } from '../../core/presence/member.js';
import type { AcquireInput, AcquireResult, BreakRef, LeaseRef, WaitEnd, WaitRef } from '../store.js';
import { read, type StepGen } from '../step/reads.js';
import type { StepContext } from '../step/runner.js';

const leaseData = (l: Lease) => ({
  kind: l.kind,
  resource: l.resource,
  holder: l.holder,
  token: l.token,
  ...(l.kind === 'files' ? { paths: l.paths } : {}),
});

const waitData = (w: Waiter) => ({ kind: w.request.kind, resource: w.request.resource, holder: w.request.holder, ticket: w.ticket });

/**
 * Removes lapsed waiters and leases of `kind`, then hands freed leases to queued
 * waiters in FIFO order. Returns what is live afterwards. Given `resource` and no
 * queued waiters, only the leases that can conflict with it are read.
 */
export function* settle(s: StepContext, kind: LeaseKind, resource?: string): StepGen<{ live: Lease[]; waiters: Waiter[] }> {
  const waiters: Waiter[] = [];
  for (const waiter of yield* read({ t: 'waiters', kind })) {
    if (waiter.deadline > s.now) {
      waiters.push(waiter);
      continue;
    }
    s.remove('waiter', String(waiter.ticket));
    s.emit(event('lease.wait_ended', waiter.request.holder, waiter.request.resource, waitData(waiter)));
  }
  const candidates = resource !== undefined && waiters.length === 0 ? yield* read({ t: 'leasesOn', kind, resource }) : yield* read({ t: 'leases', kind });
  const live: Lease[] = [];
  for (const lease of candidates) {
    if (isLive(lease, s.now)) {
      live.push(lease);
      continue;
    }
    s.remove('lease', lease.id);
    s.emit(event('lease.expired', null, lease.resource, leaseData(lease)));
  }
  if (waiters.length === 0) return { live, waiters };
  const granted = new Set<number>();
  for (const waiter of planWaiterGrants(waiters, live, s.now)) {
    s.remove('waiter', String(waiter.ticket));
    live.push(grant(s, { ...waiter.request, ttlMs: queuedGrantTtl(waiter, s.now) }, true));
    granted.add(waiter.ticket);
  }
  return { live, waiters: waiters.filter((w) => !granted.has(w.ticket)) };
}

function grant(s: StepContext, request: LeaseRequest, fromQueue: boolean): Lease {
  const lease: Lease = { ...request, id: leaseId(request), project: s.project, token: s.next('token'), acquiredAt: s.now, expiresAt: s.now + request.ttlMs };
  s.put('lease', lease);
  s.emit(event('lease.acquired', request.holder, request.resource, { ...leaseData(lease), mode: lease.mode, expires_at: lease.expiresAt, from_queue: fromQueue }));
  return lease;
}

function* holderStatuses(s: StepContext, leases: Lease[], thresholds: StatusThresholds): StepGen<{ statusOf: (holder: string) => MemberStatus; members: Map<string, Member> }> {
  const members = new Map<string, Member>();
  for (const holder of new Set(leases.map((l) => l.holder))) {
    const member = yield* read({ t: 'member', id: holder });
    if (member) members.set(holder, member);
  }
  const statusOf = (holder: string): MemberStatus => {
    const member = members.get(holder);
    return member ? deriveStatus(member, s.now, thresholds) : 'abandoned';
  };
  return { statusOf, members };
}

/** The holder's queued wait for this very resource, if any (at most one: a re-call resumes it). */
const ownWait = (waiters: Waiter[], request: LeaseRequest): Waiter | undefined =>
  waiters.find((w) => w.request.holder === request.holder && w.request.kind === request.kind && w.request.resource === request.resource);

export function* acquire(s: StepContext, input: AcquireInput): StepGen<AcquireResult> {
  const { request } = input;
  const { live, waiters } = yield* settle(s, request.kind, request.resource);
  // A re-call of a queued caller keeps its place: only the waiters before its ticket are ahead.
  const mine = ownWait(waiters, request);
  const ahead = waiters.filter((w) => w.request.holder !== request.holder && (!mine || w.ticket < mine.ticket)).map((w) => w.request);
  let decision = decideGrant(request, live, ahead, () => 'active', false);
  // Holders' statuses matter only when blocked (to allow force and to name them): look them up then.
  const { statusOf, members } = yield* holderStatuses(s, decision.action === 'blocked' ? decision.conflicts : [], input.thresholds);
  if (decision.action === 'blocked') decision = decideGrant(request, live, ahead, statusOf, input.force);
  if (decision.action !== 'blocked' && mine) s.remove('waiter', String(mine.ticket));
  switch (decision.action) {
    case 'renew': {
      const lease = { ...decision.lease, expiresAt: s.now + request.ttlMs, ttlMs: request.ttlMs };
      s.put('lease', lease);
      s.emit(event('lease.renewed', request.holder, lease.resource, { ...leaseData(lease), expires_at: lease.expiresAt }));
      return { ok: true, lease, renewed: true, broken: [] };
    }
    case 'grant': {
      for (const broken of decision.breaks) {
        s.remove('lease', broken.id);
        s.emit(event('lease.broken', request.holder, broken.resource, { ...leaseData(broken), by: request.holder }));
      }
      return { ok: true, lease: grant(s, request, false), renewed: false, broken: decision.breaks };
    }
    case 'blocked': {
      const holders = [...new Set(decision.conflicts.map((l) => l.holder))].flatMap((h) => members.get(h) ?? []);
      const blocked = { ok: false as const, reason: 'held' as const, conflicts: decision.conflicts, waitersAhead: decision.waitersAhead, forceable: decision.forceable, holders };
      if (mine) {
        // Resumed: the same ticket, waiting again (or still in its grace when this call does not wait).
        if (input.queueUntil !== undefined) s.put('waiter', { ...mine, request, deadline: Math.max(mine.deadline, input.queueUntil), activeUntil: input.waitingUntil });
        return { ...blocked, ticket: mine.ticket, resumed: true };
      }
      if (input.queueUntil === undefined || request.kind === 'files') return { ...blocked, ticket: null, resumed: false };
      const queued = waiters.filter((w) => w.request.resource === request.resource).length;
      if (input.maxWaiters !== undefined && queued >= input.maxWaiters) {
        throw new CoordinationError('LIMIT_EXCEEDED', `'${request.resource}' has ${queued} callers queued already, the most it takes; retry later or work on something else.`, { limit: input.maxWaiters, resource: request.resource });
      }
      const ticket = s.next('ticket');
      const waiter: Waiter = { ticket, project: s.project, request, enqueuedAt: s.now, deadline: input.queueUntil, activeUntil: input.waitingUntil };
      s.put('waiter', waiter);
      s.emit(event('lease.queued', request.holder, request.resource, waitData(waiter)));
      return { ...blocked, ticket, resumed: false };
    }
  }
}

/** Finds the caller's own lease, raising the error that explains why it is not there. A stale token never learns the live one. */
function* ownLease(s: StepContext, ref: LeaseRef): StepGen<Lease> {
  const found = yield* read({ t: 'lease', id: leaseId(ref) });
  // A reservation's id names no holder: someone else's reservation is not yours to renew or release.
  const mine = found && found.holder === ref.holder ? found : null;
  if (mine && isLive(mine, s.now)) {
    if (ref.token !== undefined && ref.token !== mine.token) {
      throw new CoordinationError('LEASE_LOST', `Your token ${ref.token} for '${ref.resource}' is stale: the lease was granted again since.`, { resource: ref.resource });
    }
    return mine;
  }
  if (mine) throw new CoordinationError('LEASE_LOST', `Your lease on '${ref.resource}' expired at ${new Date(mine.expiresAt).toISOString()}.`, { resource: ref.resource });
  // Not held: the look at who holds it is only for the error message.
  const others = (yield* read({ t: 'leasesOn', kind: ref.kind, resource: ref.resource })).filter((l) => l.resource === ref.resource && isLive(l, s.now));
  // A caller with a token once held the lease: it lapsed and may have been taken over, which is LEASE_LOST, not NOT_HOLDER.
  if (ref.token !== undefined) {
    const now = others.length > 0 ? `; it is now held by ${others.map((l) => l.holder).join(', ')}` : '';
    throw new CoordinationError('LEASE_LOST', `Your lease on '${ref.resource}' (token ${ref.token}) is gone${now}.`, { resource: ref.resource });
  }
  if (others.length > 0) {
    throw new CoordinationError('NOT_HOLDER', `'${ref.resource}' is held by ${others.map((l) => l.holder).join(', ')}, not by ${ref.holder}.`, { resource: ref.resource, holders: others.map((l) => l.holder) });
  }
  throw notFound(ref.kind === 'files' ? 'reservation' : 'lease', ref.resource, { holder: ref.holder });
}

export function* renew(s: StepContext, ref: LeaseRef, ttlMs: number): StepGen<Lease> {
  const lease = { ...(yield* ownLease(s, ref)), expiresAt: s.now + ttlMs, ttlMs };
  s.put('lease', lease);
  s.emit(event('lease.renewed', ref.holder, lease.resource, { ...leaseData(lease), expires_at: lease.expiresAt }));
  return lease;
}

/** Deletes a lease with its event. */
function drop(s: StepContext, lease: Lease, holder: string): void {
  s.remove('lease', lease.id);
  s.emit(event('lease.released', holder, lease.resource, leaseData(lease)));
}

export function* release(s: StepContext, ref: LeaseRef): StepGen<Lease> {
  const lease = yield* ownLease(s, ref);
  drop(s, lease, ref.holder);
  // Hand the freed lease to queued waiters; with none queued there is nothing to settle now (the sweep expires the rest).
  if ((yield* read({ t: 'waiters', kind: lease.kind })).length > 0) yield* settle(s, lease.kind);
  return lease;
}

/**
 * Breaks another holder's lease (an operator's release of a stale holder's lock or reservation). The lease
 * must still be the one the breaker saw (same token), and its holder's status, read in this step, must allow
 * breaking: an active or idle holder keeps it whatever the breaker believed.
 */
export function* breakLease(s: StepContext, ref: BreakRef): StepGen<Lease> {
  const lease = yield* read({ t: 'lease', id: leaseId(ref) });
  if (!lease || !isLive(lease, s.now) || lease.holder !== ref.holder) throw notFound(ref.kind === 'files' ? 'reservation' : 'lease', ref.resource, { holder: ref.holder });
  if (lease.token !== ref.token) {
    throw new CoordinationError('LEASE_LOST', `'${ref.resource}' was granted again since (token ${lease.token}, not ${ref.token}); look again before breaking it.`, { resource: ref.resource });
  }
  const { statusOf } = yield* holderStatuses(s, [lease], ref.thresholds);
  const status = statusOf(lease.holder);
  if (!mayBreakLeaseOf(status)) {
    throw new CoordinationError('LEASE_HELD', `${lease.holder} is ${status}: only a stale or worse holder's lease can be broken.`, { resource: ref.resource, holder: lease.holder, holder_status: status });
  }
  s.remove('lease', lease.id);
  s.emit(event('lease.broken', ref.by, lease.resource, { ...leaseData(lease), by: ref.by ?? 'operator' }));
  if ((yield* read({ t: 'waiters', kind: lease.kind })).length > 0) yield* settle(s, lease.kind);
  return lease;
}

/** Releases every live lease of `kind` a holder has (e.g. all its file reservations), in one step. */
export function* releaseAllOfKind(s: StepContext, holder: string, kind: LeaseKind): StepGen<Lease[]> {
  const mine = (yield* read({ t: 'leasesOf', holder })).filter((l) => l.kind === kind && isLive(l, s.now));
  for (const lease of mine) drop(s, lease, holder);
  if (mine.length > 0 && (yield* read({ t: 'waiters', kind })).length > 0) yield* settle(s, kind);
  return mine;
}

/** Releases every lease and wait of a holder (sign-off, abandonment); returns the count. */
export function* releaseAllOf(s: StepContext, holder: string): StepGen<number> {
  const leases = yield* read({ t: 'leasesOf', holder });
  const kinds = new Set<LeaseKind>();
  for (const lease of leases) {
    drop(s, lease, holder);
    kinds.add(lease.kind);
  }
  for (const waiter of yield* read({ t: 'waiters' })) {
    if (waiter.request.holder !== holder) continue;
    s.remove('waiter', String(waiter.ticket));
    s.emit(event('lease.wait_ended', holder, waiter.request.resource, waitData(waiter)));
    kinds.add(waiter.request.kind);
  }
  for (const kind of kinds) yield* settle(s, kind);
  return leases.length;
}

export function* endWait(s: StepContext, wait: WaitRef): StepGen<WaitEnd> {
  const queued = (yield* read({ t: 'waiters', kind: wait.kind })).find((w) => w.ticket === wait.ticket);
  if (queued) {
    s.remove('waiter', String(wait.ticket));
    s.emit(event('lease.wait_ended', wait.holder, wait.resource, waitData(queued)));
    yield* settle(s, wait.kind);
    return { granted: null };
  }
  const granted = yield* read({ t: 'lease', id: leaseId(wait) });
  return { granted: granted && isLive(granted, s.now) ? granted : null };
}
