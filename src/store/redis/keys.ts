/**
 * @module Every Redis key name the store uses, in one place. A project's keys
 * share the hash tag `{<prefix>:<project>}`, so a Redis Cluster keeps them in one
 * slot and every Lua script touches a single slot. Scripts receive their keys in
 * the fixed orders defined here (see the header of each .lua file).
 */
import type { LeaseKind } from '../../core/leases/lease.js';
import type { TaskStatus } from '../../core/tasks/task.js';

export const LEASE_KINDS: readonly LeaseKind[] = ['lock', 'files', 'slot'];

/** Statuses in the order their index keys are passed to scripts (lib/task.lua relies on it). */
export const TASK_STATUS_ORDER: readonly TaskStatus[] = ['pending', 'ready', 'claimed', 'done', 'failed', 'cancelled'];

export interface ProjectKeys {
  /** Hash: rev, created, seq:token, seq:ticket, seq:task, last (event id), oldest (event id). */
  meta: string;
  /** String: owner of the step that holds the project exclusively after repeated conflicts. */
  lock: string;
  /** Stream of events, entry id `<event id>-0`, fields t (type) and e (JSON). */
  events: string;
  /** Hash: member id → Member JSON. */
  members: string;
  /** Hash: request id → result JSON; and the zset of request times for purging. */
  requests: string;
  requestTimes: string;
  /** The task keys, in the order scripts receive them (TASK_KEY_COUNT of them). */
  tasks: readonly string[];
  /** Per kind: hash lease id → Lease JSON; zset of expiry; hash ticket → Waiter JSON. */
  leases: Readonly<Record<LeaseKind, string>>;
  leaseExpiry: Readonly<Record<LeaseKind, string>>;
  /** Per kind but files: lex zset of `leaseNameMember` (hierarchy lookups of the acquire fast path). */
  leaseNames: Readonly<Record<LeaseKind, string>>;
  waiters: Readonly<Record<LeaseKind, string>>;
  /** Set of scopes with keys; zset `scope\0key` by expiry; hash per scope key → StateEntry JSON. */
  stateScopes: string;
  stateExpiry: string;
  state(scope: string): string;
}

/** A lock name with '.' read as ':' (lock-name.ts splits segments on both), so related names share prefixes. */
export const canonicalLockName = (name: string): string => name.replaceAll('.', ':');

/** Member of the lease-names zset: the canonical name, NUL, the holder. */
export const leaseNameMember = (resource: string, holder: string): string => `${canonicalLockName(resource)}\u0000${holder}`;

/**
 * Task keys, by position: 0 hash id → record, 1 zset by seq, 2..7 one zset by seq
 * per status (TASK_STATUS_ORDER), 8 ready zset (score -priority, member
 * zero-padded seq + id), 9 claimed zset by claim expiry, 10 dependency zset
 * (members `dependency\0dependant`, for lex ranges).
 */
export const TASK_KEY_COUNT = 11;
export const TASK_KEY = { hash: 0, bySeq: 1, ready: 8, claimed: 9, deps: 10 } as const;
export const taskStatusKey = (status: TaskStatus): number => 2 + TASK_STATUS_ORDER.indexOf(status);

export interface RedisKeys {
  /** Set of project ids ever written (filtered by the existence of their meta key). */
  projects: string;
  /** Pub/sub channel of the event bus. */
  channel: string;
  project(project: string): ProjectKeys;
}

export function createKeys(prefix: string): RedisKeys {
  const cache = new Map<string, ProjectKeys>();
  return {
    projects: `{${prefix}}:projects`,
    channel: `${prefix}:events`,
    project(project) {
      let keys = cache.get(project);
      if (keys) return keys;
      // Braces in a project name would break the hash tag; the hub's ids never have them.
      const tag = `{${prefix}:${encodeURIComponent(project)}}`;
      const perKind = (suffix: string): Record<LeaseKind, string> => ({ lock: `${tag}:${suffix}:lock`, files: `${tag}:${suffix}:files`, slot: `${tag}:${suffix}:slot` });
      keys = {
        meta: `${tag}:meta`,
        lock: `${tag}:lock`,
        events: `${tag}:events`,
        members: `${tag}:members`,
        requests: `${tag}:requests`,
        requestTimes: `${tag}:requests:at`,
        tasks: [
          `${tag}:tasks`,
          `${tag}:tasks:seq`,
          ...TASK_STATUS_ORDER.map((s) => `${tag}:tasks:status:${s}`),
          `${tag}:tasks:ready`,
          `${tag}:tasks:claimed`,
          `${tag}:tasks:deps`,
        ],
        leases: perKind('leases'),
        leaseExpiry: perKind('leases-expiry'),
        leaseNames: perKind('lease-names'),
        waiters: perKind('waiters'),
        stateScopes: `${tag}:scopes`,
        stateExpiry: `${tag}:state-expiry`,
        state: (scope) => `${tag}:state:${scope}`,
      };
      if (cache.size > 10_000) cache.clear();
      cache.set(project, keys);
      return keys;
    },
  };
}

