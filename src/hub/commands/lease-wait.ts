/**
 * @module Acquire-with-wait, shared by locks and worker slots: queue in the store,
 * then wait for the handoff event (the releaser's transaction grants the lease),
 * bounded, cancellable, with progress. A wait that ends without a grant leaves the
 * queue; a grant that races a cancellation is released, so nothing is left held.
 */
import { leaseId, type LeaseRequest } from '../../core/leases/lease.js';
import type { AcquireResult } from '../../store/store.js';
import type { Call, HubContext } from '../context.js';

export interface WaitedAcquire {
  result: AcquireResult;
  timedOut: boolean;
}

export async function acquireWithWait(ctx: HubContext, call: Call, request: LeaseRequest, force: boolean, waitMs: number): Promise<WaitedAcquire> {
  const boundedWait = Math.min(waitMs, ctx.config.maxWaitMs);
  if (boundedWait <= 0) {
    const result = ctx.publish(await ctx.store.acquireLease(ctx.actAs(call), { request, force, thresholds: ctx.config.thresholds }));
    return { result, timedOut: false };
  }
  const deadline = Date.now() + boundedWait;
  const granted = ctx.watch(call.project, (e) => e.type === 'lease.acquired' && e.data.holder === request.holder && e.data.kind === request.kind && e.data.resource === request.resource);
  const held = async () => (await ctx.store.getLease(call.project, leaseId(request), ctx.now())) ?? undefined;
  // The steps after the first belong to this wait, not to the caller's request_id (which would replay the first answer).
  const own = () => ctx.mutation({ ...call, requestId: undefined, digest: undefined });
  try {
    const written = await ctx.store.acquireLease(ctx.actAs(call), { request, force, thresholds: ctx.config.thresholds, queueUntil: ctx.now() + boundedWait + 1_000 });
    const first = ctx.publish(written);
    if (first.ok || first.ticket === null) return { result: first, timedOut: false };
    const ticket = first.ticket;
    // A replayed request_id (no new events) may have been handed the lease already, before this watch began.
    const already = written.events.length === 0 ? await held() : undefined;
    if (already) return { result: { ok: true, lease: already, renewed: false, broken: [] }, timedOut: false };
    const handoff = await granted.next(deadline, call);
    // A handoff that lands as the caller cancels goes through endWait below, which gives the lease back.
    if (handoff && !call.signal?.aborted) {
      const lease = await held();
      if (lease) return { result: { ok: true, lease, renewed: false, broken: [] }, timedOut: false };
    }
    const ended = ctx.publish(await ctx.store.endWait(own(), { ticket, kind: request.kind, resource: request.resource, holder: request.holder }));
    if (ended.granted) {
      if (!call.signal?.aborted) return { result: { ok: true, lease: ended.granted, renewed: false, broken: [] }, timedOut: false };
      // The caller is gone and cannot know it holds the lease: give it back.
      ctx.publish(await ctx.store.releaseLease(own(), { kind: request.kind, resource: request.resource, holder: request.holder }));
    }
    return { result: first, timedOut: true };
  } finally {
    granted.close();
  }
}

/** Explains a blocked acquire in words an agent can act on. */
export function blockedMessage(ctx: HubContext, resource: string, result: Extract<AcquireResult, { ok: false }>, now: number): string {
  const parts = result.holders.map((m) => {
    const ageMin = Math.round((now - m.lastHeartbeat) / 60_000);
    return `${m.name} (${m.id}, last seen ${ageMin} min ago)`;
  });
  const held = parts.length > 0 ? `'${resource}' is held by ${parts.join(', ')}` : `'${resource}' is busy`;
  const queue = result.waitersAhead > 0 ? `; ${result.waitersAhead} waiting ahead of you` : '';
  const force = result.forceable
    ? ' The holder is stale: you may break it with force: true.'
    : result.conflicts.length > 0
      ? ` Force is refused while a holder is active or idle (last heartbeat under ${Math.round(ctx.config.thresholds.idleMs / 60_000)} min).`
      : '';
  return `${held}${queue}.${force} Wait with wait_seconds, or work on something else.`;
}
