/**
 * @module The JSON backup file: a header and one snapshot per project, as the
 * Store port exports them. Read back with a strict schema, so a hand-edited,
 * truncated or hostile file is refused with the field at fault before anything
 * is written to a store.
 */
import { z } from 'zod';
import { DOC_KINDS } from '../core/consult/doc.js';
import { EVENT_TYPES } from '../core/events/event.js';
import { TASK_STATUSES } from '../core/tasks/task.js';
import type { ProjectSnapshot } from '../store/store.js';

export const BACKUP_FORMAT = 'baton-backup';
export const BACKUP_VERSION = 1;

export interface BackupFile {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  createdAt: string;
  /** The engine the backup was taken from (any engine restores any backup). */
  engine: string;
  projects: ProjectSnapshot[];
}

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const time = z.number().int().min(0);
const text = z.string().max(100_000);
const strings = z.array(z.string().max(10_000)).max(10_000);
const json = z.unknown();

const member = z.object({
  project: z.string(),
  id: z.string().min(1).max(500),
  name: text,
  kind: z.enum(['agent', 'service']),
  modules: strings,
  metadata: z.record(z.string(), json),
  activity: z.enum(['working', 'waiting', 'idle']),
  currentFile: text.nullable(),
  registeredAt: time,
  lastHeartbeat: time,
  endedAt: time.nullable(),
  endReason: z.enum(['signed_off', 'abandoned']).nullable(),
  service: z
    .object({
      version: text.nullable(),
      tools: strings,
      capabilities: strings,
      dependencies: strings,
      health: z.enum(['healthy', 'degraded', 'unhealthy', 'unknown']),
      healthDetail: text.nullable(),
      healthAt: time.nullable(),
    })
    .nullable(),
});

const lease = z.object({
  id: z.string().min(1).max(2_000),
  project: z.string(),
  kind: z.enum(['lock', 'files', 'slot']),
  resource: z.string().min(1).max(2_000),
  paths: strings,
  holder: z.string().min(1).max(500),
  mode: z.enum(['exclusive', 'shared']),
  limit: count.nullable(),
  token: count,
  acquiredAt: time,
  expiresAt: time,
  ttlMs: count,
  reason: text.nullable(),
});

const task = z.object({
  project: z.string(),
  id: z.string().min(1).max(500),
  title: text,
  description: text,
  dependencies: strings,
  priority: z.number().int(),
  labels: strings,
  files: strings,
  status: z.enum(TASK_STATUSES as [string, ...string[]]),
  output: json,
  error: text.nullable(),
  progress: text.nullable(),
  attempts: count,
  claim: z.object({ agent: z.string().min(1), token: count, claimedAt: time, expiresAt: time, ttlMs: count }).nullable(),
  createdAt: time,
  updatedAt: time,
  seq: count.min(1),
});

const stateEntry = z.object({
  project: z.string(),
  scope: z.string().regex(/^[A-Za-z0-9_\-.:/@]{1,200}$/),
  key: z.string().regex(/^[A-Za-z0-9_\-.:/@]{1,200}$/),
  value: json,
  version: count.min(1),
  updatedAt: time,
  updatedBy: z.string().nullable(),
  expiresAt: time.nullable(),
});

const batonEvent = z.object({
  project: z.string(),
  id: count.min(1),
  at: time,
  type: z.enum(EVENT_TYPES),
  actor: z.string().nullable(),
  subject: z.string(),
  data: z.record(z.string(), json),
});

const doc = z.object({
  kind: z.enum(DOC_KINDS),
  id: z.string().min(1).max(2_000),
  owner: z.string().max(500).nullable(),
  status: z.string().max(2_000),
  sort: z.number().int(),
  expiresAt: time.nullable(),
  body: json,
});

const snapshot = z.object({
  project: z.string().min(1).max(500),
  counters: z.object({ token: count, ticket: count, taskSeq: count, lastEventId: count, oldestEventId: count }),
  members: z.array(member),
  leases: z.array(lease),
  tasks: z.array(task),
  state: z.array(stateEntry),
  events: z.array(batonEvent),
  // Backups written before consultation records were exported hold none.
  docs: z.array(doc).default([]),
});

const backupSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(BACKUP_VERSION),
  createdAt: z.string(),
  engine: z.string(),
  projects: z.array(snapshot),
});

/** The backup a file holds, or an Error saying which field is wrong. */
export function parseBackup(textContent: string): BackupFile {
  let value: unknown;
  try {
    value = JSON.parse(textContent);
  } catch (error) {
    throw new Error(`not a Baton backup: the file is not JSON (${(error as Error).message})`);
  }
  const parsed = backupSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.map(String).join('.') ?? '';
    throw new Error(`not a valid Baton backup: ${where === '' ? '' : `${where}: `}${issue?.message ?? 'unknown problem'}`);
  }
  for (const p of parsed.data.projects) {
    const ids = new Set(p.tasks.map((t) => t.id));
    for (const t of p.tasks) {
      const missing = t.dependencies.find((d) => !ids.has(d));
      if (missing !== undefined) throw new Error(`not a valid Baton backup: task '${t.id}' of project '${p.project}' depends on '${missing}', which the backup does not hold`);
    }
  }
  // The schema checked every field the Store port reads; the row types are the domain's.
  return parsed.data as unknown as BackupFile;
}
