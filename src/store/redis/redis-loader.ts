/**
 * @module The Redis engine's reads: what the project cache misses (the hot rows
 * in one pipelined round trip, then single records or whole index sets through
 * read-index.lua), and the Store port's queries. Records are JSON.
 */
import type { Redis } from 'ioredis';
import { CoordinationError } from '../../core/errors.js';
import type { BatonEvent } from '../../core/events/event.js';
import { isLive, leaseKindOf, type Lease, type LeaseKind, type Waiter } from '../../core/leases/lease.js';
import type { Member } from '../../core/presence/member.js';
import type { StateEntry } from '../../core/state/entry.js';
import type { Task, TaskStatus } from '../../core/tasks/task.js';
import type { HotRows } from '../cache/project-cache.js';
import type { RowLoader } from '../cache/optimistic-engine.js';
import type { StoreQueries } from '../step-store.js';
import { labelledPage } from '../task-pages.js';
import type { Header } from '../step/header.js';
import type { Read } from '../step/reads.js';
import type { Doc, DocFilter, DocKind } from '../../core/consult/doc.js';
import { docKey, requestKey, stateKey, type RequestRecord } from '../step/tables.js';
import { TASK_STATUS_ORDER, type RedisKeys } from './keys.js';
import type { Scripts } from './scripts.js';

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the stored record type
const parse = <T>(text: string): T => JSON.parse(text) as T;
const parseAll = <T>(texts: readonly (string | null)[]): T[] => texts.flatMap((t) => (t === null ? [] : [parse<T>(t)]));

function toHeader(meta: Record<string, string>): Header | null {
  if (meta['created'] === undefined) return null;
  const n = (field: string, fallback: number): number => Number(meta[field] ?? fallback);
  return {
    rev: n('rev', 0), createdAt: n('created', 0), token: n('seq:token', 0), ticket: n('seq:ticket', 0), taskSeq: n('seq:task', 0),
    lastEventId: n('last', 0), oldestEventId: n('oldest', 1),
  };
}

/** A doc's sort as lib/doc_index.lua writes it in docIndex members: 16 digits, offset so none is negative. */
const sortKey = (sort: number): string => (Math.max(-4e15, Math.min(4e15, sort)) + 4e15).toFixed(0).padStart(16, '0');

/**
 * Docs of a kind from the one docIndex range of the filter's shape (a kind; of an owner; of a status; of an owner in a
 * status), between its sort bounds, at most its limit: the cost is what the answer holds, not what the kind holds.
 */
async function docsOf(scripts: Scripts, keys: RedisKeys, project: string, r: DocFilter & { kind: DocKind; limit?: number | undefined }): Promise<Doc[]> {
  const k = keys.project(project);
  const z = '\u0000';
  const head = r.owner !== undefined ? (r.status !== undefined ? `b${z}${r.owner}${z}${r.status}${z}` : `o${z}${r.owner}${z}`) : r.status !== undefined ? `s${z}${r.status}${z}` : `k${z}`;
  const prefix = `${head}${r.kind}${z}`;
  const from = sortKey(r.from ?? -4e15);
  const to = sortKey(Math.min((r.to ?? 4e15 - 1) + 1, 4e15));
  const texts = (await scripts['read-docs']([k.docIndex, k.docs], [`[${prefix}${from}`, `(${prefix}${to}`, r.limit ?? -1, Buffer.byteLength(prefix) + 17, r.kind])) as string[];
  return parseAll<Doc>(texts);
}

/** The events of a read-events reply (last id, oldest id, then id and JSON pairs). */
function eventsOf(project: string, reply: readonly (string | number)[]): BatonEvent[] {
  const events: BatonEvent[] = [];
  for (let i = 2; i + 1 < reply.length; i += 2) events.push({ ...parse<Omit<BatonEvent, 'project' | 'id'>>(String(reply[i + 1])), project, id: Number.parseInt(String(reply[i]), 10) } as BatonEvent);
  return events;
}

const byRegistration = (a: Member, b: Member): number => a.registeredAt - b.registeredAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function createRedisLoader(client: Redis, scripts: Scripts, keys: RedisKeys): RowLoader {
  const index = async (zset: string, hash: string, ...args: (string | number)[]): Promise<string[]> => (await scripts['read-index']([zset, hash], args)) as string[];
  return {
    async hot(project): Promise<HotRows> {
      const k = keys.project(project);
      const replies = await client.pipeline().hgetall(k.meta).hvals(k.members).hvals(k.leases).hvals(k.waiters).exec();
      const values = (replies ?? []).map(([error, value]) => {
        if (error) throw error;
        return value;
      });
      return {
        header: toHeader(values[0] as Record<string, string>),
        members: parseAll<Member>(values[1] as string[]).sort(byRegistration),
        leases: parseAll<Lease>(values[2] as string[]),
        waiters: parseAll<Waiter>(values[3] as string[]),
      };
    },
    async load(project, r: Read) {
      const k = keys.project(project);
      switch (r.t) {
        case 'request': {
          const text = await client.hget(k.requests, requestKey(r.caller, r.id));
          return text === null ? null : parse<RequestRecord>(text);
        }
        case 'task': {
          const text = await client.hget(k.tasks, r.id);
          return text === null ? null : parse<Task>(text);
        }
        // The cache keeps these as complete sets, so they are loaded whole.
        case 'readyTasks':
          return parseAll<Task>(await index(k['status:ready'], k.tasks, 'all'));
        case 'claimedTasks':
          return parseAll<Task>(await index(k.taskClaimed, k.tasks, 'all'));
        case 'dependants':
          return parseAll<Task>(await index(k.taskDeps, k.tasks, 'lex', `${r.id}\u0000`, `${r.id}\u0001`, r.id.length + 1));
        case 'state': {
          const text = await client.hget(k.state, stateKey(r.scope, r.key));
          return text === null ? null : parse<StateEntry>(text);
        }
        case 'scope':
          return parseAll<StateEntry>(await index(k.stateKeys, k.state, 'lex', `${r.scope}\u0000`, `${r.scope}\u0001`, 0));
        case 'expiredState':
          return parseAll<StateEntry>(await index(k.stateExpiry, k.state, 'score', r.now));
        case 'doc': {
          const text = await client.hget(k.docs, docKey(r.kind, r.id));
          return text === null ? null : parse<Doc>(text);
        }
        case 'docs':
          return docsOf(scripts, keys, project, r);
        case 'dueDocs':
          return parseAll<Doc>(await index(k.docDue, k.docs, 'score', r.now)).slice(0, r.limit);
        case 'events':
          return eventsOf(project, (await scripts['read-events']([k.meta, k.events], [r.after, r.limit])) as (string | number)[]);
        case 'member':
        case 'members':
        case 'silentMembers':
        case 'lease':
        case 'leasesOn':
        case 'leases':
        case 'leasesOf':
        case 'waiters':
          throw new CoordinationError('INTERNAL', `The project cache asked Redis for '${r.t}', which it loads with the hot rows.`);
      }
    },
  };
}

export function createRedisQueries(client: Redis, scripts: Scripts, keys: RedisKeys, translate: (error: unknown) => CoordinationError): StoreQueries {
  const guarded = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw translate(error);
    }
  };
  /** Tasks of these statuses after seq `after`, in insertion order, at most `limit`: each status zset is scored by seq. */
  const tasksAfter = async (project: string, statuses: readonly TaskStatus[] | undefined, after: number, limit: number): Promise<Task[]> => {
    const k = keys.project(project);
    const zsets = statuses && statuses.length > 0 ? statuses.map((s) => k[`status:${s}`]) : [k.taskSeq];
    const scored: [string, number][] = [];
    for (const zset of zsets) {
      const flat = await client.zrangebyscore(zset, `(${after}`, '+inf', 'WITHSCORES', 'LIMIT', 0, limit);
      for (let i = 0; i + 1 < flat.length; i += 2) scored.push([flat[i] as string, Number(flat[i + 1])]);
    }
    const ids = scored.sort((a, b) => a[1] - b[1]).slice(0, limit).map(([id]) => id);
    return ids.length === 0 ? [] : parseAll<Task>(await client.hmget(k.tasks, ...ids));
  };
  return {
    getMember: (project, id) => guarded(async () => {
      const text = await client.hget(keys.project(project).members, id);
      return text === null ? null : parse<Member>(text);
    }),
    listMembers: (project, kind) => guarded(async () =>
      parseAll<Member>(await client.hvals(keys.project(project).members)).filter((m) => kind === undefined || m.kind === kind).sort(byRegistration)),
    getLease: (project, id, now) => guarded(async () => {
      const text = await client.hget(keys.project(project).leases, id);
      const lease = text === null ? null : parse<Lease>(text);
      return lease && isLive(lease, now) ? lease : null;
    }),
    listLeases: (project, now, kind) => guarded(async () =>
      parseAll<Lease>(await client.hvals(keys.project(project).leases)).filter((l) => (kind === undefined || l.kind === kind) && isLive(l, now)).sort((a, b) => a.token - b.token)),
    listWaiters: (project, now, kind) => guarded(async () =>
      parseAll<Waiter>(await client.hvals(keys.project(project).waiters)).filter((w) => (kind === undefined || w.request.kind === kind) && w.deadline > now).sort((a, b) => a.ticket - b.ticket)),
    getTask: (project, id) => guarded(async () => {
      const text = await client.hget(keys.project(project).tasks, id);
      return text === null ? null : parse<Task>(text);
    }),
    listTasks: (project, query) => guarded(() => labelledPage(query, (after, limit) => tasksAfter(project, query.status, after, limit))),
    getState: (project, scope, key, now) => guarded(async () => {
      const text = await client.hget(keys.project(project).state, stateKey(scope, key));
      const entry = text === null ? null : parse<StateEntry>(text);
      return entry && (entry.expiresAt === null || entry.expiresAt > now) ? entry : null;
    }),
    listStateKeys: (project, scope, prefix, now, limit, after) => guarded(async () => {
      const k = keys.project(project);
      const start = after === undefined ? '' : stateKey(scope, after);
      return parseAll<StateEntry>(await scripts['read-state-keys']([k.stateKeys, k.state, k.stateExpiry], ['page', stateKey(scope, prefix), start, limit, now]) as string[]);
    }),
    countStateKeys: (project, scope, prefix, now) => guarded(async () => {
      const k = keys.project(project);
      return Number(await scripts['read-state-keys']([k.stateKeys, k.state, k.stateExpiry], ['count', stateKey(scope, prefix), '', 0, now]));
    }),
    listScopes: (project, now) => guarded(async () => {
      const counts = new Map<string, number>();
      for (const e of parseAll<StateEntry>(await client.hvals(keys.project(project).state))) {
        if (e.expiresAt === null || e.expiresAt > now) counts.set(e.scope, (counts.get(e.scope) ?? 0) + 1);
      }
      return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([scope, n]) => ({ scope, keys: n }));
    }),
    readEvents: ({ project, after, limit, types }) => guarded(async () => {
      const k = keys.project(project);
      const reply = (await scripts['read-events']([k.meta, k.events], [after, limit, ...(types ?? [])])) as (string | number)[];
      const lastId = Number(reply[0]);
      const oldestId = Number(reply[1]);
      if (after < oldestId - 1) {
        throw new CoordinationError('EVENTS_GAP', `Events after ${after} were trimmed; the oldest kept is ${oldestId}.`, { oldest_id: oldestId, last_id: lastId });
      }
      return { events: eventsOf(project, reply), lastId, oldestId };
    }),
    countProject: (project, now) => guarded(async () => {
      const k = keys.project(project);
      const reply = (await scripts['count-project']([k.meta, k.leaseExpiry, k.waiterDeadlines, ...TASK_STATUS_ORDER.map((s) => k[`status:${s}`])], [now])) as (number | string)[];
      const tasks: Partial<Record<TaskStatus, number>> = {};
      TASK_STATUS_ORDER.forEach((status, i) => {
        const n = Number(reply[2 + i]);
        if (n > 0) tasks[status] = n;
      });
      const leases: Partial<Record<LeaseKind, number>> = {};
      for (const id of reply.slice(2 + TASK_STATUS_ORDER.length)) {
        const kind = leaseKindOf(String(id));
        leases[kind] = (leases[kind] ?? 0) + 1;
      }
      return { tasks, leases, waiters: Number(reply[1]), lastEventId: Number(reply[0]) };
    }),
    getDoc: (project, kind, id) => guarded(async () => {
      const text = await client.hget(keys.project(project).docs, docKey(kind, id));
      return text === null ? null : parse<Doc>(text);
    }),
    listDocs: (project, kind, filter, limit) => guarded(() => docsOf(scripts, keys, project, { ...filter, kind, limit })),
    listProjects: () => guarded(async () => {
      const ids = await client.smembers(keys.projects);
      return ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    }),
    projectExists: (project) => guarded(async () => (await client.hexists(keys.project(project).meta, 'created')) === 1),
  };
}
