/**
 * @module The SQLite engine's two halves of a step: answering its reads with
 * synchronous queries, and applying a plan with one statement per changed row
 * (microseconds each in process; no set-based batching is needed here).
 */
import { CoordinationError } from '../../core/errors.js';
import { lockAncestors } from '../../core/leases/lock-name.js';
import type { DocFilter } from '../../core/consult/doc.js';
import type { Task } from '../../core/tasks/task.js';
import type { Plan } from '../step/plan.js';
import type { Read } from '../step/reads.js';
import type { SyncSource } from '../step/runner.js';
import { toHeader } from '../sql-rows.js';
import { json, mappers, type SqliteStatements, type StatementName } from './sqlite-statements.js';

const { toMember, toLease, toWaiter, toTask, toState, toRequest, toDoc, toEvent } = mappers;

/** The statement of a docs read (one index range per shape of filter) and its named parameters (an absent bound is the widest). */
export function docQuery(project: string, r: DocFilter & { kind: string; limit?: number | undefined }): { name: StatementName; params: Record<string, unknown> } {
  const name: StatementName = r.owner !== undefined ? (r.status !== undefined ? 'list_docs_of_owner_status' : 'list_docs_of_owner') : r.status !== undefined ? 'list_docs_of_status' : 'list_docs';
  return { name, params: { project, kind: r.kind, owner: r.owner ?? null, status: r.status ?? null, from: r.from ?? Number.MIN_SAFE_INTEGER, to: r.to ?? Number.MAX_SAFE_INTEGER, limit: r.limit ?? -1 } };
}

/** The SQLite source, with `reset` to call when a batch begins: the database does not change during a batch, so its reads are remembered until the next. */
export function createSqliteSource(q: SqliteStatements): SyncSource & { reset(): void } {
  const memo = new Map<string, unknown>();
  const query = (project: string, r: Read): unknown => {
    switch (r.t) {
      case 'request': {
        const row = q.one('get_request', project, r.caller, r.id);
        return row ? toRequest(row) : null;
      }
      case 'member': {
        const row = q.one('get_member', project, r.id);
        return row ? toMember(row) : null;
      }
      case 'members':
        return (r.kind ? q.all('list_members_of_kind', project, r.kind) : q.all('list_members', project)).map(toMember);
      case 'silentMembers':
        return q.all('list_silent_members', project, r.before).map(toMember);
      case 'lease': {
        const row = q.one('get_lease', project, r.id);
        return row ? toLease(row) : null;
      }
      case 'leasesOn':
        return (r.kind === 'files' ? q.all('list_leases_of_kind', project, 'files') : q.all('list_leases_on', { project, kind: r.kind, resource: r.resource, ancestors: json(lockAncestors(r.resource)) })).map(toLease);
      case 'leases':
        return (r.kind ? q.all('list_leases_of_kind', project, r.kind) : q.all('list_leases', project)).map(toLease);
      case 'leasesOf':
        return q.all('list_leases_of_holder', project, r.holder).map(toLease);
      case 'waiters':
        return (r.kind ? q.all('list_waiters_of_kind', project, r.kind) : q.all('list_waiters', project)).map(toWaiter);
      case 'task': {
        const row = q.one('get_task', project, r.id);
        return row ? toTask(row) : null;
      }
      case 'readyTasks':
        return q.all('list_ready_tasks', project, r.limit).map(toTask);
      case 'claimedTasks':
        return (r.agent !== undefined ? q.all('list_claims_of_agent', project, r.agent) : q.all('list_lapsed_claims', project, r.expiredBy ?? Number.MAX_SAFE_INTEGER)).map(toTask);
      case 'dependants':
        return q.all('list_dependants', project, r.id).map(toTask);
      case 'state': {
        const row = q.one('get_state', project, r.scope, r.key);
        return row ? toState(row) : null;
      }
      case 'scope':
        return q.all('list_scope', project, r.scope).map(toState);
      case 'expiredState':
        return q.all('list_expired_state', project, r.now).map(toState);
      case 'doc': {
        const row = q.one('get_doc', project, r.kind, r.id);
        return row ? toDoc(row) : null;
      }
      case 'docs': {
        const { name, params } = docQuery(project, r);
        return q.all(name, params).map(toDoc);
      }
      case 'dueDocs':
        return q.all('list_due_docs', project, r.now, r.limit).map(toDoc);
      case 'events':
        return q.all('read_events', project, r.after, r.limit).map(toEvent);
    }
  };
  /**
   * The best ready tasks, from one growing read per batch: each claim of a batch asks for one
   * more than the batch has claimed so far, so the rows are fetched in doubling pages and sliced.
   */
  const ready = new Map<string, { rows: Task[]; complete: boolean }>();
  const readyTasks = (project: string, limit: number): Task[] => {
    let page = ready.get(project);
    if (!page || (!page.complete && page.rows.length < limit)) {
      const want = Math.max(limit, 2 * (page?.rows.length ?? 0), 16);
      const rows = q.all('list_ready_tasks', project, want).map(toTask);
      page = { rows, complete: rows.length < want };
      ready.set(project, page);
    }
    return page.rows.slice(0, limit);
  };
  return {
    reset: () => {
      memo.clear();
      ready.clear();
    },
    header(project) {
      const row = q.one('get_header', project);
      return row ? toHeader(row) : null;
    },
    load(project, r) {
      if (r.t === 'readyTasks') return readyTasks(project, r.limit);
      const key = `${project}\u0000${JSON.stringify(r)}`;
      if (memo.has(key)) return memo.get(key);
      const value = query(project, r);
      memo.set(key, value);
      return value;
    },
  };
}

const unsupported = (what: string): CoordinationError => new CoordinationError('INTERNAL', `A plan deleted a ${what}, which the SQLite engine never deletes.`);

/** Writes a plan's changes, events and header (rev + 1). Runs inside the engine's transaction. */
export function applyPlan(q: SqliteStatements, plan: Plan): void {
  const { project, header: h } = plan;
  const rev = plan.base.rev + 1;
  if (plan.creates) q.run('insert_header', project, rev, h.createdAt, h.token, h.ticket, h.taskSeq, h.lastEventId, h.oldestEventId);
  else q.run('update_header', rev, h.token, h.ticket, h.taskSeq, h.lastEventId, h.oldestEventId, project);
  for (const [, m] of plan.changes.member) {
    if (!m) throw unsupported('member');
    q.run('put_member', project, m.id, m.name, m.kind, json(m.modules), json(m.metadata), m.activity, m.currentFile, m.registeredAt, m.lastHeartbeat, m.endedAt, m.endReason, m.service ? json(m.service) : null);
  }
  for (const [id, l] of plan.changes.lease) {
    if (!l) q.run('delete_lease', project, id);
    else q.run('put_lease', project, l.id, l.kind, l.resource, json(l.paths), l.holder, l.mode, l.limit, l.token, l.acquiredAt, l.expiresAt, l.ttlMs, l.reason);
  }
  for (const [ticket, w] of plan.changes.waiter) {
    if (!w) q.run('delete_waiter', project, Number(ticket));
    else q.run('put_waiter', project, w.ticket, w.request.kind, w.request.holder, json(w.request), w.enqueuedAt, w.deadline, w.activeUntil ?? null);
  }
  for (const [, t] of plan.changes.task) {
    if (!t) throw unsupported('task');
    q.run(
      'put_task', project, t.id, t.title, t.description, json(t.dependencies), t.priority, json(t.labels), json(t.files), t.status,
      t.output === null || t.output === undefined ? null : json(t.output), t.error, t.progress, t.attempts,
      t.claim ? json(t.claim) : null, t.claim?.agent ?? null, t.claim?.expiresAt ?? null, t.createdAt, t.updatedAt, t.seq,
    );
    // A task numbered by this plan is new: its dependency edges are written once, with it.
    if (t.seq > plan.base.taskSeq) for (const dep of t.dependencies) q.run('put_task_dependency', project, dep, t.id);
  }
  for (const [key, e] of plan.changes.state) {
    if (e) q.run('put_state', project, e.scope, e.key, json(e.value), e.version, e.updatedAt, e.updatedBy, e.expiresAt);
    else {
      const [scope = '', name = ''] = key.split('\u0000');
      q.run('delete_state', project, scope, name);
    }
  }
  for (const [, r] of plan.changes.request) {
    if (!r) throw unsupported('request record');
    q.run('put_request', project, r.caller, r.requestId, r.fingerprint, json(r.result), r.createdAt);
  }
  for (const [key, d] of plan.changes.doc) {
    if (d) q.run('put_doc', project, d.kind, d.id, d.owner, d.status, d.sort, d.expiresAt, json(d.body));
    else {
      const [kind = '', id = ''] = key.split('\u0000');
      q.run('delete_doc', project, kind, id);
    }
  }
  for (const e of plan.events) q.run('put_event', project, e.id, e.type, e.actor, e.subject, json(e.data), e.at);
  if (plan.trimBelow > 0) q.run('trim_events', project, plan.trimBelow);
}
