/**
 * @module The sweep's part for consultation docs: intents at their TTL expire,
 * consult threads at their round deadline time out (once), a delivery still
 * unacked at its due time is overdue (once: one event, then nothing is due),
 * edit rows past retention go. Bounded per sweep; the rest waits for the next.
 */
import type { Doc } from '../../../core/consult/doc.js';
import type { IntentDoc } from '../../../core/consult/intent.js';
import type { Thread } from '../../../core/consult/thread.js';
import { event } from '../../../core/events/event.js';
import type { DeliveryBody } from '../../consult-port.js';
import { read, type StepGen } from '../../step/reads.js';
import type { StepContext } from '../../step/runner.js';
import { endIntent } from './intent-steps.js';
import { timedOut } from './thread-steps.js';

const PER_SWEEP = 500;

function overdue(s: StepContext, d: Doc<DeliveryBody>): void {
  s.put('doc', { ...d, expiresAt: null });
  if (d.status !== 'unread') return;
  s.emit(event('message.overdue', null, d.body.thread_id, { thread_id: d.body.thread_id, seq: d.sort, from: d.body.from, to: d.owner ?? '' }));
}

export function* sweepDocs(s: StepContext): StepGen<number> {
  const due = yield* read({ t: 'dueDocs', now: s.now, limit: PER_SWEEP });
  for (const d of due) {
    // Re-read: an earlier doc of this sweep may have changed this one (a thread cancelled with its intent).
    const current = yield* read({ t: 'doc', kind: d.kind, id: d.id });
    if (!current || current.expiresAt === null || current.expiresAt > s.now) continue;
    if (current.kind === 'intent' && current.status === 'active') yield* endIntent(s, current as IntentDoc, 'expired');
    else if (current.kind === 'thread') timedOut(s, current as Doc<Thread>);
    else if (current.kind === 'delivery') overdue(s, current as Doc<DeliveryBody>);
    else s.remove('doc', `${current.kind}\u0000${current.id}`);
  }
  return due.length;
}
