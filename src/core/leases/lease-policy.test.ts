/**
 * @module Lease decisions: conflicts, renewal, semaphore limits, queue order,
 * force against stale holders, and which waiters a freed lease goes to.
 */
import { describe, expect, it } from 'vitest';
import type { MemberStatus } from '../presence/member.js';
import type { Lease, LeaseRequest, Waiter } from './lease.js';
import { isLive } from './lease.js';
import { decideGrant, holdingsConflict, planWaiterGrants } from './lease-policy.js';

const NOW = 1_000_000;
let nextToken = 1;

const request = (holder: string, resource: string, extra: Partial<LeaseRequest> = {}): LeaseRequest => ({
  kind: 'lock', resource, paths: [], holder, mode: 'exclusive', limit: null, ttlMs: 60_000, reason: null, ...extra,
});

const lease = (holder: string, resource: string, extra: Partial<LeaseRequest> = {}): Lease => {
  const r = request(holder, resource, extra);
  const token = nextToken++;
  return { ...r, id: `${r.kind}:${resource}:${holder}:${token}`, project: 'p', token, acquiredAt: NOW, expiresAt: NOW + r.ttlMs };
};

const files = (holder: string, paths: string[], mode: 'exclusive' | 'shared' = 'exclusive'): Lease => lease(holder, `res-${holder}-${paths.join(',')}`, { kind: 'files', paths, mode });

const waiter = (ticket: number, r: LeaseRequest, deadline = NOW + 60_000): Waiter => ({ ticket, project: 'p', request: r, enqueuedAt: NOW, deadline });

const everyone = (status: MemberStatus) => (): MemberStatus => status;
const active = everyone('active');

describe('holdingsConflict', () => {
  it('never conflicts a holder with itself or across kinds', () => {
    expect(holdingsConflict(lease('a', 'x'), lease('a', 'x'))).toBe(false);
    expect(holdingsConflict(lease('a', 'workers', { kind: 'slot' }), lease('b', 'workers'))).toBe(false);
  });

  it('conflicts related names unless both are shared', () => {
    expect(holdingsConflict(lease('a', 'wave:5c'), lease('b', 'wave:5c.1'))).toBe(true);
    expect(holdingsConflict(lease('a', 'wave:5c', { mode: 'shared' }), lease('b', 'wave:5c.1', { mode: 'shared' }))).toBe(false);
    expect(holdingsConflict(lease('a', 'wave:5c', { mode: 'shared' }), lease('b', 'wave:5c'))).toBe(true);
    expect(holdingsConflict(lease('a', 'issue:42'), lease('b', 'wave:5c'))).toBe(false);
  });

  it('conflicts file reservations when any pair of their globs overlaps', () => {
    expect(holdingsConflict(files('a', ['docs/**', 'src/**']), files('b', ['src/a.ts']))).toBe(true);
    expect(holdingsConflict(files('a', ['docs/**']), files('b', ['src/a.ts']))).toBe(false);
    expect(holdingsConflict(files('a', ['src/**'], 'shared'), files('b', ['src/a.ts'], 'shared'))).toBe(false);
  });
});

describe('decideGrant', () => {
  it('grants a free resource', () => {
    expect(decideGrant(request('a', 'x'), [lease('b', 'y')], [], active, false)).toEqual({ action: 'grant', breaks: [] });
  });

  it('renews the own lease of the caller on the same name', () => {
    const own = lease('a', 'x');
    expect(decideGrant(request('a', 'x'), [own, lease('b', 'x.1')], [], active, false)).toEqual({ action: 'renew', lease: own });
  });

  it('blocks on a conflicting holder, naming it', () => {
    const held = lease('b', 'wave:5c');
    expect(decideGrant(request('a', 'wave:5c.1'), [held], [], active, false)).toEqual({ action: 'blocked', conflicts: [held], waitersAhead: 0, forceable: false });
  });

  it('fills a shared semaphore up to the smallest limit in play', () => {
    const one = lease('b', 'gpu', { mode: 'shared', limit: 2 });
    const two = lease('c', 'gpu', { mode: 'shared', limit: 2 });
    expect(decideGrant(request('a', 'gpu', { mode: 'shared', limit: 2 }), [one], [], active, false).action).toBe('grant');
    expect(decideGrant(request('a', 'gpu', { mode: 'shared', limit: 2 }), [one, two], [], active, false)).toMatchObject({ action: 'blocked', conflicts: [one, two] });
    expect(decideGrant(request('a', 'gpu', { mode: 'shared' }), [one, two], [], active, false).action).toBe('blocked');
    expect(decideGrant(request('a', 'gpu', { mode: 'shared', limit: 1 }), [one], [], active, false).action).toBe('blocked');
    expect(decideGrant(request('a', 'db', { mode: 'shared' }), [lease('b', 'db', { mode: 'shared' }), lease('c', 'db', { mode: 'shared' })], [], active, false).action).toBe('grant');
  });

  it('queues behind a conflicting waiter even when no holder conflicts', () => {
    expect(decideGrant(request('a', 'wave:5c.2'), [], [request('b', 'wave:5c')], active, false)).toEqual({ action: 'blocked', conflicts: [], waitersAhead: 1, forceable: false });
    expect(decideGrant(request('a', 'issue:1'), [], [request('b', 'wave:5c')], active, false).action).toBe('grant');
  });

  it('queues a shared request behind a shared waiter of the same name', () => {
    expect(decideGrant(request('a', 'gpu', { mode: 'shared' }), [], [request('b', 'gpu', { mode: 'shared' })], active, false)).toMatchObject({ action: 'blocked', waitersAhead: 1 });
  });

  it('breaks conflicting holders with force only when every one is stale or worse', () => {
    const held = lease('b', 'x', { mode: 'shared' });
    const other = lease('c', 'x', { mode: 'shared' });
    for (const status of ['active', 'idle'] as const) {
      expect(decideGrant(request('a', 'x'), [held], [], everyone(status), true)).toMatchObject({ action: 'blocked', forceable: false });
    }
    for (const status of ['stale', 'unresponsive', 'abandoned', 'offline'] as const) {
      expect(decideGrant(request('a', 'x'), [held, other], [], everyone(status), true)).toEqual({ action: 'grant', breaks: [held, other] });
      expect(decideGrant(request('a', 'x'), [held], [], everyone(status), false)).toMatchObject({ action: 'blocked', forceable: true });
    }
    const mixed = (holder: string): MemberStatus => (holder === 'b' ? 'stale' : 'idle');
    expect(decideGrant(request('a', 'x'), [held, other], [], mixed, true)).toMatchObject({ action: 'blocked', forceable: false });
  });

  it('does not offer force against queued waiters alone', () => {
    expect(decideGrant(request('a', 'x'), [], [request('b', 'x')], everyone('abandoned'), true)).toMatchObject({ action: 'blocked', forceable: false });
  });
});

describe('planWaiterGrants', () => {
  it('grants the head of the queue by ticket, whatever order waiters come in', () => {
    const granted = planWaiterGrants([waiter(7, request('c', 'x')), waiter(3, request('b', 'x'))], [], NOW);
    expect(granted.map((w) => w.ticket)).toEqual([3]);
  });

  it('grants every compatible waiter at the head and stops at a conflicting one', () => {
    const queue = [
      waiter(1, request('b', 'db', { mode: 'shared' })),
      waiter(2, request('c', 'db', { mode: 'shared' })),
      waiter(3, request('d', 'db')),
      waiter(4, request('e', 'db', { mode: 'shared' })),
    ];
    expect(planWaiterGrants(queue, [], NOW).map((w) => w.request.holder)).toEqual(['b', 'c']);
  });

  it('grants nothing while a live holder still conflicts', () => {
    expect(planWaiterGrants([waiter(1, request('b', 'x'))], [lease('a', 'x')], NOW)).toEqual([]);
  });

  it('grants a later waiter for an unrelated name past a blocked one', () => {
    const queue = [waiter(1, request('b', 'x')), waiter(2, request('c', 'y')), waiter(3, request('d', 'x.1'))];
    expect(planWaiterGrants(queue, [lease('a', 'x')], NOW).map((w) => w.request.holder)).toEqual(['c']);
  });

  it('skips waiters whose deadline has come', () => {
    const queue = [waiter(1, request('b', 'x'), NOW), waiter(2, request('c', 'x'), NOW + 1)];
    expect(planWaiterGrants(queue, [], NOW).map((w) => w.request.holder)).toEqual(['c']);
  });

  it('fills a semaphore from the queue up to its limit', () => {
    const slot = { kind: 'slot', mode: 'shared', limit: 2 } as const;
    const queue = [waiter(1, request('b', 'workers', slot)), waiter(2, request('c', 'workers', slot)), waiter(3, request('d', 'workers', slot))];
    expect(planWaiterGrants(queue, [lease('a', 'workers', slot)], NOW).map((w) => w.request.holder)).toEqual(['b']);
  });
});

describe('isLive', () => {
  it('holds a lease until its expiry instant, exclusive', () => {
    expect(isLive({ expiresAt: NOW + 1 }, NOW)).toBe(true);
    expect(isLive({ expiresAt: NOW }, NOW)).toBe(false);
  });
});
