/**
 * @module Status commands: one compact view of a project (who is here, what is
 * held and awaited, the task graph's counts, the store's health, the log
 * position), and the aggregated health of the store and the registered services.
 */
import { z } from 'zod';
import { isCoordinationError } from '../../core/errors.js';
import { deriveStatus } from '../../core/presence/member.js';
import { callerFields, defineCommand } from '../command.js';
import type { Call, HubContext } from '../context.js';
import type { Doc, EditBody } from '../../core/consult/doc.js';
import type { Thread } from '../../core/consult/thread.js';
import { iso } from '../views/common.js';

const count = <T extends string>(values: T[]): Partial<Record<T, number>> => {
  const out: Partial<Record<T, number>> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
};

/** Faults after which the store still serves reads: the coordinator is degraded, not down. */
const READS_STILL_SERVED = new Set(['disk_full', 'read_only', 'io_error', 'out_of_memory']);

const storeHealthSchema = z.object({
  engine: z.string(),
  status: z.enum(['healthy', 'degraded', 'unhealthy']),
  latency_ms: z.number(),
  reason: z.string().optional(),
  error: z.string().optional(),
});

/** Store reachability with the round-trip time, and why it cannot serve when it cannot; shared with /health. */
export async function storeHealth(ctx: HubContext): Promise<z.infer<typeof storeHealthSchema>> {
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

const counts = z.record(z.string(), z.number());

/** A short consultation digest: live intents, open threads (those awaiting the caller named), unread deliveries, hot files. */
async function consultDigest(ctx: HubContext, call: Call, now: number) {
  const c = ctx.store.consult;
  const [intents, open, resolving, edits] = await Promise.all([
    c.listDocs(call.project, 'intent', { status: 'active' }, 5_000),
    c.listDocs(call.project, 'thread', { status: 'open' }, 1_000),
    c.listDocs(call.project, 'thread', { status: 'resolving' }, 1_000),
    c.listDocs(call.project, 'edit', { from: now - ctx.config.editWindowMs }, 10_000),
  ]);
  const me = call.agentId;
  const threads = [...open, ...resolving] as Doc<Thread>[];
  const awaiting = me === undefined ? [] : threads.filter((t) => t.body.participants.some((p) => p.agent === me && p.role !== 'observer' && p.role !== 'initiator')).map((t) => t.id);
  const unread = me === undefined ? 0 : (await c.listDocs(call.project, 'delivery', { owner: me, status: 'unread' }, 1_000)).length;
  const editors = new Map<string, Set<string>>();
  for (const e of edits as Doc<EditBody>[]) editors.set(e.body.file, (editors.get(e.body.file) ?? new Set()).add(e.owner ?? ''));
  const hot = [...editors].filter(([, who]) => who.size > 1).sort(([, a], [, b]) => b.size - a.size).slice(0, 3).map(([f]) => f);
  const live = intents.filter((d) => (d.expiresAt ?? Infinity) > now).length;
  if (live === 0 && threads.length === 0 && unread === 0 && hot.length === 0) return undefined;
  return { live_intents: live, open_threads: threads.filter((t) => t.body.kind === 'consult').length, ...(awaiting.length > 0 ? { awaiting_you: awaiting.slice(0, 5) } : {}), ...(unread > 0 ? { unread } : {}), ...(hot.length > 0 ? { hot_files: hot } : {}) };
}

export const statusCommands = [
  defineCommand({
    name: 'coordinator_status',
    toolset: 'status',
    description: 'The project at a glance: counts of agents, locks, reservations, slots, waiters and tasks by status; store health.',
    mutating: false,
    idempotent: true,
    input: z.object({ ...callerFields }),
    output: z.object({
      project: z.string(),
      time: z.string(),
      agents: counts,
      services: z.number().int(),
      locks: z.number().int(),
      reservations: z.number().int(),
      worker_slots: z.object({ used: z.number().int(), total: z.number().int() }),
      waiters: z.number().int(),
      tasks: counts,
      store: storeHealthSchema,
      last_event_id: z.number().int(),
      consult: z.object({ live_intents: z.number().int(), open_threads: z.number().int(), awaiting_you: z.array(z.string()).optional(), unread: z.number().int().optional(), hot_files: z.array(z.string()).optional() }).optional(),
    }),
    async run(ctx, _input, call) {
      await ctx.requireProject(call);
      const now = ctx.now();
      const [members, totals, store, consult] = await Promise.all([ctx.store.listMembers(call.project), ctx.store.countProject(call.project, now), storeHealth(ctx), consultDigest(ctx, call, now)]);
      return {
        project: call.project,
        time: iso(now),
        agents: count(members.filter((m) => m.kind === 'agent').map((m) => deriveStatus(m, now, ctx.config.thresholds))),
        services: members.filter((m) => m.kind === 'service').length,
        locks: totals.leases.lock ?? 0,
        reservations: totals.leases.files ?? 0,
        worker_slots: { used: totals.leases.slot ?? 0, total: ctx.config.workerSlots },
        waiters: totals.waiters,
        tasks: totals.tasks,
        store,
        last_event_id: totals.lastEventId,
        ...(consult ? { consult } : {}),
      };
    },
  }),
  defineCommand({
    name: 'health_check',
    toolset: 'services',
    description: "Health of the coordinator's store and of every registered service.",
    mutating: false,
    idempotent: true,
    input: z.object({ ...callerFields }),
    output: z.object({
      status: z.enum(['healthy', 'degraded', 'unhealthy']),
      store: storeHealthSchema,
      services: z.array(z.object({ id: z.string(), name: z.string(), status: z.string(), health: z.string(), detail: z.string().optional() })),
    }),
    async run(ctx, _input, call) {
      const now = ctx.now();
      const store = await storeHealth(ctx);
      const services = (await ctx.store.listMembers(call.project, 'service')).map((m) => ({
        id: m.id,
        name: m.name,
        status: deriveStatus(m, now, ctx.config.thresholds),
        health: m.service?.health ?? 'unknown',
        ...(m.service?.healthDetail ? { detail: m.service.healthDetail } : {}),
      }));
      const degraded = services.some((s) => s.health === 'unhealthy' || s.health === 'degraded');
      const status: 'healthy' | 'degraded' | 'unhealthy' = store.status !== 'healthy' ? store.status : degraded ? 'degraded' : 'healthy';
      return { status, store, services };
    },
  }),
];
