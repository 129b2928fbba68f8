/**
 * @module Views of consultation records: intents, threads, posts and
 * deliveries as a model reads them (ISO times, no empty fields, bounded lists).
 */
import { z } from 'zod';
import type { Doc } from '../../core/consult/doc.js';
import type { IntentBody } from '../../core/consult/intent.js';
import type { Thread } from '../../core/consult/thread.js';
import type { DeliveryBody, PostBody } from '../../store/consult-port.js';
import { compact, iso } from '../views/common.js';

export const intentSchema = z.object({
  intent_id: z.string(),
  agent_id: z.string(),
  status: z.string(),
  description: z.string(),
  target_files: z.array(z.string()),
  depends_on: z.array(z.string()).optional(),
  modules: z.array(z.string()).optional(),
  task_id: z.string().optional(),
  key: z.string().optional(),
  verdict: z.string().optional(),
  thread_id: z.string().optional(),
  expires_at: z.string().optional(),
});

export function intentView(d: Doc<IntentBody>): z.infer<typeof intentSchema> {
  const b = d.body;
  return compact({
    intent_id: d.id, agent_id: d.owner ?? '', status: d.status, description: b.description, target_files: b.targets, depends_on: b.depends, modules: b.modules,
    task_id: b.taskId ?? undefined, key: b.key ?? undefined, verdict: b.verdict ?? undefined, thread_id: b.threadId ?? undefined, expires_at: d.expiresAt === null ? undefined : iso(d.expiresAt),
  });
}

/** An intent as listed: who, what, on which files, until when; `detail` adds its dependencies, modules, key, task and verdict. */
export function intentSummary(d: Doc<IntentBody>): z.infer<typeof intentSchema> {
  const { intent_id, agent_id, status, description, target_files, thread_id, expires_at } = intentView(d);
  return compact({ intent_id, agent_id, status, description, target_files, thread_id, expires_at });
}

export const threadSchema = z.object({
  thread_id: z.string(),
  kind: z.string(),
  subject: z.string(),
  status: z.string(),
  initiator: z.string(),
  participants: z.array(z.object({ agent_id: z.string(), role: z.string() })),
  round: z.number().int().optional(),
  round_deadline: z.string().optional(),
  proposal: z.object({ by: z.string(), text: z.string() }).optional(),
  approvals: z.array(z.string()).optional(),
  resolution: z.object({ outcome: z.string(), summary: z.string().optional(), unanswered: z.array(z.string()).optional() }).optional(),
  files: z.array(z.string()).optional(),
  opened_at: z.string(),
  opened_because: z.array(z.object({ agent_id: z.string(), score: z.number(), layer: z.string(), reason: z.string(), files: z.array(z.string()) })).optional(),
});

/** A thread as listed; `detail` adds the scoring evidence that opened it (read one thread for it). */
export function threadView(d: Doc<Thread>, detail = false): z.infer<typeof threadSchema> {
  const t = d.body;
  return compact({
    thread_id: t.id, kind: t.kind, subject: t.subject, status: t.status, initiator: t.initiator,
    participants: t.participants.map((p) => ({ agent_id: p.agent, role: p.role })),
    round: t.kind === 'consult' ? t.round : undefined, round_deadline: t.roundDeadline === null ? undefined : iso(t.roundDeadline),
    proposal: t.proposal ?? undefined, approvals: t.approvals,
    resolution: t.resolution ? compact({ outcome: t.resolution.outcome, summary: t.resolution.summary ?? undefined, unanswered: t.resolution.unanswered }) : undefined,
    files: t.files.slice(0, 20), opened_at: iso(t.createdAt),
    opened_because: detail ? t.opening?.map((o) => ({ agent_id: o.agent, score: o.score, layer: o.layer, reason: o.reason, files: o.files })) : undefined,
  });
}

/** A thread as listed: who, what, where it stands and its deadline; `detail` adds the proposal, votes, resolution, files and why it opened. */
export function threadSummary(d: Doc<Thread>): z.infer<typeof threadSchema> {
  const { thread_id, kind, subject, status, initiator, participants, round, round_deadline, opened_at } = threadView(d);
  return compact({ thread_id, kind, subject, status, initiator, participants, round, round_deadline, opened_at });
}

export const postSchema = z.object({ seq: z.number().int(), from: z.string(), type: z.string(), text: z.string(), at: z.string().optional() });

export const postView = (d: Doc<PostBody>, at?: number): z.infer<typeof postSchema> =>
  compact({ seq: d.sort, from: d.body.from, type: d.body.type, text: d.body.text, at: at === undefined ? undefined : iso(at) });

export const deliverySchema = z.object({
  seq: z.number().int(),
  thread_id: z.string(),
  from: z.string(),
  type: z.string().optional(),
  text: z.string().optional(),
  importance: z.string().optional(),
  ack_required: z.boolean().optional(),
  due_at: z.string().optional(),
  overdue: z.boolean().optional(),
  acked_at: z.string().optional(),
});

export function deliveryView(d: Doc<DeliveryBody>, post: Doc<PostBody> | undefined, now: number): z.infer<typeof deliverySchema> {
  const b = d.body;
  const due = b.acked_at === null ? (b.due_at ?? null) : null;
  return compact({
    seq: d.sort, thread_id: b.thread_id, from: b.from, type: post?.body.type, text: post?.body.text,
    importance: b.importance === 'high' ? 'high' : undefined, ack_required: b.ack_required || undefined,
    due_at: due === null ? undefined : iso(due), overdue: due !== null && now > due ? true : undefined, acked_at: b.acked_at === null ? undefined : iso(b.acked_at),
  });
}
