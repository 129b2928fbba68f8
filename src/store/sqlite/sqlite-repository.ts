/**
 * @module The Repository over one better-sqlite3 connection: row queries and the
 * mapping between rows and domain records. Called only inside the transactions
 * opened by sqlite-store.ts.
 */
import type { Database, Statement } from 'better-sqlite3';
import { lockAncestors } from '../../core/leases/lock-name.js';
import type { Task } from '../../core/tasks/task.js';
import type { Repository, SequenceName } from '../transactional/repository.js';
import { createRowMappers, num, str, type Row } from '../transactional/rows.js';
import { toAsync, type SyncRepository } from '../transactional/sync-repository.js';

const json = (value: unknown): string => JSON.stringify(value);

// JSON columns are TEXT; SQL NULL stays null.
const parse = (raw: unknown): unknown => (raw === null || raw === undefined ? null : JSON.parse(raw as string));
const { toMember, toLease, toWaiter, toTask, toState, toEvent } = createRowMappers(parse);

const SEQUENCE_COLUMN: Record<SequenceName, string> = { token: 'seq_token', ticket: 'seq_ticket', task: 'seq_task' };

export function createSqliteRepository(db: Database): Repository {
  return toAsync(createSyncRepository(db));
}

function createSyncRepository(db: Database): SyncRepository {
  const cache = new Map<string, Statement>();
  const stmt = (sql: string): Statement => {
    let s = cache.get(sql);
    if (!s) {
      s = db.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
  const all = (sql: string, ...params: unknown[]): Row[] => stmt(sql).all(...params) as Row[];
  const one = (sql: string, ...params: unknown[]): Row | undefined => stmt(sql).get(...params) as Row | undefined;
  const run = (sql: string, ...params: unknown[]): number => stmt(sql).run(...params).changes;

  const taskParams = (t: Task): unknown[] => [
    t.title, t.description, json(t.dependencies), t.priority, json(t.labels), json(t.files), t.status,
    t.output === null || t.output === undefined ? null : json(t.output), t.error, t.progress, t.attempts,
    t.claim ? json(t.claim) : null, t.claim?.agent ?? null, t.claim?.expiresAt ?? null, t.createdAt, t.updatedAt, t.seq,
    t.project, t.id,
  ];

  return {
    ensureProject(project, now) {
      run('INSERT OR IGNORE INTO projects (id, created_at) VALUES (?, ?)', project, now);
    },
    projectExists(project) {
      return one('SELECT 1 AS x FROM projects WHERE id = ?', project) !== undefined;
    },
    listProjects() {
      return all('SELECT id FROM projects ORDER BY id').map((r) => str(r['id']));
    },
    nextSequence(project, name) {
      const column = SEQUENCE_COLUMN[name];
      const row = one(`UPDATE projects SET ${column} = ${column} + 1 WHERE id = ? RETURNING ${column} AS value`, project);
      return num(row?.['value']);
    },
    appendEvent(project, now, e) {
      const row = one('UPDATE projects SET last_event_id = last_event_id + 1 WHERE id = ? RETURNING last_event_id AS id', project);
      const id = num(row?.['id']);
      run('INSERT INTO events (project, id, type, actor, subject, data, at) VALUES (?, ?, ?, ?, ?, ?, ?)', project, id, e.type, e.actor, e.subject, json(e.data), now);
      return { ...e, project, id, at: now };
    },
    readEvents(project, after, limit, types) {
      if (types && types.length > 0) {
        const marks = types.map(() => '?').join(',');
        return all(`SELECT * FROM events WHERE project = ? AND id > ? AND type IN (${marks}) ORDER BY id LIMIT ?`, project, after, ...types, limit).map(toEvent);
      }
      return all('SELECT * FROM events WHERE project = ? AND id > ? ORDER BY id LIMIT ?', project, after, limit).map(toEvent);
    },
    eventBounds(project) {
      const row = one('SELECT last_event_id, oldest_event_id FROM projects WHERE id = ?', project);
      return { lastId: num(row?.['last_event_id'] ?? 0), oldestId: num(row?.['oldest_event_id'] ?? 1) };
    },
    trimEvents(project, keep) {
      const row = one('SELECT last_event_id FROM projects WHERE id = ?', project);
      const floor = num(row?.['last_event_id'] ?? 0) - keep + 1;
      if (floor <= 1) return 0;
      const removed = run('DELETE FROM events WHERE project = ? AND id < ?', project, floor);
      run('UPDATE projects SET oldest_event_id = MAX(oldest_event_id, ?) WHERE id = ?', floor, project);
      return removed;
    },

    getRequest(project, requestId) {
      const row = one('SELECT result FROM requests WHERE project = ? AND request_id = ?', project, requestId);
      return row ? { result: parse(row['result']) } : null;
    },
    putRequest(project, requestId, result, now) {
      run('INSERT OR REPLACE INTO requests (project, request_id, result, created_at) VALUES (?, ?, ?, ?)', project, requestId, json(result ?? null), now);
    },
    purgeRequests(project, before) {
      run('DELETE FROM requests WHERE project = ? AND created_at < ?', project, before);
    },

    getMember(project, id) {
      const row = one('SELECT * FROM members WHERE project = ? AND id = ?', project, id);
      return row ? toMember(row) : null;
    },
    putMember(m) {
      run(
        `INSERT OR REPLACE INTO members (project, id, name, kind, modules, metadata, activity, current_file, registered_at, last_heartbeat, ended_at, end_reason, service)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        m.project, m.id, m.name, m.kind, json(m.modules), json(m.metadata), m.activity, m.currentFile, m.registeredAt, m.lastHeartbeat, m.endedAt, m.endReason,
        m.service ? json(m.service) : null,
      );
    },
    listMembers(project, kind) {
      const rows = kind
        ? all('SELECT * FROM members WHERE project = ? AND kind = ? ORDER BY registered_at, id', project, kind)
        : all('SELECT * FROM members WHERE project = ? ORDER BY registered_at, id', project);
      return rows.map(toMember);
    },
    listSilentMembers(project, before) {
      return all('SELECT * FROM members WHERE project = ? AND end_reason IS NULL AND last_heartbeat < ?', project, before).map(toMember);
    },

    getLease(project, id) {
      const row = one('SELECT * FROM leases WHERE project = ? AND id = ?', project, id);
      return row ? toLease(row) : null;
    },
    listLeases(project, kind) {
      const rows = kind ? all('SELECT * FROM leases WHERE project = ? AND kind = ? ORDER BY token', project, kind) : all('SELECT * FROM leases WHERE project = ? ORDER BY token', project);
      return rows.map(toLease);
    },
    listLeasesOn(project, kind, resource) {
      if (kind === 'files') return all('SELECT * FROM leases WHERE project = ? AND kind = ?', project, kind).map(toLease);
      // Descendants are the names starting with `resource:` or `resource.`: ':' < ';' and '.' < '/' bound those ranges.
      const ancestors = lockAncestors(resource);
      const marks = ancestors.map(() => '?').join(',');
      return all(
        `SELECT * FROM leases WHERE project = ? AND kind = ? AND (resource = ?${ancestors.length > 0 ? ` OR resource IN (${marks})` : ''}
           OR (resource > ? AND resource < ?) OR (resource > ? AND resource < ?))`,
        project, kind, resource, ...ancestors, `${resource}:`, `${resource};`, `${resource}.`, `${resource}/`,
      ).map(toLease);
    },
    listLeasesOfHolder(project, holder) {
      return all('SELECT * FROM leases WHERE project = ? AND holder = ? ORDER BY token', project, holder).map(toLease);
    },
    insertLease(l) {
      run(
        `INSERT OR REPLACE INTO leases (project, id, kind, resource, paths, holder, mode, holder_limit, token, acquired_at, expires_at, ttl_ms, reason)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        l.project, l.id, l.kind, l.resource, json(l.paths), l.holder, l.mode, l.limit, l.token, l.acquiredAt, l.expiresAt, l.ttlMs, l.reason,
      );
    },
    updateLeaseExpiry(project, id, expiresAt, ttlMs) {
      run('UPDATE leases SET expires_at = ?, ttl_ms = ? WHERE project = ? AND id = ?', expiresAt, ttlMs, project, id);
    },
    deleteLease(project, id) {
      run('DELETE FROM leases WHERE project = ? AND id = ?', project, id);
    },
    listWaiters(project, kind) {
      const rows = kind ? all('SELECT * FROM waiters WHERE project = ? AND kind = ? ORDER BY ticket', project, kind) : all('SELECT * FROM waiters WHERE project = ? ORDER BY ticket', project);
      return rows.map(toWaiter);
    },
    insertWaiter(w) {
      run('INSERT INTO waiters (project, ticket, kind, holder, request, enqueued_at, deadline) VALUES (?, ?, ?, ?, ?, ?, ?)', w.project, w.ticket, w.request.kind, w.request.holder, json(w.request), w.enqueuedAt, w.deadline);
    },
    deleteWaiter(project, ticket) {
      return run('DELETE FROM waiters WHERE project = ? AND ticket = ?', project, ticket) > 0;
    },

    getTask(project, id) {
      const row = one('SELECT * FROM tasks WHERE project = ? AND id = ?', project, id);
      return row ? toTask(row) : null;
    },
    insertTask(t) {
      run(
        `INSERT INTO tasks (title, description, dependencies, priority, labels, files, status, output, error, progress, attempts, claim, claim_agent, claim_expires_at, created_at, updated_at, seq, project, id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ...taskParams(t),
      );
      for (const dep of t.dependencies) run('INSERT OR IGNORE INTO task_dependencies (project, depends_on, task_id) VALUES (?, ?, ?)', t.project, dep, t.id);
    },
    updateTask(t) {
      run(
        `UPDATE tasks SET title = ?, description = ?, dependencies = ?, priority = ?, labels = ?, files = ?, status = ?, output = ?, error = ?, progress = ?, attempts = ?,
         claim = ?, claim_agent = ?, claim_expires_at = ?, created_at = ?, updated_at = ?, seq = ? WHERE project = ? AND id = ?`,
        ...taskParams(t),
      );
    },
    listTasks(project, query) {
      const where = ['project = ?'];
      const params: unknown[] = [project];
      if (query.status && query.status.length > 0) {
        where.push(`status IN (${query.status.map(() => '?').join(',')})`);
        params.push(...query.status);
      }
      const rows = all(`SELECT * FROM tasks WHERE ${where.join(' AND ')} ORDER BY seq`, ...params).map(toTask);
      const labels = query.labels;
      const filtered = labels && labels.length > 0 ? rows.filter((t) => labels.every((l) => t.labels.includes(l))) : rows;
      return filtered.slice(0, query.limit);
    },
    listReadyTasks(project, limit) {
      return all("SELECT * FROM tasks WHERE project = ? AND status = 'ready' ORDER BY priority DESC, seq LIMIT ?", project, limit).map(toTask);
    },
    listDependants(project, id) {
      return all('SELECT t.* FROM task_dependencies d JOIN tasks t ON t.project = d.project AND t.id = d.task_id WHERE d.project = ? AND d.depends_on = ?', project, id).map(toTask);
    },
    listClaimedTasks(project, filter) {
      if (filter.agent !== undefined) return all("SELECT * FROM tasks WHERE project = ? AND status = 'claimed' AND claim_agent = ?", project, filter.agent).map(toTask);
      return all("SELECT * FROM tasks WHERE project = ? AND status = 'claimed' AND claim_expires_at <= ?", project, filter.expiredBy ?? Number.MAX_SAFE_INTEGER).map(toTask);
    },

    getState(project, scope, key) {
      const row = one('SELECT * FROM state WHERE project = ? AND scope = ? AND key = ?', project, scope, key);
      return row ? toState(row) : null;
    },
    putState(e) {
      run(
        'INSERT OR REPLACE INTO state (project, scope, key, value, version, updated_at, updated_by, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        e.project, e.scope, e.key, json(e.value), e.version, e.updatedAt, e.updatedBy, e.expiresAt,
      );
    },
    deleteState(project, scope, key) {
      return run('DELETE FROM state WHERE project = ? AND scope = ? AND key = ?', project, scope, key) > 0;
    },
    listState(project, scope, prefix, limit) {
      return all("SELECT * FROM state WHERE project = ? AND scope = ? AND substr(key, 1, length(?)) = ? ORDER BY key LIMIT ?", project, scope, prefix, prefix, limit).map(toState);
    },
    listScopes(project, now) {
      return all('SELECT scope, COUNT(*) AS keys FROM state WHERE project = ? AND (expires_at IS NULL OR expires_at > ?) GROUP BY scope ORDER BY scope', project, now).map((r) => ({
        scope: str(r['scope']),
        keys: num(r['keys']),
      }));
    },
    deleteScope(project, scope) {
      return run('DELETE FROM state WHERE project = ? AND scope = ?', project, scope);
    },
    listExpiredState(project, now) {
      return all('SELECT * FROM state WHERE project = ? AND expires_at IS NOT NULL AND expires_at <= ?', project, now).map(toState);
    },
  };
}
