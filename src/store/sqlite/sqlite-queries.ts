/**
 * @module The Store port's reads on SQLite: one synchronous query each, on
 * committed data (a batch commits without yielding, so no read sees half of one).
 */
import { CoordinationError } from '../../core/errors.js';
import { isLive, type LeaseKind } from '../../core/leases/lease.js';
import type { TaskStatus } from '../../core/tasks/task.js';
import type { StoreQueries } from '../step-store.js';
import { labelledPage } from '../task-pages.js';
import { num, str, toHeader } from '../sql-rows.js';
import { docQuery } from './sqlite-source.js';
import { json, mappers, type SqliteStatements } from './sqlite-statements.js';

const { toMember, toLease, toWaiter, toTask, toState, toEvent, toDoc } = mappers;

export function createSqliteQueries(q: SqliteStatements, guard: <T>(read: () => T) => Promise<T>): StoreQueries {
  return {
    getMember: (project, id) => guard(() => {
      const row = q.one('get_member', project, id);
      return row ? toMember(row) : null;
    }),
    listMembers: (project, kind) => guard(() => (kind ? q.all('list_members_of_kind', project, kind) : q.all('list_members', project)).map(toMember)),
    getLease: (project, id, now) => guard(() => {
      const row = q.one('get_lease', project, id);
      const lease = row ? toLease(row) : null;
      return lease && isLive(lease, now) ? lease : null;
    }),
    listLeases: (project, now, kind) => guard(() => (kind ? q.all('list_leases_of_kind', project, kind) : q.all('list_leases', project)).map(toLease).filter((l) => isLive(l, now))),
    listWaiters: (project, now, kind) => guard(() => (kind ? q.all('list_waiters_of_kind', project, kind) : q.all('list_waiters', project)).map(toWaiter).filter((w) => w.deadline > now)),
    getTask: (project, id) => guard(() => {
      const row = q.one('get_task', project, id);
      return row ? toTask(row) : null;
    }),
    listTasks: (project, query) => {
      // One status reads its own index, so a long history of finished tasks is not walked to find the live ones.
      const [only, ...more] = query.status ?? [];
      const rows = only !== undefined && more.length === 0
        ? (after: number, limit: number) => q.all('list_tasks_of_status', { project, status: only, after, limit })
        : (after: number, limit: number) => q.all('list_tasks', { project, statuses: query.status && query.status.length > 0 ? json(query.status) : null, after, limit });
      return labelledPage(query, (after, limit) => guard(() => rows(after, limit).map(toTask)));
    },
    getState: (project, scope, key, now) => guard(() => {
      const row = q.one('get_state', project, scope, key);
      const entry = row ? toState(row) : null;
      return entry && (entry.expiresAt === null || entry.expiresAt > now) ? entry : null;
    }),
    listStateKeys: (project, scope, prefix, now, limit, after) => guard(() => q.all('list_state_keys', { project, scope, prefix, now, limit, after: after ?? null }).map(toState)),
    countStateKeys: (project, scope, prefix, now) => guard(() => num(q.one('count_state_keys', { project, scope, prefix, now })?.['n'] ?? 0)),
    listScopes: (project, now) => guard(() => q.all('list_scopes', project, now).map((r) => ({ scope: str(r['scope']), keys: num(r['keys']) }))),
    readEvents: ({ project, after, limit, types }) => guard(() => {
      const header = q.one('get_header', project);
      const { lastEventId: lastId, oldestEventId: oldestId } = header ? toHeader(header) : { lastEventId: 0, oldestEventId: 1 };
      if (after < oldestId - 1) {
        throw new CoordinationError('EVENTS_GAP', `Events after ${after} were trimmed; the oldest kept is ${oldestId}.`, { oldest_id: oldestId, last_id: lastId });
      }
      const rows = types && types.length > 0 ? q.all('read_events_of_types', { project, after, types: json(types), limit }) : q.all('read_events', project, after, limit);
      return { events: rows.map(toEvent), lastId, oldestId };
    }),
    countProject: (project, now) => guard(() => {
      const tasks: Partial<Record<TaskStatus, number>> = {};
      for (const r of q.all('count_tasks', project)) tasks[str(r['status']) as TaskStatus] = num(r['n']);
      const leases: Partial<Record<LeaseKind, number>> = {};
      for (const r of q.all('count_live_leases', project, now)) leases[str(r['kind']) as LeaseKind] = num(r['n']);
      const header = q.one('get_header', project);
      return { tasks, leases, waiters: num(q.one('count_waiters', project, now)?.['n'] ?? 0), lastEventId: header ? toHeader(header).lastEventId : 0 };
    }),
    getDoc: (project, kind, id) => guard(() => {
      const row = q.one('get_doc', project, kind, id);
      return row ? toDoc(row) : null;
    }),
    listDocs: (project, kind, filter, limit) => guard(() => {
      const { name, params } = docQuery(project, { ...filter, kind, limit });
      return q.all(name, params).map(toDoc);
    }),
    listProjects: () => guard(() => q.all('list_projects').map((r) => str(r['id']))),
    projectExists: (project) => guard(() => q.one('project_exists', project) !== undefined),
  };
}
