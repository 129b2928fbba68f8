/**
 * @module Event commands: publish a custom topic, read the ordered log from a
 * cursor, and wait (bounded) for the next events.
 */
import { z } from 'zod';
import { EVENT_TYPES } from '../../core/events/event.js';
import { callerFields, defineCommand, mutatingFields } from '../command.js';
import { eventView } from '../views.js';
import { assertJsonSize, jsonValue, ms } from './fields.js';

const types = z.array(z.enum(EVENT_TYPES)).max(30).optional().describe('Only these event types.');
const after = z.number().int().min(0).optional().describe('Return events with id greater than this (your last seen id).');

export const eventCommands = [
  defineCommand({
    name: 'publish_event',
    toolset: 'events',
    description: 'Publish a custom event on a topic (type "custom") for other agents and services.',
    mutating: true,
    input: z.object({ ...mutatingFields, topic: z.string().min(1).max(200).regex(/^[A-Za-z0-9_\-.:/]+$/), payload: jsonValue.optional() }),
    async run(ctx, input, call) {
      assertJsonSize(input.payload, ctx.config.maxValueBytes, 'payload');
      const published = ctx.publish(await ctx.store.publishEvent(ctx.mutation(call), call.agentId ?? null, input.topic, input.payload ?? null));
      return { event: eventView(published) };
    },
  }),
  defineCommand({
    name: 'get_events',
    toolset: 'events',
    description: 'Read the ordered event log after a cursor.',
    mutating: false,
    input: z.object({ ...callerFields, after, limit: z.number().int().min(1).max(1000).optional(), types }),
    async run(ctx, input, call) {
      await ctx.requireProject(call);
      const page = await ctx.store.readEvents({ project: call.project, after: input.after ?? 0, limit: input.limit ?? 100, types: input.types });
      return { events: page.events.map(eventView), last_id: page.lastId, next_after: page.events.at(-1)?.id ?? input.after ?? 0 };
    },
  }),
  defineCommand({
    name: 'wait_for_events',
    toolset: 'events',
    description: 'Block until events after the cursor exist (bounded); answers timed_out when none came.',
    mutating: false,
    blocking: true,
    input: z.object({ ...callerFields, after, types, limit: z.number().int().min(1).max(1000).optional(), timeout_seconds: z.number().min(0).max(3600).optional() }),
    async run(ctx, input, call) {
      const cursor = input.after ?? 0;
      const wanted = input.types ? new Set<string>(input.types) : null;
      const deadline = Date.now() + Math.min(ms(input.timeout_seconds, ctx.config.defaultWaitMs), ctx.config.maxWaitMs);
      const watch = ctx.watch(call.project, (e) => e.id > cursor && (!wanted || wanted.has(e.type)));
      try {
        for (;;) {
          const page = await ctx.store.readEvents({ project: call.project, after: cursor, limit: input.limit ?? 100, types: input.types });
          if (page.events.length > 0) return { events: page.events.map(eventView), last_id: page.lastId, next_after: page.events.at(-1)?.id, timed_out: false };
          if ((await watch.next(deadline, call)) === null) {
            return { events: [], last_id: page.lastId, next_after: cursor, timed_out: true, ...(call.signal?.aborted ? { cancelled: true } : {}) };
          }
        }
      } finally {
        watch.close();
      }
    },
  }),
];
