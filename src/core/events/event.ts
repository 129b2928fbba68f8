/**
 * @module Domain events: one tagged union, past tense, keyed by `type`. Every change
 * of state appends exactly one or more of these to the project's ordered log in the
 * same atomic step; every push surface (SSE, MCP, waits) reads from that log.
 */
import type { LeaseKind, LeaseMode } from '../leases/lease.js';
import type { HealthState, MemberKind } from '../presence/member.js';
import type { TaskStatus } from '../tasks/task.js';

interface LeaseData {
  kind: LeaseKind;
  resource: string;
  holder: string;
  token: number;
  paths?: string[];
}

/** The data carried by each event type. */
export interface EventDataMap {
  'agent.registered': { name: string; kind: MemberKind; rejoined: boolean };
  'agent.signed_off': { released: number; requeued: number };
  'agent.abandoned': { released: number; requeued: number; last_heartbeat: number };
  'lease.acquired': LeaseData & { mode: LeaseMode; expires_at: number; from_queue: boolean };
  'lease.renewed': LeaseData & { expires_at: number };
  'lease.released': LeaseData;
  'lease.expired': LeaseData;
  'lease.broken': LeaseData & { by: string };
  'lease.queued': { kind: LeaseKind; resource: string; holder: string; ticket: number };
  'lease.wait_ended': { kind: LeaseKind; resource: string; holder: string; ticket: number };
  'task.added': { title: string; status: TaskStatus; priority: number; dependencies: string[] };
  'task.ready': Record<string, never>;
  'task.claimed': { agent: string; token: number; attempts: number };
  'task.progress': { agent: string; progress: string | null };
  'task.completed': { agent: string | null };
  'task.failed': { agent: string | null; error: string | null };
  'task.cancelled': { agent: string | null };
  'task.released': { agent: string };
  'task.requeued': { agent: string; reason: 'expired' | 'holder_gone' };
  'task.reset': { attempts: number };
  'state.stored': { scope: string; key: string; version: number };
  'state.deleted': { scope: string; key: string };
  'state.scope_deleted': { scope: string; keys: number };
  'service.registered': { name: string; version: string | null };
  'service.health_reported': { status: HealthState; detail: string | null };
  'intent.announced': { agent: string; targets: string[]; verdict: string; thread_id: string | null; task_id: string | null };
  'intent.renewed': { agent: string; expires_at: number };
  'intent.withdrawn': { agent: string; reason: 'withdrawn' | 'signed_off' | 'abandoned' };
  'intent.done': { agent: string; task_id: string | null };
  'intent.expired': { agent: string };
  'intent.superseded': { agent: string; by: string };
  'thread.opened': { kind: string; initiator: string; participants: string[]; files: string[] };
  'thread.proposed': { by: string; round: number };
  'thread.approved': { by: string; round: number };
  'thread.contested': { by: string | null; round: number };
  'thread.joined': { agent: string };
  'thread.left': { agent: string };
  'thread.resolved': { outcome: string; round: number };
  'thread.cancelled': { outcome: string };
  'message.posted': { thread_id: string; from: string; to: string[]; importance: string; ack_required: boolean };
  /** A message that needs an ack passed its due time unacked (once, by the sweep). */
  'message.overdue': { thread_id: string; seq: number; from: string; to: string };
  'file.edited': { agent: string; files: string[] };
  'deps.map_set': { version: number; modules: number; source: string | null };
  'action.logged': { summary: string };
  custom: { topic: string; payload: unknown };
}

export type EventType = keyof EventDataMap;
export const EVENT_TYPES = [
  'agent.registered', 'agent.signed_off', 'agent.abandoned',
  'lease.acquired', 'lease.renewed', 'lease.released', 'lease.expired', 'lease.broken', 'lease.queued', 'lease.wait_ended',
  'task.added', 'task.ready', 'task.claimed', 'task.progress', 'task.completed', 'task.failed', 'task.cancelled', 'task.released', 'task.requeued', 'task.reset',
  'state.stored', 'state.deleted', 'state.scope_deleted',
  'service.registered', 'service.health_reported',
  'intent.announced', 'intent.renewed', 'intent.withdrawn', 'intent.done', 'intent.expired', 'intent.superseded',
  'thread.opened', 'thread.proposed', 'thread.approved', 'thread.contested', 'thread.joined', 'thread.left', 'thread.resolved', 'thread.cancelled',
  'message.posted', 'message.overdue', 'file.edited', 'deps.map_set', 'action.logged',
  'custom',
] as const satisfies readonly EventType[];

/** An event before the log numbers it. */
export type NewEvent = {
  [K in EventType]: { type: K; actor: string | null; subject: string; data: EventDataMap[K] };
}[EventType];

/** An event as stored: `id` grows by one per project, without gaps. */
export type BatonEvent = NewEvent & { project: string; id: number; at: number };

/** Builds a typed event (keeps call sites short and checked). */
export const event = <K extends EventType>(type: K, actor: string | null, subject: string, data: EventDataMap[K]): NewEvent =>
  ({ type, actor, subject, data }) as NewEvent;
