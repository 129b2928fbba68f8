/**
 * @module Every Redis key name the store uses, in one place. A project's keys
 * share the hash tag `{<prefix>:<project>}`; the few keys that span projects (the
 * project set, the sweep's due indexes, the request index, the generation) share
 * `{<prefix>}`. Scripts receive keys in the fixed order of PROJECT_KEY_ORDER (see
 * the header of apply-plan.lua). The apply script touches both tags, so the store
 * runs on one Redis server (or a primary with replicas), not on a Redis Cluster.
 */
import type { TaskStatus } from '../../core/tasks/task.js';

export const TASK_STATUS_ORDER: readonly TaskStatus[] = ['pending', 'ready', 'claimed', 'done', 'failed', 'cancelled'];

/** A project's keys, in the order apply-plan.lua receives them after the global ones. */
export const PROJECT_KEY_ORDER = [
  'meta', 'lock', 'events',
  'members', 'memberBeats',
  'leases', 'leaseExpiry',
  'waiters', 'waiterDeadlines',
  'tasks', 'taskSeq', 'taskClaimed', 'taskDeps',
  'status:pending', 'status:ready', 'status:claimed', 'status:done', 'status:failed', 'status:cancelled',
  'state', 'stateKeys', 'stateExpiry',
  'requests',
  'docs', 'docIndex', 'docDue',
] as const;

export type ProjectKeyName = (typeof PROJECT_KEY_ORDER)[number];

/**
 * meta: hash rev, created, seq:token, seq:ticket, seq:task, last, oldest.
 * lock: owner of a step holding the project exclusively. events: stream `<id>-0` {t, e}.
 * members / leases / waiters / tasks / state / requests: hashes of JSON records by key.
 * memberBeats: zset live member → last heartbeat. leaseExpiry, waiterDeadlines, taskClaimed,
 * stateExpiry: zsets by time. taskSeq and status:*: zsets of task ids by seq. taskDeps: lex zset
 * `dependency\0dependant`. stateKeys: lex zset of `scope\0key`.
 * docs: hash `kind\0id` → JSON doc. docIndex: lex zset of `k\0…`, `o\0owner\0…`, `s\0status\0…` and
 * `b\0owner\0status\0…`, each `…` being `kind\0<sort as 16 digits>\0id` (scripts/lib/doc_index.lua;
 * apply-plan.lua keeps it, read-docs.lua reads one range of it). docDue: zset `kind\0id` → expiry.
 */
export type ProjectKeys = Readonly<Record<ProjectKeyName, string>> & { readonly ordered: readonly string[] };

/** Keys that span projects, in the order apply-plan.lua receives them first. */
export interface GlobalKeys {
  /** Set of project ids. */
  projects: string;
  /** Zset project → earliest lease expiry, wait deadline, claim expiry or state expiry. */
  due: string;
  /** Zset project → oldest heartbeat of a live member. */
  beats: string;
  /** Zset project → last event id − oldest event id. */
  logLength: string;
  /** Zset `project\0caller\0request id` → time recorded (for purging). */
  requests: string;
  /** A random value set when the store first meets this Redis: it changes (or vanishes) when Redis lost its data. */
  generation: string;
  /** Pub/sub channel of the event bus. */
  channel: string;
}

/** Keys of limits per caller (store/limits-port.ts), under the global hash tag. */
export interface LimitKeys {
  /** A fixed window's counter: the window's end is part of the name. */
  window(key: string, windowEnd: number): string;
  /** A zset of holders of a bounded key, scored by expiry. */
  holds(key: string): string;
}

export interface RedisKeys extends GlobalKeys {
  readonly limits: LimitKeys;
  readonly globalOrdered: readonly string[];
  /** What every project's hash tag starts with: `{<prefix>:` (its encoded id and `}` follow). */
  readonly projectTagStart: string;
  project(project: string): ProjectKeys;
}

export function createKeys(prefix: string): RedisKeys {
  const cache = new Map<string, ProjectKeys>();
  const g = `{${prefix}}`;
  const global: GlobalKeys = {
    projects: `${g}:projects`,
    due: `${g}:due`,
    beats: `${g}:beats`,
    logLength: `${g}:log-length`,
    requests: `${g}:requests`,
    generation: `${g}:generation`,
    channel: `${prefix}:events`,
  };
  return {
    ...global,
    limits: {
      window: (key, windowEnd) => `${g}:limit:${key}:${windowEnd}`,
      holds: (key) => `${g}:holds:${key}`,
    },
    globalOrdered: [global.projects, global.due, global.beats, global.logLength, global.requests],
    projectTagStart: `{${prefix}:`,
    project(project) {
      let keys = cache.get(project);
      if (keys) return keys;
      // Braces in a project name would break the hash tag; the hub's ids never have them.
      const tag = `{${prefix}:${encodeURIComponent(project)}}`;
      const named = Object.fromEntries(PROJECT_KEY_ORDER.map((name) => [name, `${tag}:${name}`])) as Record<ProjectKeyName, string>;
      keys = { ...named, ordered: PROJECT_KEY_ORDER.map((name) => named[name]) };
      if (cache.size > 10_000) cache.clear();
      cache.set(project, keys);
      return keys;
    },
  };
}
