/**
 * @module Thread steps: posts and the resolution verbs (one CAS on the thread
 * doc, one thread.* event per transition), the sweep's round timeouts, a
 * participant's departure, and the cancel that follows its initiator's intent.
 */
import type { Doc } from '../../../core/consult/doc.js';
import { CoordinationError, notFound } from '../../../core/errors.js';
import { event, type NewEvent } from '../../../core/events/event.js';
import { applyVerb, checkPost, departed, timeOut, transitionEvent, type Thread, type ThreadVerb } from '../../../core/consult/thread.js';
import type { PostBody, ThreadActInput } from '../../consult-port.js';
import type { StepGen } from '../../step/reads.js';
import type { StepContext } from '../../step/runner.js';
import { delivered, docOf, liveThreads, threadDoc } from './docs.js';

function transitionOf(before: Thread, after: Thread, verb: ThreadVerb | 'timeout' | 'departed', actor: string | null): NewEvent {
  const type = transitionEvent(before, after, verb);
  switch (type) {
    case 'thread.resolved':
      return event(type, actor, after.id, { outcome: after.resolution?.outcome ?? 'closed', round: after.round });
    case 'thread.cancelled':
      return event(type, actor, after.id, { outcome: after.resolution?.outcome ?? 'cancelled' });
    case 'thread.proposed':
      return event(type, actor, after.id, { by: actor ?? '', round: after.round });
    case 'thread.approved':
      return event(type, actor, after.id, { by: actor ?? '', round: after.round });
    case 'thread.contested':
      return event(type, actor, after.id, { by: actor, round: after.round });
    case 'thread.joined':
      return event(type, actor, after.id, { agent: actor ?? '' });
    case 'thread.left':
      return event(type, actor, after.id, { agent: actor ?? '' });
  }
}

/** Writes a thread transition: the doc and its one event. */
export function wroteTransition(s: StepContext, doc: Doc<Thread>, after: Thread, verb: ThreadVerb | 'timeout' | 'departed', actor: string | null): Doc<Thread> {
  const next = threadDoc(after, doc.sort);
  s.put('doc', next);
  s.emit(transitionOf(doc.body, after, verb, actor));
  return next;
}

export function* actOnThread(s: StepContext, input: ThreadActInput): StepGen<{ thread: Doc<Thread>; post: Doc<PostBody> | null }> {
  const doc = yield* docOf<Thread>('thread', input.threadId);
  if (!doc) throw notFound('thread', input.threadId);
  const t = doc.body;
  if (input.verb === 'post') {
    checkPost(t, input.agent);
    if (!input.text) throw new CoordinationError('INVALID_INPUT', 'A post needs text.', { field: 'text' });
    const post = delivered(s, {
      thread: t, from: input.agent, type: input.type ?? 'context', text: input.text, importance: input.type === 'question' ? 'high' : 'normal', ackRequired: false,
      to: t.participants.map((p) => p.agent),
    });
    return { thread: doc, post };
  }
  const after = applyVerb(t, { verb: input.verb, agent: input.agent, text: input.text, now: s.now, roundTimeoutMs: input.policy.roundTimeoutMs });
  if (after === t) return { thread: doc, post: null };
  const thread = wroteTransition(s, doc, after, input.verb, input.agent);
  // A proposal or its outcome reaches the others' inboxes: it is what they must answer or know.
  let post: Doc<PostBody> | null = null;
  if (input.verb === 'propose' || after.status === 'resolved' || after.status === 'cancelled') {
    const text = input.verb === 'propose' ? `Proposal: ${input.text ?? ''}` : `Thread ${after.status} (${after.resolution?.outcome ?? ''})${input.text ? `: ${input.text}` : ''}`;
    post = delivered(s, { thread: after, from: input.agent, type: input.verb === 'propose' ? 'proposal' : 'resolution', text, importance: 'high', ackRequired: false, to: after.participants.map((p) => p.agent) });
  }
  return { thread, post };
}

/** The sweep found a thread at its round deadline. */
export function timedOut(s: StepContext, doc: Doc<Thread>): void {
  const after = timeOut(doc.body);
  wroteTransition(s, doc, after, 'timeout', null);
  delivered(s, { thread: after, from: doc.body.initiator, type: 'resolution', text: `Timed out; unanswered: ${(after.resolution?.unanswered ?? []).join(', ') || 'none'}.`, importance: 'high', ackRequired: false, to: [doc.body.initiator] });
}

/** A member left: only the threads it takes part in change. */
export function* departedFromThreads(s: StepContext, agent: string): StepGen<number> {
  let changed = 0;
  for (const doc of yield* liveThreads()) {
    const after = departed(doc.body, agent);
    if (after === doc.body) continue;
    wroteTransition(s, doc, after, 'departed', agent);
    changed++;
  }
  return changed;
}

/** The initiator's intent ended (withdrawn or expired): the consult threads it opened are cancelled. */
export function* cancelThreadsOfIntent(s: StepContext, intentId: string, owner: string): StepGen<void> {
  for (const doc of yield* liveThreads()) {
    const t = doc.body;
    if (t.kind !== 'consult' || t.initiator !== owner || t.intentIds[0] !== intentId) continue;
    wroteTransition(s, doc, { ...t, status: 'cancelled', roundDeadline: null, resolution: { outcome: 'cancelled', summary: 'the initiator’s intent ended' } }, 'cancel', null);
  }
}
