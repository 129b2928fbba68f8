/**
 * @module The Repository over one PostgreSQL connection: row queries and the
 * mapping between rows and domain records. Called only inside the transactions
 * opened by postgres-store.ts, on a connection whose search_path is the store's schema.
 */
import { lockAncestors } from '../../core/leases/lock-name.js';
import type { Task } from '../../core/tasks/task.js';
import type { Repository, SequenceName } from '../transactional/repository.js';
import { createRowMappers, num, str, type Row } from '../transactional/rows.js';


/** The part of a pg client the repository uses. */
export interface Queryable {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: Row[]; rowCount: number | null }>;
}

// `json` columns come back parsed by pg; BIGINT comes back as a string.
const json = (value: unknown): string => JSON.stringify(value);

const { toMember, toLease, toWaiter, toTask, toState, toEvent } = createRowMappers((raw) => raw ?? null);

const SEQUENCE_COLUMN: Record<SequenceName, string> = { token: 'seq_token', ticket: 'seq_ticket', task: 'seq_task' };

// Every distinct statement gets one name, so each connection parses it once and
// reuses the plan (pg prepares a named statement on first use per connection).
const statementNames = new Map<string, string>();
const nameOf = (text: string): string => {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `baton_${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return name;
};

const TASK_COLUMNS = 'title, description, dependencies, priority, labels, files, status, output, error, progress, attempts, claim, claim_agent, claim_expires_at, created_at, updated_at, seq, project, id';

export function createPostgresRepository(db: Queryable): Repository {
  const all = async (text: string, ...values: unknown[]): Promise<Row[]> => (await db.query({ name: nameOf(text), text, values })).rows;
  const one = async (text: string, ...values: unknown[]): Promise<Row | undefined> => (await all(text, ...values))[0];
  const run = async (text: string, ...values: unknown[]): Promise<number> => (await db.query({ name: nameOf(text), text, values })).rowCount ?? 0;

  const taskParams = (t: Task): unknown[] => [
    t.title, t.description, json(t.dependencies), t.priority, json(t.labels), json(t.files), t.status,
    t.output === null || t.output === undefined ? null : json(t.output), t.error, t.progress, t.attempts,
    t.claim ? json(t.claim) : null, t.claim?.agent ?? null, t.claim?.expiresAt ?? null, t.createdAt, t.updatedAt, t.seq,
    t.project, t.id,
  ];

  return {
    async ensureProject(project, now) {
      await run('INSERT INTO projects (id, created_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', project, now);
    },
    async projectExists(project) {
      return (await one('SELECT 1 AS x FROM projects WHERE id = $1', project)) !== undefined;
    },
    async listProjects() {
      return (await all('SELECT id FROM projects ORDER BY id')).map((r) => str(r['id']));
    },
    async nextSequence(project, name) {
      const column = SEQUENCE_COLUMN[name];
      const row = await one(`UPDATE projects SET ${column} = ${column} + 1 WHERE id = $1 RETURNING ${column} AS value`, project);
      return num(row?.['value']);
    },
    async appendEvent(project, now, e) {
      // One round trip: bump the project's counter and insert the event under it.
      const row = await one(
        `WITH next AS (UPDATE projects SET last_event_id = last_event_id + 1 WHERE id = $1 RETURNING last_event_id AS id)
         INSERT INTO events (project, id, type, actor, subject, data, at) SELECT $1::text, next.id, $2::text, $3::text, $4::text, $5::json, $6::bigint FROM next RETURNING id`,
        project, e.type, e.actor, e.subject, json(e.data), now,
      );
      return { ...e, project, id: num(row?.['id']), at: now };
    },
    async readEvents(project, after, limit, types) {
      if (types && types.length > 0) {
        return (await all('SELECT * FROM events WHERE project = $1 AND id > $2 AND type = ANY($3::text[]) ORDER BY id LIMIT $4', project, after, types, limit)).map(toEvent);
      }
      return (await all('SELECT * FROM events WHERE project = $1 AND id > $2 ORDER BY id LIMIT $3', project, after, limit)).map(toEvent);
    },
    async eventBounds(project) {
      const row = await one('SELECT last_event_id, oldest_event_id FROM projects WHERE id = $1', project);
      return { lastId: num(row?.['last_event_id'] ?? 0), oldestId: num(row?.['oldest_event_id'] ?? 1) };
    },
    async trimEvents(project, keep) {
      const row = await one('SELECT last_event_id FROM projects WHERE id = $1', project);
      const floor = num(row?.['last_event_id'] ?? 0) - keep + 1;
      if (floor <= 1) return 0;
      const removed = await run('DELETE FROM events WHERE project = $1 AND id < $2', project, floor);
      await run('UPDATE projects SET oldest_event_id = GREATEST(oldest_event_id, $1) WHERE id = $2', floor, project);
      return removed;
    },

    async getRequest(project, requestId) {
      const row = await one('SELECT result FROM requests WHERE project = $1 AND request_id = $2', project, requestId);
      return row ? { result: row['result'] } : null;
    },
    async putRequest(project, requestId, result, now) {
      await run(
        `INSERT INTO requests (project, request_id, result, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (project, request_id) DO UPDATE SET result = EXCLUDED.result, created_at = EXCLUDED.created_at`,
        project, requestId, json(result ?? null), now,
      );
    },
    async purgeRequests(project, before) {
      await run('DELETE FROM requests WHERE project = $1 AND created_at < $2', project, before);
    },

    async getMember(project, id) {
      const row = await one('SELECT * FROM members WHERE project = $1 AND id = $2', project, id);
      return row ? toMember(row) : null;
    },
    async putMember(m) {
      await run(
        `INSERT INTO members (project, id, name, kind, modules, metadata, activity, current_file, registered_at, last_heartbeat, ended_at, end_reason, service)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (project, id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, modules = EXCLUDED.modules, metadata = EXCLUDED.metadata,
           activity = EXCLUDED.activity, current_file = EXCLUDED.current_file, registered_at = EXCLUDED.registered_at, last_heartbeat = EXCLUDED.last_heartbeat,
           ended_at = EXCLUDED.ended_at, end_reason = EXCLUDED.end_reason, service = EXCLUDED.service`,
        m.project, m.id, m.name, m.kind, json(m.modules), json(m.metadata), m.activity, m.currentFile, m.registeredAt, m.lastHeartbeat, m.endedAt, m.endReason,
        m.service ? json(m.service) : null,
      );
    },
    async listMembers(project, kind) {
      const rows = kind
        ? await all('SELECT * FROM members WHERE project = $1 AND kind = $2 ORDER BY registered_at, id', project, kind)
        : await all('SELECT * FROM members WHERE project = $1 ORDER BY registered_at, id', project);
      return rows.map(toMember);
    },
    async listSilentMembers(project, before) {
      return (await all('SELECT * FROM members WHERE project = $1 AND end_reason IS NULL AND last_heartbeat < $2', project, before)).map(toMember);
    },

    async getLease(project, id) {
      const row = await one('SELECT * FROM leases WHERE project = $1 AND id = $2', project, id);
      return row ? toLease(row) : null;
    },
    async listLeases(project, kind) {
      const rows = kind
        ? await all('SELECT * FROM leases WHERE project = $1 AND kind = $2 ORDER BY token', project, kind)
        : await all('SELECT * FROM leases WHERE project = $1 ORDER BY token', project);
      return rows.map(toLease);
    },
    async listLeasesOn(project, kind, resource) {
      if (kind === 'files') return (await all('SELECT * FROM leases WHERE project = $1 AND kind = $2', project, kind)).map(toLease);
      // Descendants are the names starting with `resource:` or `resource.`: ':' < ';' and '.' < '/' bound those ranges (C collation).
      const rows = await all(
        `SELECT * FROM leases WHERE project = $1 AND kind = $2 AND (resource = $3 OR resource = ANY($4::text[])
           OR (resource > $5 AND resource < $6) OR (resource > $7 AND resource < $8))`,
        project, kind, resource, lockAncestors(resource), `${resource}:`, `${resource};`, `${resource}.`, `${resource}/`,
      );
      return rows.map(toLease);
    },
    async listLeasesOfHolder(project, holder) {
      return (await all('SELECT * FROM leases WHERE project = $1 AND holder = $2 ORDER BY token', project, holder)).map(toLease);
    },
    async insertLease(l) {
      await run(
        `INSERT INTO leases (project, id, kind, resource, paths, holder, mode, holder_limit, token, acquired_at, expires_at, ttl_ms, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (project, id) DO UPDATE SET kind = EXCLUDED.kind, resource = EXCLUDED.resource, paths = EXCLUDED.paths, holder = EXCLUDED.holder,
           mode = EXCLUDED.mode, holder_limit = EXCLUDED.holder_limit, token = EXCLUDED.token, acquired_at = EXCLUDED.acquired_at,
           expires_at = EXCLUDED.expires_at, ttl_ms = EXCLUDED.ttl_ms, reason = EXCLUDED.reason`,
        l.project, l.id, l.kind, l.resource, json(l.paths), l.holder, l.mode, l.limit, l.token, l.acquiredAt, l.expiresAt, l.ttlMs, l.reason,
      );
    },
    async updateLeaseExpiry(project, id, expiresAt, ttlMs) {
      await run('UPDATE leases SET expires_at = $1, ttl_ms = $2 WHERE project = $3 AND id = $4', expiresAt, ttlMs, project, id);
    },
    async deleteLease(project, id) {
      await run('DELETE FROM leases WHERE project = $1 AND id = $2', project, id);
    },
    async listWaiters(project, kind) {
      const rows = kind
        ? await all('SELECT * FROM waiters WHERE project = $1 AND kind = $2 ORDER BY ticket', project, kind)
        : await all('SELECT * FROM waiters WHERE project = $1 ORDER BY ticket', project);
      return rows.map(toWaiter);
    },
    async insertWaiter(w) {
      await run(
        'INSERT INTO waiters (project, ticket, kind, holder, request, enqueued_at, deadline) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        w.project, w.ticket, w.request.kind, w.request.holder, json(w.request), w.enqueuedAt, w.deadline,
      );
    },
    async deleteWaiter(project, ticket) {
      return (await run('DELETE FROM waiters WHERE project = $1 AND ticket = $2', project, ticket)) > 0;
    },

    async getTask(project, id) {
      const row = await one('SELECT * FROM tasks WHERE project = $1 AND id = $2', project, id);
      return row ? toTask(row) : null;
    },
    async insertTask(t) {
      await run(`INSERT INTO tasks (${TASK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`, ...taskParams(t));
      if (t.dependencies.length > 0) {
        await run(
          'INSERT INTO task_dependencies (project, depends_on, task_id) SELECT $1::text, d, $3::text FROM unnest($2::text[]) AS d ON CONFLICT DO NOTHING',
          t.project, t.dependencies, t.id,
        );
      }
    },
    async updateTask(t) {
      await run(
        `UPDATE tasks SET title = $1, description = $2, dependencies = $3, priority = $4, labels = $5, files = $6, status = $7, output = $8, error = $9, progress = $10,
         attempts = $11, claim = $12, claim_agent = $13, claim_expires_at = $14, created_at = $15, updated_at = $16, seq = $17 WHERE project = $18 AND id = $19`,
        ...taskParams(t),
      );
    },
    async listTasks(project, query) {
      const rows = query.status && query.status.length > 0
        ? await all('SELECT * FROM tasks WHERE project = $1 AND status = ANY($2::text[]) ORDER BY seq', project, query.status)
        : await all('SELECT * FROM tasks WHERE project = $1 ORDER BY seq', project);
      const tasks = rows.map(toTask);
      const labels = query.labels;
      const filtered = labels && labels.length > 0 ? tasks.filter((t) => labels.every((l) => t.labels.includes(l))) : tasks;
      return filtered.slice(0, query.limit);
    },
    async listReadyTasks(project, limit) {
      // No SKIP LOCKED / FOR UPDATE: the per-project advisory lock taken by every
      // write transaction already serialises claims, so row locks would add nothing.
      return (await all("SELECT * FROM tasks WHERE project = $1 AND status = 'ready' ORDER BY priority DESC, seq LIMIT $2", project, limit)).map(toTask);
    },
    async listDependants(project, id) {
      return (
        await all('SELECT t.* FROM task_dependencies d JOIN tasks t ON t.project = d.project AND t.id = d.task_id WHERE d.project = $1 AND d.depends_on = $2 ORDER BY t.seq', project, id)
      ).map(toTask);
    },
    async listClaimedTasks(project, filter) {
      if (filter.agent !== undefined) return (await all("SELECT * FROM tasks WHERE project = $1 AND status = 'claimed' AND claim_agent = $2 ORDER BY seq", project, filter.agent)).map(toTask);
      return (
        await all("SELECT * FROM tasks WHERE project = $1 AND status = 'claimed' AND claim_expires_at <= $2 ORDER BY seq", project, filter.expiredBy ?? Number.MAX_SAFE_INTEGER)
      ).map(toTask);
    },

    async getState(project, scope, key) {
      const row = await one('SELECT * FROM state WHERE project = $1 AND scope = $2 AND key = $3', project, scope, key);
      return row ? toState(row) : null;
    },
    async putState(e) {
      await run(
        `INSERT INTO state (project, scope, key, value, version, updated_at, updated_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (project, scope, key) DO UPDATE SET value = EXCLUDED.value, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at,
           updated_by = EXCLUDED.updated_by, expires_at = EXCLUDED.expires_at`,
        e.project, e.scope, e.key, json(e.value), e.version, e.updatedAt, e.updatedBy, e.expiresAt,
      );
    },
    async deleteState(project, scope, key) {
      return (await run('DELETE FROM state WHERE project = $1 AND scope = $2 AND key = $3', project, scope, key)) > 0;
    },
    async listState(project, scope, prefix, limit) {
      return (await all('SELECT * FROM state WHERE project = $1 AND scope = $2 AND starts_with(key, $3) ORDER BY key LIMIT $4', project, scope, prefix, limit)).map(toState);
    },
    async listScopes(project, now) {
      const rows = await all('SELECT scope, COUNT(*) AS keys FROM state WHERE project = $1 AND (expires_at IS NULL OR expires_at > $2) GROUP BY scope ORDER BY scope', project, now);
      return rows.map((r) => ({ scope: str(r['scope']), keys: num(r['keys']) }));
    },
    async deleteScope(project, scope) {
      return run('DELETE FROM state WHERE project = $1 AND scope = $2', project, scope);
    },
    async listExpiredState(project, now) {
      return (await all('SELECT * FROM state WHERE project = $1 AND expires_at IS NOT NULL AND expires_at <= $2 ORDER BY scope, key', project, now)).map(toState);
    },
  };
}
