/**
 * @module Status commands: one view of a project (who, what is held, the task
 * graph, the log position) and the aggregated health of the coordinator's store
 * and the registered services.
 */
import { z } from 'zod';
import { deriveStatus } from '../../core/presence/member.js';
import { callerFields, defineCommand } from '../command.js';
import type { HubContext } from '../context.js';
import { iso } from '../views.js';

const count = <T extends string>(values: T[]): Partial<Record<T, number>> => {
  const out: Partial<Record<T, number>> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
};

/** Store reachability with the round-trip time; shared with /health. */
export async function storeHealth(ctx: HubContext): Promise<{ engine: string; status: 'healthy' | 'unhealthy'; latency_ms: number; error?: string }> {
  const started = performance.now();
  try {
    await ctx.store.ping();
    return { engine: ctx.store.engine, status: 'healthy', latency_ms: Math.round((performance.now() - started) * 100) / 100 };
  } catch (error) {
    return { engine: ctx.store.engine, status: 'unhealthy', latency_ms: Math.round(performance.now() - started), error: String(error) };
  }
}

export const statusCommands = [
  defineCommand({
    name: 'coordinator_status',
    toolset: 'status',
    description: 'The project at a glance: agents by status, locks, reservations, tasks by status, last event id.',
    mutating: false,
    input: z.object({ ...callerFields }),
    async run(ctx, _input, call) {
      await ctx.requireProject(call);
      const now = ctx.now();
      const [members, leases, waiters, tasks, events] = await Promise.all([
        ctx.store.listMembers(call.project),
        ctx.store.listLeases(call.project, now),
        ctx.store.listWaiters(call.project, now),
        ctx.store.listTasks(call.project, { limit: 100_000 }),
        ctx.store.readEvents({ project: call.project, after: Number.MAX_SAFE_INTEGER - 1, limit: 1 }),
      ]);
      return {
        project: call.project,
        time: iso(now),
        agents: count(members.filter((m) => m.kind === 'agent').map((m) => deriveStatus(m, now, ctx.config.thresholds))),
        services: members.filter((m) => m.kind === 'service').length,
        locks: leases.filter((l) => l.kind === 'lock').length,
        reservations: leases.filter((l) => l.kind === 'files').length,
        worker_slots: { used: leases.filter((l) => l.kind === 'slot').length, total: ctx.config.workerSlots },
        waiters: waiters.length,
        tasks: count(tasks.map((t) => t.status)),
        last_event_id: events.lastId,
      };
    },
  }),
  defineCommand({
    name: 'health_check',
    toolset: 'status',
    description: "Health of the coordinator's store and of every registered service.",
    mutating: false,
    input: z.object({ ...callerFields }),
    async run(ctx, _input, call) {
      const now = ctx.now();
      const store = await storeHealth(ctx);
      const services = (await ctx.store.listMembers(call.project, 'service')).map((m) => ({
        id: m.id,
        name: m.name,
        status: deriveStatus(m, now, ctx.config.thresholds),
        health: m.service?.health ?? 'unknown',
        detail: m.service?.healthDetail ?? null,
      }));
      const degraded = services.some((s) => s.health === 'unhealthy' || s.health === 'degraded');
      return { status: store.status === 'unhealthy' ? 'unhealthy' : degraded ? 'degraded' : 'healthy', store, services };
    },
  }),
];
