/**
 * @module Shared-state commands: scoped JSON key/value with versions for
 * compare-and-set and optional TTL.
 */
import { z } from 'zod';
import { notFound } from '../../core/errors.js';
import { assertStateName } from '../../core/state/entry.js';
import { callerFields, defineCommand, mutatingFields } from '../command.js';
import { stateView } from '../views.js';
import { assertJsonSize, jsonValue } from './fields.js';

const scope = z.string().min(1).max(200).describe("Namespace, e.g. 'config' or 'agent:alice'.");
const key = z.string().min(1).max(200);

function names(s: string, k?: string): void {
  assertStateName('scope', s);
  if (k !== undefined) assertStateName('key', k);
}

export const stateCommands = [
  defineCommand({
    name: 'store_data',
    toolset: 'state',
    description: 'Store a JSON value. if_version makes it compare-and-set (0 = must not exist).',
    mutating: true,
    input: z.object({
      ...mutatingFields,
      scope,
      key,
      value: jsonValue,
      if_version: z.number().int().min(0).optional(),
      ttl_seconds: z.number().int().min(1).max(31_536_000).optional(),
    }),
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
      return { stored: true, ...stateView(entry, false) };
    },
  }),
  defineCommand({
    name: 'retrieve_data',
    toolset: 'state',
    description: 'Read a value with its version.',
    mutating: false,
    input: z.object({ ...callerFields, scope, key }),
    async run(ctx, input, call) {
      names(input.scope, input.key);
      const entry = await ctx.store.getState(call.project, input.scope, input.key, ctx.now());
      if (!entry) throw notFound('key', `${input.scope}/${input.key}`);
      return stateView(entry);
    },
  }),
  defineCommand({
    name: 'list_keys',
    toolset: 'state',
    description: 'Keys in a scope, optionally by prefix.',
    mutating: false,
    input: z.object({ ...callerFields, scope, prefix: z.string().max(200).optional(), limit: z.number().int().min(1).max(1000).optional() }),
    async run(ctx, input, call) {
      names(input.scope);
      await ctx.requireProject(call);
      const entries = await ctx.store.listStateKeys(call.project, input.scope, input.prefix ?? '', ctx.now(), input.limit ?? 200);
      return { scope: input.scope, keys: entries.map((e) => stateView(e, false)) };
    },
  }),
  defineCommand({
    name: 'list_scopes',
    toolset: 'state',
    description: 'Scopes that hold keys, with counts.',
    mutating: false,
    input: z.object({ ...callerFields }),
    async run(ctx, _input, call) {
      await ctx.requireProject(call);
      return { scopes: await ctx.store.listScopes(call.project, ctx.now()) };
    },
  }),
  defineCommand({
    name: 'delete_data',
    toolset: 'state',
    description: 'Delete one key.',
    mutating: true,
    input: z.object({ ...mutatingFields, scope, key }),
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
    input: z.object({ ...mutatingFields, scope }),
    async run(ctx, input, call) {
      names(input.scope);
      return { deleted_keys: ctx.publish(await ctx.store.deleteScope(ctx.mutation(call), input.scope, call.agentId ?? null)) };
    },
  }),
];
