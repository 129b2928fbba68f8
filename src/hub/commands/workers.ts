/**
 * @module Worker-slot commands: a per-project semaphore (config.workerSlots) that
 * bounds how many agents work at once, built on a shared lease named `workers`.
 */
import { z } from 'zod';
import { callerFields, defineCommand, mutatingFields } from '../command.js';
import { leaseView, waiterView } from '../views.js';
import { acquireWithWait, blockedMessage } from './lease-wait.js';
import { ms, ttlSeconds, waitSeconds } from './fields.js';

const SLOT = 'workers';

export const workerCommands = [
  defineCommand({
    name: 'claim_worker_slot',
    toolset: 'tasks',
    description: 'Take one of the project\'s worker slots (default 5); wait_seconds queues you.',
    mutating: true,
    blocking: true,
    input: z.object({ ...mutatingFields, ttl_seconds: ttlSeconds, wait_seconds: waitSeconds }),
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
      const { result, timedOut } = await acquireWithWait(ctx, call, request, false, ms(input.wait_seconds, 0));
      if (result.ok) return { claimed: true, token: result.lease.token, renewed: result.renewed, slot: leaseView(result.lease) };
      return { claimed: false, timed_out: timedOut, slots: ctx.config.workerSlots, message: blockedMessage(ctx, 'worker slots', result, ctx.now()) };
    },
  }),
  defineCommand({
    name: 'release_worker_slot',
    toolset: 'tasks',
    description: 'Give your worker slot back.',
    mutating: true,
    input: z.object({ ...mutatingFields }),
    async run(ctx, _input, call) {
      const holder = ctx.agentOf(call);
      const lease = ctx.publish(await ctx.store.releaseLease(ctx.actAs(call), { kind: 'slot', resource: SLOT, holder }));
      return { released: true, slot: leaseView(lease) };
    },
  }),
  defineCommand({
    name: 'get_workers',
    toolset: 'tasks',
    description: 'Worker slots: how many, who holds them, who waits.',
    mutating: false,
    input: z.object({ ...callerFields }),
    async run(ctx, _input, call) {
      await ctx.requireProject(call);
      const now = ctx.now();
      const held = await ctx.store.listLeases(call.project, now, 'slot');
      return { slots: ctx.config.workerSlots, used: held.length, workers: held.map(leaseView), waiters: (await ctx.store.listWaiters(call.project, now, 'slot')).map(waiterView) };
    },
  }),
];
