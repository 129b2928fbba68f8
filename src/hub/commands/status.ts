/**
 * @module Status commands: one view of a project (who, what is held, the task
 * graph, the log position) and the aggregated health of the coordinator's store
 * and the registered services.
 */
import { z } from 'zod';
import { isCoordinationError } from '../../core/errors.js';
import { deriveStatus } from '../../core/presence/member.js';
import { callerFields, defineCommand } from '../command.js';
import type { HubContext } from '../context.js';
import { iso } from '../views.js';

const count = <T extends string>(values: T[]): Partial<Record<T, number>> => {
  const out: Partial<Record<T, number>> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
};

/** Faults after which the store still serves reads: the coordinator is degraded, not down. */
const READS_STILL_SERVED = new Set(['disk_full', 'read_only', 'io_error', 'out_of_memory']);

/** Store reachability with the round-trip time, and why it cannot serve when it cannot; shared with /health. */
export async function storeHealth(ctx: HubContext): Promise<{ engine: string; status: 'healthy' | 'degraded' | 'unhealthy'; latency_ms: number; reason?: string; error?: string }> {
  const started = performance.now();
  try {
    await ctx.store.ping();
    return { engine: ctx.store.engine, status: 'healthy', latency_ms: Math.round((performance.now() - started) * 100) / 100 };
  } catch (error) {
    const reason = isCoordinationError(error) && typeof error.details?.['reason'] === 'string' ? error.details['reason'] : undefined;
    return {
      engine: ctx.store.engine,
      status: reason !== undefined && READS_STILL_SERVED.has(reason) ? 'degraded' : 'unhealthy',
      latency_ms: Math.round(performance.now() - started),
      ...(reason !== undefined ? { reason } : {}),
      error: error instanceof Error ? error.message : String(error),
    };
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
      const [members, counts] = await Promise.all([ctx.store.listMembers(call.project), ctx.store.countProject(call.project, now)]);
      return {
        project: call.project,
        time: iso(now),
        agents: count(members.filter((m) => m.kind === 'agent').map((m) => deriveStatus(m, now, ctx.config.thresholds))),
        services: members.filter((m) => m.kind === 'service').length,
        locks: counts.leases.lock ?? 0,
        reservations: counts.leases.files ?? 0,
        worker_slots: { used: counts.leases.slot ?? 0, total: ctx.config.workerSlots },
        waiters: counts.waiters,
        tasks: counts.tasks,
        last_event_id: counts.lastEventId,
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
      return { status: store.status !== 'healthy' ? store.status : degraded ? 'degraded' : 'healthy', store, services };
    },
  }),
];
