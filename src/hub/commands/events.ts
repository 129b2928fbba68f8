/**
 * @module Event commands: publish a custom topic, and read the ordered log after
 * a cursor (with wait_seconds, wait for the next events: a bounded long-poll).
 */
import { z } from 'zod';
import { EVENT_TYPES } from '../../core/events/event.js';
import { callerFields, defineCommand, mutatingFields } from '../command.js';
import { assertJsonSize, jsonValue, ms, waitSeconds } from '../fields.js';
import { assertNotAhead, LOG_CURSOR_UNADVERTISED, logCursorInput, logNextCursor, startOf } from '../log-cursor.js';
import { eventSchema, eventView } from '../views/records.js';

const types = z.array(z.enum(EVENT_TYPES)).max(30).optional().describe('Only these event types.');
const after = z.number().int().min(0).optional().describe('Events with id greater than this (your last seen id; 0 = from the start).');

export const eventCommands = [
  defineCommand({
    name: 'publish_event',
    toolset: 'events',
    description: 'Publish a custom event on a topic (type "custom") for other agents and services.',
    mutating: true,
    input: z.object({ ...mutatingFields, topic: z.string().min(1).max(200).regex(/^[A-Za-z0-9_\-.:/]+$/), payload: jsonValue.optional() }),
    output: z.object({ event: eventSchema }),
    async run(ctx, input, call) {
      assertJsonSize(input.payload, ctx.config.maxValueBytes, 'payload');
      const published = ctx.publish(await ctx.store.publishEvent(ctx.mutation(call), call.agentId ?? null, input.topic, input.payload ?? null));
      return { event: eventView(published) };
    },
  }),
  defineCommand({
    name: 'get_events',
    toolset: 'events',
    description: 'The ordered event log after a cursor. wait_seconds waits for new events and answers timed_out when none came.',
    mutating: false,
    idempotent: true,
    blocking: true,
    unadvertised: LOG_CURSOR_UNADVERTISED,
    input: z.object({ ...callerFields, after, types, limit: z.number().int().min(1).max(1000).optional().describe('Default 50.'), wait_seconds: waitSeconds, ...logCursorInput }),
    output: z
      .object({
        events: z.array(eventSchema),
        last_id: z.number().int().describe('The newest id in the log.'),
        next_after: z.number().int().describe('Pass as after for the next read.'),
        next_cursor: z.string().optional().describe('The same place for a generic pager (pass as cursor); absent once the read reached the end.'),
        truncated: z.boolean().describe('More events follow right away.'),
        timed_out: z.boolean().optional(),
        cancelled: z.boolean().optional(),
      })
      .describe('No total: counting the events after a cursor (of some types) would scan the log; last_id is where it ends.'),
    async run(ctx, input, call) {
      await ctx.requireProject(call);
      const cursor = startOf(input.after, input.cursor);
      const limit = input.limit ?? 50;
      const read = async () => {
        const pageOf = await ctx.store.readEvents({ project: call.project, after: cursor, limit, types: input.types });
        assertNotAhead(cursor, pageOf.lastId);
        const last = pageOf.events.at(-1);
        // A short page read the log up to its end: the next read starts there, not at the last match.
        const full = pageOf.events.length === limit;
        const truncated = full && (last?.id ?? 0) < pageOf.lastId;
        const nextAfter = full && last ? last.id : Math.max(cursor, pageOf.lastId);
        return { events: pageOf.events.map(eventView), last_id: pageOf.lastId, next_after: nextAfter, ...logNextCursor(truncated, nextAfter), truncated };
      };
      const waitMs = Math.min(ms(input.wait_seconds, 0), ctx.config.maxWaitMs);
      if (waitMs <= 0) return read();
      const wanted = input.types ? new Set<string>(input.types) : null;
      const deadline = Date.now() + waitMs;
      const watch = ctx.watch(call.project, (e) => e.id > cursor && (!wanted || wanted.has(e.type)));
      try {
        for (;;) {
          const answer = await read();
          if (answer.events.length > 0) return answer;
          if ((await watch.next(deadline, call)) === null) return { ...answer, next_after: cursor, timed_out: true, ...(call.signal?.aborted ? { cancelled: true } : {}) };
        }
      } finally {
        watch.close();
      }
    },
  }),
];
