/**
 * @module A plan as the JSON document apply_plan (migrations/0003_steps.sql, last defined in 0007)
 * takes: one array of rows per table and kind of change, keyed by column name,
 * so the function writes each with one set-based statement. Values that may be a
 * JSON null (a state value, a recorded result) travel as JSON text.
 */
import type { Plan } from '../step/plan.js';

type Json = Record<string, unknown>;

export function encodePlan(plan: Plan): string {
  const { project } = plan;
  const doc: Json = { header: plan.header, creates: plan.creates, trim_below: plan.trimBelow };
  const list = (name: string, rows: unknown[]): void => {
    if (rows.length > 0) doc[name] = rows;
  };
  const members: Json[] = [];
  for (const [, m] of plan.changes.member) {
    if (!m) throw new Error('A plan deleted a member, which the PostgreSQL engine never deletes.');
    members.push({
      project, id: m.id, name: m.name, kind: m.kind, modules: m.modules, metadata: m.metadata, activity: m.activity, current_file: m.currentFile,
      registered_at: m.registeredAt, last_heartbeat: m.lastHeartbeat, ended_at: m.endedAt, end_reason: m.endReason, service: m.service,
    });
  }
  list('members', members);
  const leases: Json[] = [];
  const leasesDeleted: string[] = [];
  for (const [id, l] of plan.changes.lease) {
    if (!l) leasesDeleted.push(id);
    else {
      leases.push({
        project, id: l.id, kind: l.kind, resource: l.resource, paths: l.paths, holder: l.holder, mode: l.mode, holder_limit: l.limit, token: l.token,
        acquired_at: l.acquiredAt, expires_at: l.expiresAt, ttl_ms: l.ttlMs, reason: l.reason,
      });
    }
  }
  list('leases', leases);
  list('leases_deleted', leasesDeleted);
  const waiters: Json[] = [];
  const waitersDeleted: string[] = [];
  for (const [ticket, w] of plan.changes.waiter) {
    if (!w) waitersDeleted.push(ticket);
    else waiters.push({ project, ticket: w.ticket, kind: w.request.kind, holder: w.request.holder, request: w.request, enqueued_at: w.enqueuedAt, deadline: w.deadline, active_until: w.activeUntil ?? null });
  }
  list('waiters', waiters);
  list('waiters_deleted', waitersDeleted);
  const tasks: Json[] = [];
  const dependencies: Json[] = [];
  for (const [, t] of plan.changes.task) {
    if (!t) throw new Error('A plan deleted a task, which the PostgreSQL engine never deletes.');
    tasks.push({
      project, id: t.id, title: t.title, description: t.description, dependencies: t.dependencies, priority: t.priority, labels: t.labels, files: t.files,
      status: t.status, output: t.output ?? null, error: t.error, progress: t.progress, attempts: t.attempts, claim: t.claim, claim_agent: t.claim?.agent ?? null,
      claim_expires_at: t.claim?.expiresAt ?? null, created_at: t.createdAt, updated_at: t.updatedAt, seq: t.seq,
    });
    // A task numbered by this plan is new: its dependency edges are written once, with it.
    if (t.seq > plan.base.taskSeq) for (const dep of t.dependencies) dependencies.push({ project, depends_on: dep, task_id: t.id });
  }
  list('tasks', tasks);
  list('dependencies', dependencies);
  const state: Json[] = [];
  const stateDeleted: Json[] = [];
  for (const [key, e] of plan.changes.state) {
    if (e) state.push({ project, scope: e.scope, key: e.key, value: JSON.stringify(e.value), version: e.version, updated_at: e.updatedAt, updated_by: e.updatedBy, expires_at: e.expiresAt });
    else {
      const [scope = '', name = ''] = key.split('\u0000');
      stateDeleted.push({ scope, key: name });
    }
  }
  list('state', state);
  list('state_deleted', stateDeleted);
  const requests: Json[] = [];
  for (const [, r] of plan.changes.request) {
    if (r) requests.push({ project, caller: r.caller, request_id: r.requestId, fingerprint: r.fingerprint, result: JSON.stringify(r.result), created_at: r.createdAt });
  }
  list('requests', requests);
  const docs: Json[] = [];
  const docsDeleted: Json[] = [];
  for (const [key, d] of plan.changes.doc) {
    if (d) docs.push({ kind: d.kind, id: d.id, owner: d.owner, status: d.status, sort: d.sort, expires_at: d.expiresAt, body: d.body });
    else {
      const [kind = '', id = ''] = key.split('\u0000');
      docsDeleted.push({ kind, id });
    }
  }
  list('docs', docs);
  list('docs_deleted', docsDeleted);
  list('events', plan.events.map((e) => ({ project, id: e.id, type: e.type, actor: e.actor, subject: e.subject, data: e.data, at: e.at })));
  return JSON.stringify(doc);
}
