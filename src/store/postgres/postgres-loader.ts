/**
 * @module The PostgreSQL engine's reads: what the project cache misses (the hot
 * rows in one round trip, then single rows or complete ready and claimed sets),
 * and the Store port's queries, each one statement outside any transaction.
 */
import { CoordinationError } from '../../core/errors.js';
import type { LeaseKind } from '../../core/leases/lease.js';
import type { Lease, Waiter } from '../../core/leases/lease.js';
import type { Member } from '../../core/presence/member.js';
import type { TaskStatus } from '../../core/tasks/task.js';
import type { DocFilter } from '../../core/consult/doc.js';
import type { RowLoader } from '../cache/optimistic-engine.js';
import type { StoreQueries } from '../step-store.js';
import { labelledPage } from '../task-pages.js';
import type { Read } from '../step/reads.js';
import { num, str, toHeader, type Row } from '../sql-rows.js';
import { mappers, rows, type Queryable, type StatementName } from './postgres-statements.js';

const { toMember, toLease, toWaiter, toTask, toState, toEvent, toRequest, toDoc } = mappers;

/** The statement of a docs read (one index range per shape of filter) and its parameters: project, kind, from, to, limit (null for none), then owner and status as named. */
function docQuery(project: string, r: DocFilter & { kind: string }, limit: number | null): [StatementName, unknown[]] {
  const base = [project, r.kind, r.from ?? Number.MIN_SAFE_INTEGER, r.to ?? Number.MAX_SAFE_INTEGER, limit];
  if (r.owner !== undefined) return r.status !== undefined ? ['list_docs_of_owner_status', [...base, r.owner, r.status]] : ['list_docs_of_owner', [...base, r.owner]];
  return r.status !== undefined ? ['list_docs_of_status', [...base, r.status]] : ['list_docs', base];
}
const first = (r: Row[]): Row | undefined => r[0];

export function createPostgresLoader(db: Queryable): RowLoader {
  return {
    async hot(project) {
      const row = first(await rows(db, 'load_hot', [project])) ?? {};
      const header = row['header'] as Row | null;
      return {
        header: header ? toHeader(header) : null,
        members: (row['members'] as Row[]).map((r): Member => toMember(r)),
        leases: (row['leases'] as Row[]).map((r): Lease => toLease(r)),
        waiters: (row['waiters'] as Row[]).map((r): Waiter => toWaiter(r)),
      };
    },
    async load(project, r: Read) {
      switch (r.t) {
        case 'request': {
          const row = first(await rows(db, 'get_request', [project, r.caller, r.id]));
          return row ? toRequest(row) : null;
        }
        case 'task': {
          const row = first(await rows(db, 'get_task', [project, r.id]));
          return row ? toTask(row) : null;
        }
        // The cache keeps these as complete sets, so they are loaded whole.
        case 'readyTasks':
          return (await rows(db, 'list_ready_tasks', [project])).map(toTask);
        case 'claimedTasks':
          return (await rows(db, 'list_claimed_tasks', [project])).map(toTask);
        case 'dependants':
          return (await rows(db, 'list_dependants', [project, r.id])).map(toTask);
        case 'state': {
          const row = first(await rows(db, 'get_state', [project, r.scope, r.key]));
          return row ? toState(row) : null;
        }
        case 'scope':
          return (await rows(db, 'list_scope', [project, r.scope])).map(toState);
        case 'expiredState':
          return (await rows(db, 'list_expired_state', [project, r.now])).map(toState);
        case 'doc': {
          const row = first(await rows(db, 'get_doc', [project, r.kind, r.id]));
          return row ? toDoc(row) : null;
        }
        case 'docs':
          return (await rows(db, ...docQuery(project, r, r.limit ?? null))).map(toDoc);
        case 'dueDocs':
          return (await rows(db, 'list_due_docs', [project, r.now, r.limit])).map(toDoc);
        case 'events':
          return (await rows(db, 'read_events', [project, r.after, r.limit, null])).filter((row) => row['id'] !== null).map((row) => toEvent({ ...row, project }));
        case 'member':
        case 'members':
        case 'silentMembers':
        case 'lease':
        case 'leasesOn':
        case 'leases':
        case 'leasesOf':
        case 'waiters':
          throw new CoordinationError('INTERNAL', `The project cache asked PostgreSQL for '${r.t}', which it loads with the hot rows.`);
      }
    },
  };
}

export function createPostgresQueries(db: Queryable, translate: (error: unknown) => CoordinationError): StoreQueries {
  const guarded = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw translate(error);
    }
  };
  return {
    getMember: (project, id) => guarded(async () => {
      const row = first(await rows(db, 'get_member', [project, id]));
      return row ? toMember(row) : null;
    }),
    listMembers: (project, kind) => guarded(async () => (await rows(db, 'list_members', [project, kind ?? null])).map(toMember)),
    getLease: (project, id, now) => guarded(async () => {
      const row = first(await rows(db, 'get_lease', [project, id]));
      const lease = row ? toLease(row) : null;
      return lease && lease.expiresAt > now ? lease : null;
    }),
    listLeases: (project, now, kind) => guarded(async () => (await rows(db, 'list_leases', [project, kind ?? null, now])).map(toLease)),
    listWaiters: (project, now, kind) => guarded(async () => (await rows(db, 'list_waiters', [project, kind ?? null, now])).map(toWaiter)),
    getTask: (project, id) => guarded(async () => {
      const row = first(await rows(db, 'get_task', [project, id]));
      return row ? toTask(row) : null;
    }),
    listTasks: (project, query) => guarded(() =>
      labelledPage(query, async (after, limit) => (await rows(db, 'list_tasks', [project, query.status && query.status.length > 0 ? query.status : null, after, limit])).map(toTask))),
    getState: (project, scope, key, now) => guarded(async () => {
      const row = first(await rows(db, 'get_state', [project, scope, key]));
      const entry = row ? toState(row) : null;
      return entry && (entry.expiresAt === null || entry.expiresAt > now) ? entry : null;
    }),
    listStateKeys: (project, scope, prefix, now, limit, after) => guarded(async () => (await rows(db, 'list_state_keys', [project, scope, prefix, now, limit, after ?? null])).map(toState)),
    countStateKeys: (project, scope, prefix, now) => guarded(async () => num((await rows(db, 'count_state_keys', [project, scope, prefix, now]))[0]?.['n'] ?? 0)),
    listScopes: (project, now) => guarded(async () => (await rows(db, 'list_scopes', [project, now])).map((r) => ({ scope: str(r['scope']), keys: num(r['keys']) }))),
    readEvents: ({ project, after, limit, types }) => guarded(async () => {
      const page = await rows(db, 'read_events', [project, after, limit, types && types.length > 0 ? types : null]);
      const head = page[0];
      const lastId = head ? num(head['last_event_id']) : 0;
      const oldestId = head ? num(head['oldest_event_id']) : 1;
      if (after < oldestId - 1) {
        throw new CoordinationError('EVENTS_GAP', `Events after ${after} were trimmed; the oldest kept is ${oldestId}.`, { oldest_id: oldestId, last_id: lastId });
      }
      const events = page.filter((r) => r['id'] !== null).map((r) => toEvent({ ...r, project }));
      return { events, lastId, oldestId };
    }),
    countProject: (project, now) => guarded(async () => {
      const [tasksRows, leaseRows, waiterRows, headerRows] = await Promise.all([
        rows(db, 'count_tasks', [project]),
        rows(db, 'count_live_leases', [project, now]),
        rows(db, 'count_waiters', [project, now]),
        rows(db, 'get_header', [project]),
      ]);
      const tasks: Partial<Record<TaskStatus, number>> = {};
      for (const r of tasksRows) tasks[str(r['status']) as TaskStatus] = num(r['n']);
      const leases: Partial<Record<LeaseKind, number>> = {};
      for (const r of leaseRows) leases[str(r['kind']) as LeaseKind] = num(r['n']);
      const header = first(headerRows);
      return { tasks, leases, waiters: num(first(waiterRows)?.['n'] ?? 0), lastEventId: header ? toHeader(header).lastEventId : 0 };
    }),
    getDoc: (project, kind, id) => guarded(async () => {
      const row = first(await rows(db, 'get_doc', [project, kind, id]));
      return row ? toDoc(row) : null;
    }),
    listDocs: (project, kind, filter, limit) => guarded(async () => (await rows(db, ...docQuery(project, { ...filter, kind }, limit))).map(toDoc)),
    listProjects: () => guarded(async () => (await rows(db, 'list_projects', [])).map((r) => str(r['id']))),
    projectExists: (project) => guarded(async () => (await rows(db, 'project_exists', [project])).length > 0),
  };
}
