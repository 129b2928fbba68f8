/**
 * @module Operator commands: what a person watching the project (the dashboard, an
 * admin script) does that an agent does not — break a lock or reservation whose
 * holder has gone stale. A non-default toolset, so models do not pay for it.
 */
import { z } from 'zod';
import { defineCommand, mutatingFields } from '../command.js';
import { idField } from '../fields.js';
import { leaseRowSchema, leaseView } from '../views/leases.js';
import { handedTo, handedToSchema } from './next-steps.js';

export const operatorCommands = [
  defineCommand({
    name: 'break_lease',
    toolset: 'operator',
    description: 'Free a lock or reservation whose holder is stale or worse (never active or idle), naming the holder and token you saw.',
    mutating: true,
    destructive: true,
    input: z.object({
      ...mutatingFields,
      kind: z.enum(['lock', 'files']),
      name: z.string().min(1).max(200).describe('The lock name, or the reservation id.'),
      holder: idField,
      token: z.number().int().min(1),
    }),
    output: z.object({ broken: leaseRowSchema, ...handedToSchema }),
    async run(ctx, input, call) {
      const written = await ctx.store.breakLease(ctx.mutation(call), {
        kind: input.kind,
        resource: input.name,
        holder: input.holder,
        token: input.token,
        by: call.agentId ?? null,
        thresholds: ctx.config.thresholds,
      });
      return { broken: leaseView(ctx.publish(written), ctx.now(), true), ...handedTo(written.events) };
    },
  }),
];
