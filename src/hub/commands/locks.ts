/**
 * @module Named-lock commands: acquire (which also renews, breaks a stale holder
 * with force, and waits in a FIFO queue that keeps your place), release (saying
 * who got it next), and list (one name, with related names and the queue, or all).
 * `work` resolves from the caller's branch.
 */
import { z } from 'zod';
import { assertLockName, lockNamesRelated, resolveWorkLockName } from '../../core/leases/lock-name.js';
import type { Lease, Waiter } from '../../core/leases/lease.js';
import { callerFields, defineCommand, mutatingFields } from '../command.js';
import type { Call, HubContext } from '../context.js';
import { ms, shortText, ttlSeconds, waitSeconds } from '../fields.js';
import { decodePositions, pageInput, pageOutput, partAfter, together } from '../paging.js';
import { leaseRowSchema, leaseView, waiterSchema, waiterView } from '../views/leases.js';
import { acquireWithWait, blockedAnswer, blockedSchema } from './lease-wait.js';
import { handedTo, handedToSchema } from './next-steps.js';

const lockName = z.string().min(1).max(200);
/** Described where a model picks a name (acquire_lock, list_locks); release_lock names one it already holds. */
const namedLock = lockName.describe("e.g. 'pytest', 'wave:5c.1' (':' and '.' nest), or 'work' (your branch's).");
const branch = z.string().max(300).optional().describe("For 'work' (default: yours).");

async function resolveName(ctx: HubContext, call: Call, name: string, branchName: string | undefined): Promise<string> {
  if (name !== 'work') {
    assertLockName(name);
    return name;
  }
  if (branchName !== undefined) return resolveWorkLockName(branchName);
  const member = call.agentId ? await ctx.store.getMember(call.project, call.agentId) : null;
  const registered = member?.metadata['branch'];
  return resolveWorkLockName(typeof registered === 'string' ? registered : undefined);
}

const ttlOf = (ctx: HubContext, seconds: number | undefined): number => Math.min(ms(seconds, ctx.config.defaultLeaseTtlMs), ctx.config.maxLeaseTtlMs);

export const lockCommands = [
  defineCommand({
    name: 'acquire_lock',
    toolset: 'locks',
    description: 'Take a named lock (taking it again renews it); wait_seconds queues you FIFO.',
    mutating: true,
    idempotent: true,
    blocking: true,
    input: z.object({
      ...mutatingFields,
      name: namedLock,
      mode: z.enum(['exclusive', 'shared']).optional(),
      limit: z.number().int().min(1).max(10_000).optional().describe('Most shared holders.'),
      ttl_seconds: ttlSeconds,
      wait_seconds: waitSeconds,
      force: z.boolean().optional().describe('Break a stale holder.'),
      branch,
      reason: shortText.optional(),
    }),
    output: z.object({
      acquired: z.boolean(),
      name: z.string(),
      token: z.number().int().optional().describe('Fencing token: pass it to release_lock and to guarded writes.'),
      renewed: z.boolean().optional(),
      expires_in_s: z.number().optional().describe('When your lease lapses unless renewed.'),
      broken: z.array(leaseRowSchema).optional(),
      timed_out: z.boolean().optional(),
      cancelled: z.boolean().optional(),
      ...blockedSchema,
      message: z.string().optional(),
    }),
    async run(ctx, input, call) {
      const holder = ctx.agentOf(call);
      const name = await resolveName(ctx, call, input.name, input.branch);
      const request = {
        kind: 'lock' as const,
        resource: name,
        paths: [],
        holder,
        mode: input.mode ?? 'exclusive',
        limit: input.mode === 'shared' ? (input.limit ?? null) : null,
        ttlMs: ttlOf(ctx, input.ttl_seconds),
        reason: input.reason ?? null,
      };
      const waitMs = ms(input.wait_seconds, 0);
      const { result, timedOut } = await acquireWithWait(ctx, call, request, input.force ?? false, waitMs);
      const now = ctx.now();
      if (result.ok) {
        const broken = result.broken.map((l) => leaseView(l, now, false));
        return { acquired: true, name, token: result.lease.token, ...(result.renewed ? { renewed: true } : {}), expires_in_s: Math.round((result.lease.expiresAt - now) / 1000), ...(broken.length > 0 ? { broken } : {}) };
      }
      return { acquired: false, name, ...(timedOut ? { timed_out: true } : {}), ...(call.signal?.aborted ? { cancelled: true } : {}), ...blockedAnswer(ctx, name, result, waitMs) };
    },
  }),
  defineCommand({
    name: 'release_lock',
    toolset: 'locks',
    description: 'Release a lock you hold; the next waiter gets it at once (handed_to).',
    mutating: true,
    input: z.object({ ...mutatingFields, name: lockName, token: z.number().int().min(1).optional(), branch }),
    output: z.object({ released: z.literal(true), name: z.string(), token: z.number().int(), ...handedToSchema }),
    async run(ctx, input, call) {
      const holder = ctx.agentOf(call);
      const name = await resolveName(ctx, call, input.name, input.branch);
      const written = await ctx.store.releaseLease(ctx.actAs(call), { kind: 'lock', resource: name, holder, token: input.token });
      return { released: true as const, name, token: ctx.publish(written).token, ...handedTo(written.events) };
    },
  }),
  defineCommand({
    name: 'list_locks',
    toolset: 'locks',
    description: 'Held locks and waiters; with name, that lock, related ones and its queue.',
    mutating: false,
    idempotent: true,
    input: z.object({ ...callerFields, name: namedLock.optional(), branch, ...pageInput(50) }),
    output: z.object({
      name: z.string().optional(),
      held: z.boolean().optional().describe('With name: whether that very name is held.'),
      locks: z.array(leaseRowSchema),
      related: z.array(leaseRowSchema).optional(),
      related_total: z.number().int().optional().describe('With name: related locks in all pages.'),
      waiters: z.array(waiterSchema),
      waiters_total: z.number().int().describe('Waiters in all pages.'),
      ...pageOutput,
    }).describe('Each page holds up to limit locks, related locks and waiters; next_cursor goes on through all three.'),
    async run(ctx, input, call) {
      await ctx.requireProject(call);
      const now = ctx.now();
      const [leases, waiters] = await Promise.all([ctx.store.listLeases(call.project, now, 'lock'), ctx.store.listWaiters(call.project, now, 'lock')]);
      const view = (l: Lease) => leaseView(l, now, input.detail);
      const limit = input.limit ?? 50;
      const token = (l: Lease) => l.token;
      const ticket = (w: Waiter) => w.ticket;
      if (input.name !== undefined) {
        const name = await resolveName(ctx, call, input.name, input.branch);
        const [at0 = 0, at1 = 0, at2 = 0] = decodePositions(input.cursor, 3);
        const mine = partAfter(leases.filter((l) => l.resource === name), token, limit, at0);
        const related = partAfter(leases.filter((l) => l.resource !== name && lockNamesRelated(l.resource, name)), token, limit, at1);
        const queue = partAfter(waiters.filter((w) => lockNamesRelated(w.request.resource, name)), ticket, limit, at2);
        return {
          name,
          held: leases.some((l) => l.resource === name),
          locks: mine.rows.map(view),
          related: related.rows.map(view),
          related_total: related.total,
          waiters: queue.rows.map((w) => waiterView(w, now)),
          waiters_total: queue.total,
          total: mine.total,
          ...together([mine, related, queue]),
        };
      }
      const [at0 = 0, at1 = 0] = decodePositions(input.cursor, 2);
      const locks = partAfter(leases, token, limit, at0);
      const queue = partAfter(waiters, ticket, limit, at1);
      return { locks: locks.rows.map(view), waiters: queue.rows.map((w) => waiterView(w, now)), waiters_total: queue.total, total: locks.total, ...together([locks, queue]) };
    },
  }),
];
