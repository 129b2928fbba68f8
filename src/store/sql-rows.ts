/**
 * @module Row ↔ record mapping shared by the SQL engines. Columns have the same
 * names in SQLite and PostgreSQL; only JSON columns differ (SQLite returns text,
 * pg returns `json` columns parsed), so each engine passes its JSON decoder.
 */
import type { BatonEvent } from '../core/events/event.js';
import type { Lease, LeaseKind, Waiter } from '../core/leases/lease.js';
import type { Member } from '../core/presence/member.js';
import type { StateEntry } from '../core/state/entry.js';
import type { Task } from '../core/tasks/task.js';
import type { Doc } from '../core/consult/doc.js';
import type { Header } from './step/header.js';
import type { RequestRecord } from './step/tables.js';

export type Row = Record<string, unknown>;

export interface RowMappers {
  toMember: (r: Row) => Member;
  toLease: (r: Row) => Lease;
  toWaiter: (r: Row) => Waiter;
  toTask: (r: Row) => Task;
  toState: (r: Row) => StateEntry;
  toEvent: (r: Row) => BatonEvent;
  toRequest: (r: Row) => RequestRecord;
  toDoc: (r: Row) => Doc;
}

/** The header columns of the projects table. */
export const toHeader = (r: Row): Header => ({
  rev: num(r['rev']),
  createdAt: num(r['created_at']),
  token: num(r['seq_token']),
  ticket: num(r['seq_ticket']),
  taskSeq: num(r['seq_task']),
  lastEventId: num(r['last_event_id']),
  oldestEventId: num(r['oldest_event_id']),
});

// Integers may come back as strings (pg BIGINT); NULL stays null.
export const num = (v: unknown): number => Number(v);
const optNum = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
export const str = (v: unknown): string => v as string;
const optStr = (v: unknown): string | null => (v === null || v === undefined ? null : (v as string));

/** `decode` turns a JSON column's raw value into its value (SQL NULL → null). */
export function createRowMappers(decode: (raw: unknown) => unknown): RowMappers {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- rows are typed by the caller's record
  const json = <T>(raw: unknown): T => decode(raw) as T;
  return {
    toMember: (r) => ({
      project: str(r['project']),
      id: str(r['id']),
      name: str(r['name']),
      kind: r['kind'] as Member['kind'],
      modules: json(r['modules']),
      metadata: json(r['metadata']),
      activity: r['activity'] as Member['activity'],
      currentFile: optStr(r['current_file']),
      registeredAt: num(r['registered_at']),
      lastHeartbeat: num(r['last_heartbeat']),
      endedAt: optNum(r['ended_at']),
      endReason: r['end_reason'] as Member['endReason'],
      service: json(r['service']),
    }),
    toLease: (r) => ({
      project: str(r['project']),
      id: str(r['id']),
      kind: r['kind'] as LeaseKind,
      resource: str(r['resource']),
      paths: json(r['paths']),
      holder: str(r['holder']),
      mode: r['mode'] as Lease['mode'],
      limit: optNum(r['holder_limit']),
      token: num(r['token']),
      acquiredAt: num(r['acquired_at']),
      expiresAt: num(r['expires_at']),
      ttlMs: num(r['ttl_ms']),
      reason: optStr(r['reason']),
    }),
    toWaiter: (r) => ({
      project: str(r['project']),
      ticket: num(r['ticket']),
      request: json(r['request']),
      enqueuedAt: num(r['enqueued_at']),
      deadline: num(r['deadline']),
      ...(r['active_until'] === null || r['active_until'] === undefined ? {} : { activeUntil: num(r['active_until']) }),
    }),
    toTask: (r) => ({
      project: str(r['project']),
      id: str(r['id']),
      title: str(r['title']),
      description: str(r['description']),
      dependencies: json(r['dependencies']),
      priority: num(r['priority']),
      labels: json(r['labels']),
      files: json(r['files']),
      status: r['status'] as Task['status'],
      output: json(r['output']),
      error: optStr(r['error']),
      progress: optStr(r['progress']),
      attempts: num(r['attempts']),
      claim: json(r['claim']),
      createdAt: num(r['created_at']),
      updatedAt: num(r['updated_at']),
      seq: num(r['seq']),
    }),
    toState: (r) => ({
      project: str(r['project']),
      scope: str(r['scope']),
      key: str(r['key']),
      value: json(r['value']),
      version: num(r['version']),
      updatedAt: num(r['updated_at']),
      updatedBy: optStr(r['updated_by']),
      expiresAt: optNum(r['expires_at']),
    }),
    toEvent: (r) =>
      ({
        project: str(r['project']),
        id: num(r['id']),
        type: str(r['type']),
        actor: optStr(r['actor']),
        subject: str(r['subject']),
        data: json(r['data']),
        at: num(r['at']),
      }) as BatonEvent,
    toRequest: (r) => ({
      caller: str(r['caller']),
      requestId: str(r['request_id']),
      fingerprint: str(r['fingerprint']),
      result: json(r['result']),
      createdAt: num(r['created_at']),
    }),
    toDoc: (r) => ({
      kind: r['kind'] as Doc['kind'],
      id: str(r['id']),
      owner: optStr(r['owner']),
      status: str(r['status']),
      sort: num(r['sort']),
      expiresAt: optNum(r['expires_at']),
      body: json(r['body']),
    }),
  };
}
