/**
 * @module Acquire-with-wait, shared by locks and worker slots: queue in the store,
 * then wait for the handoff event (the releaser's step grants the lease), bounded,
 * cancellable, with progress. A wait that times out keeps its place in the queue
 * for a grace period, and a re-call by the same agent resumes it; a cancelled one
 * leaves the queue, and a grant that races the cancellation is given back. Also
 * what a blocked acquire answers: who holds it, since when, their last sign of
 * life, when it lapses, the caller's place, and when to try again.
 */
import { z } from 'zod';
import { leaseId, type Lease, type LeaseRequest } from '../../core/leases/lease.js';
import type { AcquireResult } from '../../store/store.js';
import type { Call, HubContext } from '../context.js';
import { compact, secondsSince, secondsUntil } from '../views/common.js';

export interface WaitedAcquire {
  result: AcquireResult;
  timedOut: boolean;
}

type Blocked = Extract<AcquireResult, { ok: false }>;

export async function acquireWithWait(ctx: HubContext, call: Call, request: LeaseRequest, force: boolean, waitMs: number): Promise<WaitedAcquire> {
  const boundedWait = Math.min(waitMs, ctx.config.maxWaitMs);
  const thresholds = ctx.config.thresholds;
  if (boundedWait <= 0) {
    return { result: ctx.publish(await ctx.store.acquireLease(ctx.actAs(call), { request, force, thresholds })), timedOut: false };
  }
  const deadline = Date.now() + boundedWait;
  const granted = ctx.watch(call.project, (e) => e.type === 'lease.acquired' && e.data.holder === request.holder && e.data.kind === request.kind && e.data.resource === request.resource);
  const held = async (): Promise<Lease | undefined> => (await ctx.store.getLease(call.project, leaseId(request), ctx.now())) ?? undefined;
  // The steps after the first belong to this wait, not to the caller's request_id (which would replay the first answer).
  const own = () => ctx.mutation({ ...call, requestId: undefined, digest: undefined });
  const now = ctx.now();
  try {
    const written = await ctx.store.acquireLease(ctx.actAs(call), { request, force, thresholds, queueUntil: now + boundedWait + ctx.config.waitGraceMs, waitingUntil: now + boundedWait, maxWaiters: ctx.config.limits.waitersPerLock || undefined });
    const first = ctx.publish(written);
    if (first.ok || first.ticket === null) return { result: first, timedOut: false };
    const ticket = first.ticket;
    // A replayed request_id (no new events) may have been handed the lease already, before this watch began.
    const already = written.events.length === 0 ? await held() : undefined;
    if (already) return { result: { ok: true, lease: already, renewed: false, broken: [] }, timedOut: false };
    const handoff = await granted.next(deadline, call);
    if (handoff && !call.signal?.aborted) {
      const lease = await held();
      if (lease) return { result: { ok: true, lease, renewed: false, broken: [] }, timedOut: false };
    }
    if (!call.signal?.aborted) {
      // Timed out: the place in the queue is kept for the grace period; calling again resumes it.
      return { result: first, timedOut: true };
    }
    // The caller is gone and cannot know what it holds: leave the queue, and give back a grant that raced the cancel.
    const ended = ctx.publish(await ctx.store.endWait(own(), { ticket, kind: request.kind, resource: request.resource, holder: request.holder }));
    if (ended.granted) ctx.publish(await ctx.store.releaseLease(own(), { kind: request.kind, resource: request.resource, holder: request.holder }));
    return { result: first, timedOut: true };
  } finally {
    granted.close();
  }
}

export const blockedSchema = {
  holder: z.string().optional().describe('Who holds it (the first, when several).'),
  held_for_s: z.number().optional(),
  holder_last_seen_s: z.number().optional().describe('Seconds since the holder last showed signs of life.'),
  holder_expires_in_s: z.number().optional().describe('When the holder’s lease lapses unless renewed.'),
  queue_position: z.number().int().optional().describe('Your place in the queue (1 = next); kept for a while after a timeout.'),
  queue_kept_s: z.number().optional().describe('How long your place is kept without a call.'),
  retry_after_s: z.number().optional(),
  force_allowed: z.boolean().optional().describe('The holder is stale: force: true may break it.'),
  message: z.string(),
};

/** What a blocked acquire tells the caller, in fields it can act on and one sentence. */
export function blockedAnswer(ctx: HubContext, resource: string, result: Blocked, waitedMs: number): z.infer<z.ZodObject<typeof blockedSchema>> {
  const now = ctx.now();
  const first = result.conflicts[0];
  const holder = first ? result.holders.find((m) => m.id === first.holder) : undefined;
  const position = result.ticket === null ? undefined : result.waitersAhead + 1;
  const lastSeen = holder ? secondsSince(holder.lastHeartbeat, now) : undefined;
  const expires = first ? secondsUntil(first.expiresAt, now) : undefined;
  const name = holder && holder.name !== holder.id ? `${holder.name} (${holder.id})` : first?.holder;
  const seen = lastSeen === undefined ? '' : `, last seen ${lastSeen < 60 ? `${Math.round(lastSeen)} s` : `${Math.round(lastSeen / 60)} min`} ago`;
  const who = first ? `'${resource}' is held by ${name ?? first.holder}${seen}` : `'${resource}' is busy`;
  const queue = position !== undefined ? `; you are number ${position} in the queue (kept ${Math.round(ctx.config.waitGraceMs / 1000)} s: call again to keep waiting)` : result.waitersAhead > 0 ? `; ${result.waitersAhead} waiting` : '';
  const force = result.forceable ? ' The holder is stale: force: true breaks it.' : '';
  const next = position === undefined ? ' Pass wait_seconds to queue, or work on something else.' : '';
  return compact({
    holder: first?.holder,
    held_for_s: first ? secondsSince(first.acquiredAt, now) : undefined,
    holder_last_seen_s: lastSeen,
    holder_expires_in_s: expires,
    queue_position: position,
    queue_kept_s: position !== undefined ? Math.round(ctx.config.waitGraceMs / 1000) : undefined,
    retry_after_s: waitedMs > 0 ? 0 : Math.max(1, Math.min(expires ?? 30, 30)),
    force_allowed: result.forceable ? true : undefined,
    message: `${who}${queue}.${force}${next}`,
  });
}
