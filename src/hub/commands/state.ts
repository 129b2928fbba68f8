/**
 * @module Shared-state commands: scoped JSON key/value with versions for
 * compare-and-set and optional TTL; keys of a scope (or the scopes) paged.
 */
import { z } from 'zod';
import { notFound } from '../../core/errors.js';
import { assertStateName, type StateEntry } from '../../core/state/entry.js';
import { callerFields, defineCommand, mutatingFields } from '../command.js';
import { assertJsonSize, jsonValue } from '../fields.js';
import { decodeKeyCursor, encodeCursor, page, pageInput, pageOutput } from '../paging.js';
import { entrySchema, entryView, keySchema, keyView } from '../views/records.js';

const scope = z.string().min(1).max(200);
/** Described where a model first meets it (store_data, list_keys): the other tools repeat it for nothing. */
const namedScope = scope.describe("Namespace, e.g. 'config' or 'agent:alice'.");
const key = z.string().min(1).max(200);

function names(s: string, k?: string): void {
  assertStateName('scope', s);
  if (k !== undefined) assertStateName('key', k);
}

export const stateCommands = [
  defineCommand({
    name: 'store_data',
    toolset: 'state',
    description: 'Store a JSON value (at most 64 KiB). if_version makes it compare-and-set (0 = must not exist).',
    mutating: true,
    destructive: true,
    input: z.object({
      ...mutatingFields,
      scope: namedScope,
      key,
      value: jsonValue,
      if_version: z.number().int().min(0).optional(),
      ttl_seconds: z.number().int().min(1).max(31_536_000).optional(),
    }),
    output: z.object({ stored: z.literal(true), scope: z.string(), ...keySchema.shape }),
    async run(ctx, input, call) {
      names(input.scope, input.key);
      assertJsonSize(input.value, ctx.config.maxValueBytes, 'value');
      const entry = ctx.publish(
        await ctx.store.putState(ctx.mutation(call), {
          scope: input.scope,
          key: input.key,
          value: input.value,
          actor: call.agentId ?? null,
          ifVersion: input.if_version,
          ttlMs: input.ttl_seconds === undefined ? undefined : input.ttl_seconds * 1000,
        }),
      );
      return { stored: true as const, scope: entry.scope, ...keyView(entry, ctx.now()) };
    },
  }),
  defineCommand({
    name: 'retrieve_data',
    toolset: 'state',
    description: 'Read a value with its version.',
    mutating: false,
    idempotent: true,
    input: z.object({ ...callerFields, scope, key }),
    output: entrySchema,
    async run(ctx, input, call) {
      names(input.scope, input.key);
      const entry = await ctx.store.getState(call.project, input.scope, input.key, ctx.now());
      if (!entry) throw notFound('key', `${input.scope}/${input.key}`);
      return entryView(entry, ctx.now());
    },
  }),
  defineCommand({
    name: 'list_keys',
    toolset: 'state',
    description: 'Keys of a scope (optionally by prefix); without scope, the scopes with their key counts.',
    mutating: false,
    idempotent: true,
    input: z.object({ ...callerFields, scope: namedScope.optional(), prefix: z.string().max(200).optional(), ...pageInput(100, 1000) }),
    output: z.object({ scope: z.string().optional(), keys: z.array(keySchema.extend({ value: z.unknown().optional().describe('With detail.') })).optional(), scopes: z.array(z.object({ scope: z.string(), keys: z.number().int() })).optional(), ...pageOutput }),
    async run(ctx, input, call) {
      await ctx.requireProject(call);
      const now = ctx.now();
      const limit = input.limit ?? 100;
      if (input.scope === undefined) {
        const { rows, ...paging } = page(await ctx.store.listScopes(call.project, now), (s) => [s.scope], limit, input.cursor);
        return { scopes: rows, ...paging };
      }
      names(input.scope);
      const prefix = input.prefix ?? '';
      const after = decodeKeyCursor(input.cursor);
      // A page in the store's key order after the cursor's key, and the engine's count: no scan of the scope.
      const [entries, total] = await Promise.all([
        ctx.store.listStateKeys(call.project, input.scope, prefix, now, limit + 1, after),
        ctx.store.countStateKeys(call.project, input.scope, prefix, now),
      ]);
      const rows = entries.slice(0, limit);
      const truncated = entries.length > limit;
      const last = rows.at(-1);
      const view = input.detail ? (e: StateEntry) => ({ ...keyView(e, now), value: e.value }) : (e: StateEntry) => keyView(e, now);
      return { scope: input.scope, keys: rows.map(view), total, truncated, ...(truncated && last ? { next_cursor: encodeCursor([last.key]) } : {}) };
    },
  }),
  defineCommand({
    name: 'delete_data',
    toolset: 'state',
    description: 'Delete one key.',
    mutating: true,
    destructive: true,
    idempotent: true,
    input: z.object({ ...mutatingFields, scope, key }),
    output: z.object({ deleted: z.boolean() }),
    async run(ctx, input, call) {
      names(input.scope, input.key);
      return { deleted: ctx.publish(await ctx.store.deleteState(ctx.mutation(call), input.scope, input.key, call.agentId ?? null)) };
    },
  }),
  defineCommand({
    name: 'delete_scope',
    toolset: 'state',
    description: 'Delete every key of a scope.',
    mutating: true,
    destructive: true,
    idempotent: true,
    input: z.object({ ...mutatingFields, scope }),
    output: z.object({ deleted_keys: z.number().int() }),
    async run(ctx, input, call) {
      names(input.scope);
      return { deleted_keys: ctx.publish(await ctx.store.deleteScope(ctx.mutation(call), input.scope, call.agentId ?? null)) };
    },
  }),
];
