/**
 * @module Named-lock commands: acquire (renew, force, wait), release, renew,
 * check, list. `work` resolves from the caller's branch.
 */
import { z } from 'zod';
import { assertLockName, lockNamesRelated, resolveWorkLockName } from '../../core/leases/lock-name.js';
import type { Lease } from '../../core/leases/lease.js';
import { callerFields, defineCommand, mutatingFields } from '../command.js';
import type { Call, HubContext } from '../context.js';
import { leaseView, waiterView } from '../views.js';
import { acquireWithWait, blockedMessage } from './lease-wait.js';
import { ms, shortText, ttlSeconds, waitSeconds } from './fields.js';

const lockName = z.string().min(1).max(200).describe("Lock name, e.g. 'pytest', 'issue:42', 'wave:5c.1', or 'work' for your branch's lock.");

async function resolveName(ctx: HubContext, call: Call, name: string, branch: string | undefined): Promise<string> {
  if (name !== 'work') {
    assertLockName(name);
    return name;
  }
  if (branch !== undefined) return resolveWorkLockName(branch);
  const member = call.agentId ? await ctx.store.getMember(call.project, call.agentId) : null;
  const registered = member?.metadata['branch'];
  return resolveWorkLockName(typeof registered === 'string' ? registered : undefined);
}

export const lockCommands = [
  defineCommand({
    name: 'acquire_lock',
    toolset: 'locks',
    description: 'Take a named lock (exclusive, or shared with an optional holder limit). Re-acquiring renews. wait_seconds queues you FIFO.',
    mutating: true,
    blocking: true,
    input: z.object({
      ...mutatingFields,
      name: lockName,
      mode: z.enum(['exclusive', 'shared']).optional(),
      limit: z.number().int().min(1).max(10_000).optional().describe('Most holders of a shared lock.'),
      ttl_seconds: ttlSeconds,
      wait_seconds: waitSeconds,
      force: z.boolean().optional().describe('Break a holder that is stale or worse.'),
      branch: z.string().max(300).optional().describe("Branch that 'work' resolves from."),
      reason: shortText.optional(),
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
        ttlMs: Math.min(ms(input.ttl_seconds, ctx.config.defaultLeaseTtlMs), ctx.config.maxLeaseTtlMs),
        reason: input.reason ?? null,
      };
      const { result, timedOut } = await acquireWithWait(ctx, call, request, input.force ?? false, ms(input.wait_seconds, 0));
      if (result.ok) {
        return { acquired: true, name, token: result.lease.token, renewed: result.renewed, lock: leaseView(result.lease), broken: result.broken.map(leaseView) };
      }
      return {
        acquired: false,
        name,
        timed_out: timedOut,
        ...(call.signal?.aborted ? { cancelled: true } : {}),
        holders: result.conflicts.map(leaseView),
        waiters_ahead: result.waitersAhead,
        force_allowed: result.forceable,
        message: blockedMessage(ctx, name, result, ctx.now()),
      };
    },
  }),
  defineCommand({
    name: 'release_lock',
    toolset: 'locks',
    description: 'Release a lock you hold; the next waiter gets it at once. Pass token to guard against a lapsed lease.',
    mutating: true,
    input: z.object({ ...mutatingFields, name: lockName, token: z.number().int().min(1).optional(), branch: z.string().max(300).optional() }),
    async run(ctx, input, call) {
      const holder = ctx.agentOf(call);
      const name = await resolveName(ctx, call, input.name, input.branch);
      const lease = ctx.publish(await ctx.store.releaseLease(ctx.actAs(call), { kind: 'lock', resource: name, holder, token: input.token }));
      return { released: true, name, lock: leaseView(lease) };
    },
  }),
  defineCommand({
    name: 'renew_lock',
    toolset: 'locks',
    description: 'Extend a lock you hold by ttl_seconds (default: the lease length).',
    mutating: true,
    input: z.object({ ...mutatingFields, name: lockName, token: z.number().int().min(1).optional(), ttl_seconds: ttlSeconds, branch: z.string().max(300).optional() }),
    async run(ctx, input, call) {
      const holder = ctx.agentOf(call);
      const name = await resolveName(ctx, call, input.name, input.branch);
      const ttlMs = Math.min(ms(input.ttl_seconds, ctx.config.defaultLeaseTtlMs), ctx.config.maxLeaseTtlMs);
      const lease = ctx.publish(await ctx.store.renewLease(ctx.actAs(call), { kind: 'lock', resource: name, holder, token: input.token }, ttlMs));
      return { renewed: true, name, token: lease.token, lock: leaseView(lease) };
    },
  }),
  defineCommand({
    name: 'check_lock',
    toolset: 'locks',
    description: 'Who holds a lock or a related one (ancestor/descendant), and who waits.',
    mutating: false,
    input: z.object({ ...callerFields, name: lockName, branch: z.string().max(300).optional() }),
    async run(ctx, input, call) {
      await ctx.requireProject(call);
      const name = await resolveName(ctx, call, input.name, input.branch);
      const now = ctx.now();
      const related = (l: Pick<Lease, 'resource'>): boolean => lockNamesRelated(l.resource, name);
      const leases = (await ctx.store.listLeases(call.project, now, 'lock')).filter(related);
      const waiters = (await ctx.store.listWaiters(call.project, now, 'lock')).filter((w) => related(w.request));
      return {
        name,
        held: leases.some((l) => l.resource === name),
        holders: leases.filter((l) => l.resource === name).map(leaseView),
        related: leases.filter((l) => l.resource !== name).map(leaseView),
        waiters: waiters.map(waiterView),
      };
    },
  }),
  defineCommand({
    name: 'list_locks',
    toolset: 'locks',
    description: 'All held locks and queued waiters in the project.',
    mutating: false,
    input: z.object({ ...callerFields }),
    async run(ctx, _input, call) {
      await ctx.requireProject(call);
      const now = ctx.now();
      return {
        locks: (await ctx.store.listLeases(call.project, now, 'lock')).map(leaseView),
        waiters: (await ctx.store.listWaiters(call.project, now, 'lock')).map(waiterView),
      };
    },
  }),
];
