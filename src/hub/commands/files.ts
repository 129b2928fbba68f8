/**
 * @module File-reservation commands: reserve path globs (exclusive or shared; a
 * dry run checks without reserving; a refusal names which of your paths overlap
 * whose, and can take the free ones), release, and list. Overlap follows
 * core/leases/glob-overlap.ts (conservative).
 */
import { z } from 'zod';
import { globsOverlap, normalizeGlob } from '../../core/leases/glob-overlap.js';
import type { Lease, LeaseMode } from '../../core/leases/lease.js';
import { callerFields, defineCommand, mutatingFields } from '../command.js';
import type { Call, HubContext } from '../context.js';
import { ms, shortText, ttlSeconds } from '../fields.js';
import { page, pageInput, pageOutput } from '../paging.js';
import { leaseRowSchema, leaseView } from '../views/leases.js';

/** All paths of one call together: overlap checks cost the product of the globs' lengths, so a call's total is bounded. */
const MAX_PATH_CHARS = 4_096;
const paths = z
  .array(z.string().min(1).max(500))
  .min(1)
  .max(100)
  .refine((list) => list.reduce((n, p) => n + p.length, 0) <= MAX_PATH_CHARS, { message: `at most ${MAX_PATH_CHARS} characters of paths in all` })
  .describe("Globs from the repo root, e.g. 'src/auth/**'.");

const overlapSchema = z.object({
  path: z.string().describe('Yours.'),
  their_path: z.string(),
  holder: z.string(),
  reservation_id: z.string(),
  shared: z.boolean().optional(),
});

/** Which of `wanted` collide with other holders' reservations, for a request of `mode`. */
function overlaps(wanted: string[], mode: LeaseMode, others: Lease[]): { overlaps: z.infer<typeof overlapSchema>[]; free: string[] } {
  const found: z.infer<typeof overlapSchema>[] = [];
  const blocked = new Set<string>();
  for (const lease of others) {
    if (mode === 'shared' && lease.mode === 'shared') continue;
    for (const path of wanted) {
      const theirs = lease.paths.find((p) => globsOverlap(p, path));
      if (theirs === undefined) continue;
      blocked.add(path);
      found.push({ path, their_path: theirs, holder: lease.holder, reservation_id: lease.resource, ...(lease.mode === 'shared' ? { shared: true } : {}) });
    }
  }
  return { overlaps: found.slice(0, 20), free: wanted.filter((p) => !blocked.has(p)) };
}

const othersOf = async (ctx: HubContext, call: Call, holder: string | undefined): Promise<Lease[]> =>
  (await ctx.store.listLeases(call.project, ctx.now(), 'files')).filter((l) => l.holder !== holder);

export const fileCommands = [
  defineCommand({
    name: 'reserve_files',
    toolset: 'files',
    description: 'Reserve path globs before editing, all or nothing. A refusal lists which paths overlap whose (take_free: true reserves the rest); dry_run: true only checks.',
    mutating: true,
    input: z.object({
      ...mutatingFields,
      paths,
      mode: z.enum(['exclusive', 'shared']).optional(),
      ttl_seconds: ttlSeconds,
      reason: shortText.optional(),
      dry_run: z.boolean().optional(),
      take_free: z.boolean().optional(),
      renew: z.string().min(1).max(100).optional().describe('Your reservation_id: extend it.'),
    }),
    output: z.object({
      reserved: z.boolean(),
      reservation_id: z.string().optional(),
      token: z.number().int().optional(),
      paths: z.array(z.string()).optional().describe('What was reserved.'),
      expires_in_s: z.number().optional(),
      renewed: z.boolean().optional(),
      conflict: z.boolean().optional(),
      overlaps: z.array(overlapSchema).optional(),
      free_paths: z.array(z.string()).optional(),
      message: z.string().optional(),
    }),
    async run(ctx, input, call) {
      const wanted = [...new Set(input.paths.map(normalizeGlob))];
      const mode = input.mode ?? 'exclusive';
      if (input.dry_run) {
        const found = overlaps(wanted, mode, await othersOf(ctx, call, call.agentId));
        return { reserved: false, conflict: found.overlaps.length > 0, ...(found.overlaps.length > 0 ? { overlaps: found.overlaps } : {}), ...(found.free.length > 0 ? { free_paths: found.free } : {}) };
      }
      const holder = ctx.agentOf(call);
      const ttlMs = Math.min(ms(input.ttl_seconds, ctx.config.defaultLeaseTtlMs), ctx.config.maxLeaseTtlMs);
      if (input.renew !== undefined) {
        // Renewing is re-reserving what you hold (one idea, one tool); the paths stay as reserved.
        const lease = ctx.publish(await ctx.store.renewLease(ctx.actAs(call), { kind: 'files', resource: input.renew, holder }, ttlMs));
        return { reserved: true, reservation_id: lease.resource, token: lease.token, paths: lease.paths, expires_in_s: Math.round((lease.expiresAt - ctx.now()) / 1000), renewed: true };
      }
      const reserve = async (list: string[], mutation = ctx.actAs(call)) =>
        ctx.publish(
          await ctx.store.acquireLease(mutation, {
            request: { kind: 'files', resource: ctx.ids.next('res'), paths: list, holder, mode, limit: null, ttlMs, reason: input.reason ?? null },
            force: false,
            thresholds: ctx.config.thresholds,
          }),
        );
      const granted = (lease: Lease) => ({ reserved: true, reservation_id: lease.resource, token: lease.token, paths: lease.paths, expires_in_s: Math.round((lease.expiresAt - ctx.now()) / 1000) });
      const result = await reserve(wanted);
      if (result.ok) return granted(result.lease);
      const found = overlaps(wanted, mode, result.conflicts);
      if (input.take_free && found.free.length > 0) {
        const partial = await reserve(found.free, { ...ctx.actAs(call), ...(call.requestId ? { requestId: `${call.requestId}:free` } : {}) });
        if (partial.ok) return { ...granted(partial.lease), overlaps: found.overlaps, message: `Reserved ${found.free.length} of ${wanted.length} paths; the others are held.` };
      }
      const holders = [...new Set(found.overlaps.map((o) => o.holder))].join(', ');
      const free = found.free.length > 0 ? ` ${found.free.length} of your paths ${found.free.length === 1 ? 'is' : 'are'} free: take_free: true reserves ${found.free.length === 1 ? 'it' : 'those'}.` : '';
      return { reserved: false, overlaps: found.overlaps, ...(found.free.length > 0 ? { free_paths: found.free } : {}), message: `Reserved by ${holders}: coordinate with them or pick other files.${free}` };
    },
  }),
  defineCommand({
    name: 'release_files',
    toolset: 'files',
    description: 'Release one reservation by id, or all of yours when no id is given.',
    mutating: true,
    input: z.object({ ...mutatingFields, reservation_id: z.string().min(1).max(100).optional() }),
    output: z.object({ released: z.array(leaseRowSchema) }),
    async run(ctx, input, call) {
      const holder = ctx.agentOf(call);
      // One logical call is one step: all of the caller's reservations go together, or one by id.
      const released = input.reservation_id
        ? [ctx.publish(await ctx.store.releaseLease(ctx.actAs(call), { kind: 'files', resource: input.reservation_id, holder }))]
        : ctx.publish(await ctx.store.releaseLeasesOf(ctx.actAs(call), holder, 'files'));
      const now = ctx.now();
      return { released: released.map((l) => leaseView(l, now, false)) };
    },
  }),
  defineCommand({
    name: 'list_reservations',
    toolset: 'files',
    description: 'File reservations; filter by holder or by paths they overlap.',
    mutating: false,
    idempotent: true,
    input: z.object({ ...callerFields, holder: z.string().max(128).optional(), paths: paths.optional().describe('Only those overlapping these globs.'), ...pageInput(50) }),
    output: z.object({ reservations: z.array(leaseRowSchema), ...pageOutput }),
    async run(ctx, input, call) {
      await ctx.requireProject(call);
      const now = ctx.now();
      const wanted = input.paths?.map(normalizeGlob);
      const matching = (await ctx.store.listLeases(call.project, now, 'files')).filter(
        (l) => (input.holder === undefined || l.holder === input.holder) && (!wanted || l.paths.some((p) => wanted.some((w) => globsOverlap(p, w)))),
      );
      const { rows, ...paging } = page(matching, (l) => [l.token], input.limit ?? 50, input.cursor);
      return { reservations: rows.map((l) => leaseView(l, now, input.detail)), ...paging };
    },
  }),
];
