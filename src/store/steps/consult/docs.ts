/**
 * @module Helpers the consultation steps share: typed doc reads, the open
 * threads of a project, and delivering one post to its recipients (one
 * message.posted event, one post row, one small delivery row per recipient, all
 * in the step that posts).
 */
import type { Doc, DocKind } from '../../../core/consult/doc.js';
import type { Thread } from '../../../core/consult/thread.js';
import { event } from '../../../core/events/event.js';
import type { DeliveryBody, PostBody } from '../../consult-port.js';
import { read, type StepGen } from '../../step/reads.js';
import type { StepContext } from '../../step/runner.js';

/** Seqs as fixed-width ids, so id order is seq order. */
const seqId = (seq: number): string => String(seq).padStart(12, '0');
export const deliveryId = (agent: string, seq: number): string => `${agent}:${seqId(seq)}`;

export function* docOf<B>(kind: DocKind, id: string): StepGen<Doc<B> | null> {
  return (yield* read({ t: 'doc', kind, id })) as Doc<B> | null;
}

/** Consult, direct and broadcast threads not yet resolved or cancelled. */
export function* liveThreads(): StepGen<Doc<Thread>[]> {
  const open = yield* read({ t: 'docs', kind: 'thread', status: 'open' });
  const resolving = yield* read({ t: 'docs', kind: 'thread', status: 'resolving' });
  return [...open, ...resolving] as Doc<Thread>[];
}

/** The thread as a doc: due at its round deadline while a consult is undecided. */
export const threadDoc = (t: Thread, sort: number): Doc<Thread> => ({
  kind: 'thread', id: t.id, owner: t.initiator, status: t.status, sort, expiresAt: t.kind === 'consult' && (t.status === 'open' || t.status === 'resolving') ? t.roundDeadline : null, body: t,
});

export interface Posting {
  thread: Thread;
  from: string;
  type: string;
  text: string;
  importance: 'normal' | 'high';
  ackRequired: boolean;
  /** With ackRequired: when each recipient's ack is due (the delivery is due to the sweep then). */
  ackDueAt?: number;
  to: string[];
}

/**
 * Posts into a thread and delivers it to `to` (the sender is never a recipient). A post's status is
 * its thread id, so a thread's posts are one index range; its type is in the body.
 */
export function delivered(s: StepContext, p: Posting): Doc<PostBody> {
  const to = [...new Set(p.to)].filter((a) => a !== p.from);
  const e = s.emit(event('message.posted', p.from, p.thread.id, { thread_id: p.thread.id, from: p.from, to, importance: p.importance, ack_required: p.ackRequired }));
  const post: Doc<PostBody> = {
    kind: 'post', id: seqId(e.id), owner: p.from, status: p.thread.id, sort: e.id, expiresAt: null,
    body: { thread_id: p.thread.id, from: p.from, type: p.type, text: p.text, importance: p.importance, ack_required: p.ackRequired, to },
  };
  s.put('doc', post);
  for (const agent of to) {
    const due = p.ackRequired ? (p.ackDueAt ?? null) : null;
    const body: DeliveryBody = { thread_id: p.thread.id, post_id: post.id, from: p.from, importance: p.importance, ack_required: p.ackRequired, acked_at: null, ...(due === null ? {} : { due_at: due }) };
    s.put('doc', { kind: 'delivery', id: deliveryId(agent, e.id), owner: agent, status: 'unread', sort: e.id, expiresAt: due, body });
  }
  return post;
}
