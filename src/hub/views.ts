/**
 * @module Wire-neutral output shapes (snake_case JSON) of domain records, shared
 * by every surface. Times are ISO-8601 strings.
 */
import type { BatonEvent } from '../core/events/event.js';
import type { Lease, Waiter } from '../core/leases/lease.js';
import { deriveStatus, type Member, type StatusThresholds } from '../core/presence/member.js';
import type { StateEntry } from '../core/state/entry.js';
import type { Task } from '../core/tasks/task.js';

export const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

export function memberView(m: Member, now: number, t: StatusThresholds): Record<string, unknown> {
  return {
    id: m.id,
    name: m.name,
    kind: m.kind,
    status: deriveStatus(m, now, t),
    activity: m.activity,
    current_file: m.currentFile,
    modules: m.modules,
    metadata: m.metadata,
    registered_at: iso(m.registeredAt),
    last_heartbeat: iso(m.lastHeartbeat),
    ...(m.endedAt !== null ? { ended_at: iso(m.endedAt) } : {}),
    ...(m.service
      ? {
          service: {
            version: m.service.version,
            tools: m.service.tools,
            capabilities: m.service.capabilities,
            dependencies: m.service.dependencies,
            health: m.service.health,
            health_detail: m.service.healthDetail,
            health_at: isoOrNull(m.service.healthAt),
          },
        }
      : {}),
  };
}

export function leaseView(l: Lease): Record<string, unknown> {
  return {
    ...(l.kind === 'files' ? { reservation_id: l.resource, paths: l.paths } : { name: l.resource }),
    kind: l.kind,
    holder: l.holder,
    mode: l.mode,
    ...(l.limit !== null ? { limit: l.limit } : {}),
    token: l.token,
    acquired_at: iso(l.acquiredAt),
    expires_at: iso(l.expiresAt),
    ttl_seconds: Math.round(l.ttlMs / 1000),
    reason: l.reason,
  };
}

export function waiterView(w: Waiter): Record<string, unknown> {
  return { ticket: w.ticket, kind: w.request.kind, name: w.request.resource, holder: w.request.holder, mode: w.request.mode, since: iso(w.enqueuedAt) };
}

export function taskView(t: Task): Record<string, unknown> {
  return {
    id: t.id,
    title: t.title,
    description: t.description,
    status: t.status,
    priority: t.priority,
    dependencies: t.dependencies,
    labels: t.labels,
    files: t.files,
    attempts: t.attempts,
    progress: t.progress,
    output: t.output,
    error: t.error,
    claimed_by: t.claim?.agent ?? null,
    ...(t.claim ? { claim_token: t.claim.token, claim_expires_at: iso(t.claim.expiresAt) } : {}),
    created_at: iso(t.createdAt),
    updated_at: iso(t.updatedAt),
  };
}

export function stateView(e: StateEntry, withValue = true): Record<string, unknown> {
  return {
    scope: e.scope,
    key: e.key,
    ...(withValue ? { value: e.value } : {}),
    version: e.version,
    updated_at: iso(e.updatedAt),
    updated_by: e.updatedBy,
    expires_at: isoOrNull(e.expiresAt),
  };
}

export function eventView(e: BatonEvent): Record<string, unknown> {
  return { id: e.id, project: e.project, type: e.type, actor: e.actor, subject: e.subject, data: e.data, at: iso(e.at) };
}
