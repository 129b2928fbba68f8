/**
 * @module File-reservation commands: reserve path globs (exclusive or shared),
 * release, list, and check a set of paths for conflicts with others' reservations.
 * Overlap follows core/leases/glob-overlap.ts (conservative).
 */
import { z } from 'zod';
import { globsOverlap, normalizeGlob } from '../../core/leases/glob-overlap.js';
import { callerFields, defineCommand, mutatingFields } from '../command.js';
import { leaseView } from '../views.js';
import { ms, shortText, ttlSeconds } from './fields.js';

/** All paths of one call together: overlap checks cost the product of the globs' lengths, so a call's total is bounded. */
const MAX_PATH_CHARS = 4_096;
const paths = z
  .array(z.string().min(1).max(500))
  .min(1)
  .max(100)
  .refine((list) => list.reduce((n, p) => n + p.length, 0) <= MAX_PATH_CHARS, { message: `at most ${MAX_PATH_CHARS} characters of paths in all` })
  .describe("Path globs relative to the repository root, e.g. 'src/auth/**'.");

export const fileCommands = [
  defineCommand({
    name: 'reserve_files',
    toolset: 'files',
    description: 'Reserve path globs before editing. All or nothing: a conflict with another agent reserves nothing and names the holder.',
    mutating: true,
    input: z.object({ ...mutatingFields, paths, mode: z.enum(['exclusive', 'shared']).optional(), ttl_seconds: ttlSeconds, reason: shortText.optional() }),
    async run(ctx, input, call) {
      const holder = ctx.agentOf(call);
      const request = {
        kind: 'files' as const,
        resource: ctx.ids.next('res'),
        paths: [...new Set(input.paths.map(normalizeGlob))],
        holder,
        mode: input.mode ?? 'exclusive',
        limit: null,
        ttlMs: Math.min(ms(input.ttl_seconds, ctx.config.defaultLeaseTtlMs), ctx.config.maxLeaseTtlMs),
        reason: input.reason ?? null,
      };
      const result = ctx.publish(await ctx.store.acquireLease(ctx.actAs(call), { request, force: false, thresholds: ctx.config.thresholds }));
      if (result.ok) return { reserved: true, reservation_id: result.lease.resource, token: result.lease.token, reservation: leaseView(result.lease) };
      return {
        reserved: false,
        conflicts: result.conflicts.map(leaseView),
        message: `Reserved by ${[...new Set(result.conflicts.map((l) => l.holder))].join(', ')}: coordinate with them (send a message) or pick other files.`,
      };
    },
  }),
  defineCommand({
    name: 'release_files',
    toolset: 'files',
    description: 'Release one reservation by id, or all of yours when no id is given.',
    mutating: true,
    input: z.object({ ...mutatingFields, reservation_id: z.string().min(1).max(100).optional() }),
    async run(ctx, input, call) {
      const holder = ctx.agentOf(call);
      // One logical call is one step: all of the caller's reservations go together, or one by id.
      const released = input.reservation_id
        ? [ctx.publish(await ctx.store.releaseLease(ctx.actAs(call), { kind: 'files', resource: input.reservation_id, holder }))]
        : ctx.publish(await ctx.store.releaseLeasesOf(ctx.actAs(call), holder, 'files'));
      return { released: released.map(leaseView) };
    },
  }),
  defineCommand({
    name: 'list_reservations',
    toolset: 'files',
    description: 'All live file reservations in the project.',
    mutating: false,
    input: z.object({ ...callerFields }),
    async run(ctx, _input, call) {
      await ctx.requireProject(call);
      return { reservations: (await ctx.store.listLeases(call.project, ctx.now(), 'files')).map(leaseView) };
    },
  }),
  defineCommand({
    name: 'check_file_conflict',
    toolset: 'files',
    description: "Which of these paths are reserved by other agents (exclusive, or shared when you'd write).",
    mutating: false,
    input: z.object({ ...callerFields, paths }),
    async run(ctx, input, call) {
      await ctx.requireProject(call);
      const wanted = input.paths.map(normalizeGlob);
      const others = (await ctx.store.listLeases(call.project, ctx.now(), 'files')).filter((l) => l.holder !== call.agentId);
      const conflicts = others.filter((l) => l.paths.some((p) => wanted.some((w) => globsOverlap(p, w))));
      return { conflict: conflicts.length > 0, conflicts: conflicts.map(leaseView) };
    },
  }),
];
