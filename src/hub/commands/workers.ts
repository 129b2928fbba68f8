/**
 * @module Worker-slot commands: a per-project semaphore (config.workerSlots) that
 * bounds how many agents work at once, built on a shared lease named `workers`.
 */
import { z } from 'zod';
import { callerFields, defineCommand, mutatingFields } from '../command.js';
import { ms, ttlSeconds, waitSeconds } from '../fields.js';
import { decodePositions, pageInput, pageOutput, partAfter, together } from '../paging.js';
import { leaseRowSchema, leaseView, waiterSchema, waiterView } from '../views/leases.js';
import { acquireWithWait, blockedAnswer, blockedSchema } from './lease-wait.js';
import { handedTo, handedToSchema } from './next-steps.js';

const SLOT = 'workers';

export const workerCommands = [
  defineCommand({
    name: 'claim_worker_slot',
    toolset: 'workers',
    description: "Take one of the project's worker slots (default 5); wait_seconds queues you and keeps your place.",
    mutating: true,
    idempotent: true,
    blocking: true,
    input: z.object({ ...mutatingFields, ttl_seconds: ttlSeconds, wait_seconds: waitSeconds }),
    output: z.object({
      claimed: z.boolean(),
      token: z.number().int().optional(),
      slots: z.number().int(),
      timed_out: z.boolean().optional(),
      ...blockedSchema,
      message: z.string().optional(),
    }),
    async run(ctx, input, call) {
      const holder = ctx.agentOf(call);
      const request = {
        kind: 'slot' as const,
        resource: SLOT,
        paths: [],
        holder,
        mode: 'shared' as const,
        limit: ctx.config.workerSlots,
        ttlMs: Math.min(ms(input.ttl_seconds, ctx.config.defaultLeaseTtlMs), ctx.config.maxLeaseTtlMs),
        reason: null,
      };
      const waitMs = ms(input.wait_seconds, 0);
      const { result, timedOut } = await acquireWithWait(ctx, call, request, false, waitMs);
      if (result.ok) return { claimed: true, token: result.lease.token, slots: ctx.config.workerSlots };
      return { claimed: false, slots: ctx.config.workerSlots, ...(timedOut ? { timed_out: true } : {}), ...blockedAnswer(ctx, 'worker slots', result, waitMs) };
    },
  }),
  defineCommand({
    name: 'release_worker_slot',
    toolset: 'workers',
    description: 'Give your worker slot back (the next waiter gets it).',
    mutating: true,
    input: z.object({ ...mutatingFields }),
    output: z.object({ released: z.literal(true), token: z.number().int(), ...handedToSchema }),
    async run(ctx, _input, call) {
      const holder = ctx.agentOf(call);
      const written = await ctx.store.releaseLease(ctx.actAs(call), { kind: 'slot', resource: SLOT, holder });
      return { released: true as const, token: ctx.publish(written).token, ...handedTo(written.events) };
    },
  }),
  defineCommand({
    name: 'get_workers',
    toolset: 'workers',
    description: 'Worker slots: how many, who holds them, who waits.',
    mutating: false,
    idempotent: true,
    input: z.object({ ...callerFields, ...pageInput(50) }),
    output: z.object({
      slots: z.number().int(),
      used: z.number().int().describe('Workers in all pages.'),
      workers: z.array(leaseRowSchema),
      waiters: z.array(waiterSchema),
      total: z.number().int().describe('Waiters in all pages.'),
      next_cursor: pageOutput.next_cursor,
      truncated: pageOutput.truncated,
    }).describe('Each page holds up to limit workers and waiters; next_cursor goes on through both.'),
    async run(ctx, input, call) {
      await ctx.requireProject(call);
      const now = ctx.now();
      const limit = input.limit ?? 50;
      const [at0 = 0, at1 = 0] = decodePositions(input.cursor, 2);
      const held = partAfter(await ctx.store.listLeases(call.project, now, 'slot'), (l) => l.token, limit, at0);
      const queue = partAfter(await ctx.store.listWaiters(call.project, now, 'slot'), (w) => w.ticket, limit, at1);
      return {
        slots: ctx.config.workerSlots,
        used: held.total,
        workers: held.rows.map((l) => leaseView(l, now, input.detail)),
        waiters: queue.rows.map((w) => waiterView(w, now)),
        total: queue.total,
        ...together([held, queue]),
      };
    },
  }),
];
