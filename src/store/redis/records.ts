/**
 * @module How domain records are stored as Redis values. Most are JSON; a task is
 * a newline-separated record (fields below) so Lua scripts can change its status,
 * claim and times without decoding and re-encoding the caller's JSON (Lua's cjson
 * would turn `[]` into `{}` and round numbers). JSON never contains a raw newline.
 */
import type { BatonEvent, NewEvent } from '../../core/events/event.js';
import type { Task } from '../../core/tasks/task.js';

const json = (value: unknown): string => JSON.stringify(value ?? null);

/**
 * Task record fields (1-based in Lua): 1 status, 2 priority, 3 seq, 4 attempts,
 * 5 createdAt, 6 updatedAt, 7 claim expiry ('' when unclaimed), 8 claim JSON,
 * 9 error JSON, 10 progress JSON, 11 output JSON, 12 labels JSON,
 * 13 dependencies JSON, 14 {title, description, files} JSON.
 */
export function encodeTask(t: Task): string {
  return [
    t.status,
    String(t.priority),
    String(t.seq),
    String(t.attempts),
    String(t.createdAt),
    String(t.updatedAt),
    t.claim ? String(t.claim.expiresAt) : '',
    json(t.claim),
    json(t.error),
    json(t.progress),
    json(t.output),
    json(t.labels),
    json(t.dependencies),
    JSON.stringify({ title: t.title, description: t.description, files: t.files }),
  ].join('\n');
}

export function decodeTask(project: string, id: string, record: string): Task {
  const f = record.split('\n');
  const field = (i: number): string => f[i] ?? '';
  const rest = JSON.parse(field(13)) as Pick<Task, 'title' | 'description' | 'files'>;
  return {
    project,
    id,
    title: rest.title,
    description: rest.description,
    dependencies: JSON.parse(field(12)) as string[],
    priority: Number(field(1)),
    labels: JSON.parse(field(11)) as string[],
    files: rest.files,
    status: field(0) as Task['status'],
    output: JSON.parse(field(10)) as unknown,
    error: JSON.parse(field(8)) as string | null,
    progress: JSON.parse(field(9)) as string | null,
    attempts: Number(field(3)),
    claim: JSON.parse(field(7)) as Task['claim'],
    createdAt: Number(field(4)),
    updatedAt: Number(field(5)),
    seq: Number(field(2)),
  };
}

/** The stored JSON of an event: everything but project and id (the stream entry id is the event id). */
export const encodeEvent = (e: NewEvent, at: number): string => JSON.stringify({ type: e.type, actor: e.actor, subject: e.subject, data: e.data, at });

export function decodeEvent(project: string, id: number, stored: string): BatonEvent {
  const e = JSON.parse(stored) as Omit<BatonEvent, 'project' | 'id'>;
  return { ...e, project, id } as BatonEvent;
}

/** Stream entry id of event `id`. */
export const streamId = (id: number): string => `${id}-0`;

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the stored record type
export const parseJson = <T>(text: string): T => JSON.parse(text) as T;
