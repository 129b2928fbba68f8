/**
 * @module Direct messages and broadcasts: recipients fixed at send time (live and
 * idle members, never stale ones nor the sender), the body stored once, one
 * delivery row per recipient; acks idempotent, answering the first ack time.
 */
import type { Doc } from '../../../core/consult/doc.js';
import { isClosed, roleOf, type Thread } from '../../../core/consult/thread.js';
import { CoordinationError, notFound } from '../../../core/errors.js';
import { event } from '../../../core/events/event.js';
import { deriveStatus } from '../../../core/presence/member.js';
import type { DeliveryBody, PostBody, SendInput } from '../../consult-port.js';
import { read, type StepGen } from '../../step/reads.js';
import type { StepContext } from '../../step/runner.js';
import { delivered, deliveryId, docOf, threadDoc } from './docs.js';

export function* sendMessage(s: StepContext, input: SendInput): StepGen<{ thread: Doc<Thread>; post: Doc<PostBody>; recipients: string[] }> {
  const me = input.agent;
  let thread: Doc<Thread>;
  if (input.threadId !== null) {
    const found = yield* docOf<Thread>('thread', input.threadId);
    if (!found) throw notFound('thread', input.threadId);
    if (isClosed(found.body)) throw new CoordinationError('INVALID_STATE', `Thread '${found.id}' is ${found.body.status}.`, { thread_id: found.id, status: found.body.status });
    if (!roleOf(found.body, me)) throw new CoordinationError('FORBIDDEN', `${me} is not a participant of thread '${found.id}'.`, { thread_id: found.id });
    thread = found;
  } else {
    const members = (yield* read({ t: 'members', kind: 'agent' })).filter((m) => m.id !== me);
    let to: string[];
    if (input.to === 'project') {
      to = members.filter((m) => ['active', 'idle'].includes(deriveStatus(m, s.now, input.policy.thresholds))).map((m) => m.id);
    } else {
      const known = new Set(members.map((m) => m.id));
      const unknown = input.to.filter((a) => !known.has(a) && a !== me);
      if (unknown.length > 0) throw notFound('agent', unknown[0] ?? '', { unknown: unknown.slice(0, 10) });
      to = input.to.filter((a) => a !== me);
    }
    if (to.length === 0) throw new CoordinationError('INVALID_INPUT', 'No recipient: nobody else is live in this project.', { field: 'to' });
    const t: Thread = {
      id: input.newThreadId, kind: input.to === 'project' ? 'broadcast' : 'direct', subject: input.subject, initiator: me,
      participants: [{ agent: me, role: 'initiator' }, ...to.map((agent) => ({ agent, role: 'recipient' as const }))],
      status: 'open', round: 1, maxRounds: 1, roundDeadline: null, proposal: null, approvals: [], resolution: null, intentIds: [], files: [], createdAt: s.now,
    };
    thread = threadDoc(t, s.now);
    s.put('doc', thread);
    s.emit(event('thread.opened', me, t.id, { kind: t.kind, initiator: me, participants: to.slice(0, 50), files: [] }));
  }
  const recipients = thread.body.participants.map((p) => p.agent).filter((a) => a !== me);
  const post = delivered(s, { thread: thread.body, from: me, type: 'message', text: input.text, importance: input.importance, ackRequired: input.ackRequired, ackDueAt: s.now + input.policy.ackDueMs, to: recipients });
  return { thread, post, recipients };
}

export function* ackMessages(s: StepContext, agent: string, seqs: number[] | null, upTo: number | null): StepGen<{ seq: number; acked_at: number }[]> {
  const targets: Doc[] = [];
  if (seqs) {
    for (const seq of seqs) {
      const d = yield* read({ t: 'doc', kind: 'delivery', id: deliveryId(agent, seq) });
      if (d) targets.push(d);
    }
  }
  if (upTo !== null) targets.push(...(yield* read({ t: 'docs', kind: 'delivery', owner: agent, status: 'unread', to: upTo })));
  const out = new Map<number, number>();
  for (const d of targets) {
    const body = d.body as DeliveryBody;
    if (body.acked_at !== null) {
      out.set(d.sort, body.acked_at);
      continue;
    }
    s.put('doc', { ...d, status: 'acked', expiresAt: null, body: { ...body, acked_at: s.now } });
    out.set(d.sort, s.now);
  }
  return [...out].sort(([a], [b]) => a - b).map(([seq, at]) => ({ seq, acked_at: at }));
}
