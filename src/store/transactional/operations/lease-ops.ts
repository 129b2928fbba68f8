/**
 * @module Lease steps for transactional engines: acquire (grant, renew, break or
 * queue), renew, release, end a wait, and `settle`, which every step that may free
 * a lease runs so queued waiters are handed the lease in the same transaction.
 */
import { CoordinationError, notFound } from '../../../core/errors.js';
import { event } from '../../../core/events/event.js';
import { isLive, leaseId, type Lease, type LeaseKind, type Waiter } from '../../../core/leases/lease.js';
import { decideGrant, planWaiterGrants } from '../../../core/leases/lease-policy.js';
import { deriveStatus, type Member, type MemberStatus, type StatusThresholds } from '../../../core/presence/member.js';
import type { AcquireInput, AcquireResult, LeaseRef, WaitEnd, WaitRef } from '../../store.js';
import type { Unit } from './unit.js';

const leaseData = (l: Lease) => ({
  kind: l.kind,
  resource: l.resource,
  holder: l.holder,
  token: l.token,
  ...(l.kind === 'files' ? { paths: l.paths } : {}),
});

/**
 * Removes lapsed waiters and leases of `kind`, then hands freed leases to queued
 * waiters in FIFO order. Returns what is live afterwards. Given `resource` and no
 * queued waiters, only the leases that can conflict with it are read (the sweep
 * expires the rest), so an acquire does not scan every held lock.
 */
export async function settle(u: Unit, kind: LeaseKind, resource?: string): Promise<{ live: Lease[]; waiters: Waiter[] }> {
  const waiters: Waiter[] = [];
  for (const waiter of await u.tx.listWaiters(u.project, kind)) {
    if (waiter.deadline > u.now) {
      waiters.push(waiter);
      continue;
    }
    await u.tx.deleteWaiter(u.project, waiter.ticket);
    await u.emit(event('lease.wait_ended', waiter.request.holder, waiter.request.resource, { kind, resource: waiter.request.resource, holder: waiter.request.holder, ticket: waiter.ticket }));
  }
  const candidates = resource !== undefined && waiters.length === 0 ? await u.tx.listLeasesOn(u.project, kind, resource) : await u.tx.listLeases(u.project, kind);
  const live: Lease[] = [];
  for (const lease of candidates) {
    if (isLive(lease, u.now)) {
      live.push(lease);
      continue;
    }
    await u.tx.deleteLease(u.project, lease.id);
    await u.emit(event('lease.expired', null, lease.resource, leaseData(lease)));
  }
  if (waiters.length === 0) return { live, waiters };
  const granted = new Set<number>();
  for (const waiter of planWaiterGrants(waiters, live, u.now)) {
    await u.tx.deleteWaiter(u.project, waiter.ticket);
    live.push(await grant(u, waiter.request, true));
    granted.add(waiter.ticket);
  }
  return { live, waiters: waiters.filter((w) => !granted.has(w.ticket)) };
}

async function grant(u: Unit, request: AcquireInput['request'], fromQueue: boolean): Promise<Lease> {
  const token = await u.tx.nextSequence(u.project, 'token');
  const lease: Lease = {
    ...request,
    id: leaseId(request),
    project: u.project,
    token,
    acquiredAt: u.now,
    expiresAt: u.now + request.ttlMs,
  };
  await u.tx.insertLease(lease);
  await u.emit(event('lease.acquired', request.holder, request.resource, { ...leaseData(lease), mode: lease.mode, expires_at: lease.expiresAt, from_queue: fromQueue }));
  return lease;
}

async function holderStatuses(u: Unit, leases: Lease[], thresholds: StatusThresholds): Promise<{ statusOf: (holder: string) => MemberStatus; members: Map<string, Member> }> {
  const members = new Map<string, Member>();
  for (const holder of new Set(leases.map((l) => l.holder))) {
    const member = await u.tx.getMember(u.project, holder);
    if (member) members.set(holder, member);
  }
  const statusOf = (holder: string): MemberStatus => {
    const member = members.get(holder);
    return member ? deriveStatus(member, u.now, thresholds) : 'abandoned';
  };
  return { statusOf, members };
}

export async function acquire(u: Unit, input: AcquireInput): Promise<AcquireResult> {
  const { request } = input;
  const { live, waiters } = await settle(u, request.kind, request.resource);
  const ahead = waiters.filter((w) => w.request.holder !== request.holder).map((w) => w.request);
  let decision = decideGrant(request, live, ahead, () => 'active', false);
  // Holders' statuses matter only when blocked (to allow force and to name them): look them up then.
  const { statusOf, members } = await holderStatuses(u, decision.action === 'blocked' ? decision.conflicts : [], input.thresholds);
  if (decision.action === 'blocked') decision = decideGrant(request, live, ahead, statusOf, input.force);
  switch (decision.action) {
    case 'renew': {
      const lease = { ...decision.lease, expiresAt: u.now + request.ttlMs, ttlMs: request.ttlMs };
      await u.tx.updateLeaseExpiry(u.project, lease.id, lease.expiresAt, lease.ttlMs);
      await u.emit(event('lease.renewed', request.holder, lease.resource, { ...leaseData(lease), expires_at: lease.expiresAt }));
      return { ok: true, lease, renewed: true, broken: [] };
    }
    case 'grant': {
      for (const broken of decision.breaks) {
        await u.tx.deleteLease(u.project, broken.id);
        await u.emit(event('lease.broken', request.holder, broken.resource, { ...leaseData(broken), by: request.holder }));
      }
      const lease = await grant(u, request, false);
      return { ok: true, lease, renewed: false, broken: decision.breaks };
    }
    case 'blocked': {
      let ticket: number | null = null;
      if (input.queueUntil !== undefined && request.kind !== 'files') {
        ticket = await u.tx.nextSequence(u.project, 'ticket');
        await u.tx.insertWaiter({ ticket, project: u.project, request, enqueuedAt: u.now, deadline: input.queueUntil });
        await u.emit(event('lease.queued', request.holder, request.resource, { kind: request.kind, resource: request.resource, holder: request.holder, ticket }));
      }
      const holders = [...new Set(decision.conflicts.map((l) => l.holder))].flatMap((h) => members.get(h) ?? []);
      return { ok: false, reason: 'held', conflicts: decision.conflicts, waitersAhead: decision.waitersAhead, forceable: decision.forceable, holders, ticket };
    }
  }
}

/** Finds the caller's own lease, raising the error that explains why it is not there. */
async function ownLease(u: Unit, ref: LeaseRef): Promise<Lease> {
  const mine = await u.tx.getLease(u.project, leaseId(ref));
  if (mine && isLive(mine, u.now)) {
    if (ref.token !== undefined && ref.token !== mine.token) {
      throw new CoordinationError('LEASE_LOST', `Your token ${ref.token} for '${ref.resource}' is stale; the live lease has token ${mine.token}.`, { resource: ref.resource, token: mine.token });
    }
    return mine;
  }
  if (mine) throw new CoordinationError('LEASE_LOST', `Your lease on '${ref.resource}' expired at ${new Date(mine.expiresAt).toISOString()}.`, { resource: ref.resource });
  // Not held: the slower look at who holds it is only for the error message.
  const others = (await u.tx.listLeases(u.project, ref.kind)).filter((l) => l.resource === ref.resource && isLive(l, u.now));
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

export async function renew(u: Unit, ref: LeaseRef, ttlMs: number): Promise<Lease> {
  const lease = { ...(await ownLease(u, ref)), expiresAt: u.now + ttlMs, ttlMs };
  await u.tx.updateLeaseExpiry(u.project, lease.id, lease.expiresAt, ttlMs);
  await u.emit(event('lease.renewed', ref.holder, lease.resource, { ...leaseData(lease), expires_at: lease.expiresAt }));
  return lease;
}

export async function release(u: Unit, ref: LeaseRef): Promise<Lease> {
  const lease = await ownLease(u, ref);
  await u.tx.deleteLease(u.project, lease.id);
  await u.emit(event('lease.released', ref.holder, lease.resource, leaseData(lease)));
  // Hand the freed lease to queued waiters; with none queued there is nothing to settle now (the sweep expires the rest).
  if ((await u.tx.listWaiters(u.project, lease.kind)).length > 0) await settle(u, lease.kind);
  return lease;
}

/** Releases every lease and wait of a holder (sign-off, abandonment); returns the count. */
export async function releaseAllOf(u: Unit, holder: string): Promise<number> {
  const leases = await u.tx.listLeasesOfHolder(u.project, holder);
  const kinds = new Set<LeaseKind>();
  for (const lease of leases) {
    await u.tx.deleteLease(u.project, lease.id);
    await u.emit(event('lease.released', holder, lease.resource, leaseData(lease)));
    kinds.add(lease.kind);
  }
  for (const waiter of await u.tx.listWaiters(u.project, undefined)) {
    if (waiter.request.holder !== holder) continue;
    await u.tx.deleteWaiter(u.project, waiter.ticket);
    await u.emit(event('lease.wait_ended', holder, waiter.request.resource, { kind: waiter.request.kind, resource: waiter.request.resource, holder, ticket: waiter.ticket }));
    kinds.add(waiter.request.kind);
  }
  for (const kind of kinds) await settle(u, kind);
  return leases.length;
}

export async function endWait(u: Unit, waiter: WaitRef): Promise<WaitEnd> {
  if (await u.tx.deleteWaiter(u.project, waiter.ticket)) {
    await u.emit(event('lease.wait_ended', waiter.holder, waiter.resource, { kind: waiter.kind, resource: waiter.resource, holder: waiter.holder, ticket: waiter.ticket }));
    await settle(u, waiter.kind);
    return { granted: null };
  }
  const granted = (await u.tx.listLeases(u.project, waiter.kind)).find((l) => l.resource === waiter.resource && l.holder === waiter.holder && isLive(l, u.now));
  return { granted: granted ?? null };
}
