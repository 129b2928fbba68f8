/**
 * @module Views of leases and waiters: a lock or reservation in summary (who holds
 * it, its token, how long it has left) or in full, and a waiter with its place.
 */
import { z } from 'zod';
import type { Lease, Waiter } from '../../core/leases/lease.js';
import { compact, iso, secondsSince, secondsUntil } from './common.js';

const leaseSummarySchema = z.object({
  name: z.string().optional().describe('The lock (locks and slots).'),
  reservation_id: z.string().optional().describe('The reservation (files).'),
  paths: z.array(z.string()).optional(),
  holder: z.string(),
  token: z.number().int().describe('Fencing token: pass it to guard writes and to release.'),
  mode: z.enum(['exclusive', 'shared']).optional().describe('Absent for exclusive (in summaries).'),
  expires_in_s: z.number(),
});

/** A lease row: the summary, and with `detail` the rest. */
export const leaseRowSchema = leaseSummarySchema.extend({
  kind: z.enum(['lock', 'files', 'slot']).optional(),
  limit: z.number().int().optional(),
  acquired_at: z.string().optional(),
  expires_at: z.string().optional(),
  ttl_seconds: z.number().optional(),
  reason: z.string().optional(),
});

export const waiterSchema = z.object({
  name: z.string(),
  holder: z.string(),
  ticket: z.number().int(),
  waiting_s: z.number().describe('Seconds since it queued.'),
  shared: z.boolean().optional(),
});

export type LeaseSummary = z.infer<typeof leaseSummarySchema>;

const where = (l: Lease): Pick<LeaseSummary, 'name' | 'reservation_id' | 'paths'> =>
  l.kind === 'files' ? { reservation_id: l.resource, paths: l.paths } : { name: l.resource };

export function leaseSummary(l: Lease, now: number): LeaseSummary {
  return compact({ ...where(l), holder: l.holder, token: l.token, mode: l.mode === 'shared' ? ('shared' as const) : undefined, expires_in_s: secondsUntil(l.expiresAt, now) });
}

function leaseDetail(l: Lease, now: number): z.infer<typeof leaseRowSchema> {
  return compact({
    ...leaseSummary(l, now),
    kind: l.kind,
    mode: l.mode,
    limit: l.limit ?? undefined,
    acquired_at: iso(l.acquiredAt),
    expires_at: iso(l.expiresAt),
    ttl_seconds: Math.round(l.ttlMs / 1000),
    reason: l.reason ?? undefined,
  });
}

export const leaseView = (l: Lease, now: number, detail: boolean | undefined): z.infer<typeof leaseRowSchema> => (detail ? leaseDetail(l, now) : leaseSummary(l, now));

export function waiterView(w: Waiter, now: number): z.infer<typeof waiterSchema> {
  return compact({ name: w.request.resource, holder: w.request.holder, ticket: w.ticket, waiting_s: secondsSince(w.enqueuedAt, now), shared: w.request.mode === 'shared' ? true : undefined });
}
