/**
 * @module Message commands (toolset `messages`): send to agents or the whole
 * project, read the inbox without consuming it (a cursor on the log; a bounded
 * wait woken by new deliveries), and acknowledge idempotently.
 */
import { z } from 'zod';
import type { Doc } from '../../core/consult/doc.js';
import { CoordinationError, isCoordinationError } from '../../core/errors.js';
import type { DeliveryBody, PostBody } from '../../store/consult-port.js';
import { callerFields, defineCommand, mutatingFields } from '../command.js';
import type { Call, HubContext } from '../context.js';
import { policyOf } from '../consult/policy.js';
import { deliverySchema, deliveryView } from '../consult/views.js';
import { idField, longText, ms, shortText, waitSeconds } from '../fields.js';
import { assertNotAhead, LOG_CURSOR_UNADVERTISED, logCursorInput, logNextCursor, startOf } from '../log-cursor.js';

const seq = z.number().int().min(0);
/** Unread deliveries counted at most this far (the count says "at least" beyond). */
const UNREAD_COUNTED = 1_000;

/** CURSOR_AHEAD past the log's end, CURSOR_EXPIRED before what the log retains. */
async function checkCursor(ctx: HubContext, call: Call, after: number): Promise<number> {
  try {
    const head = await ctx.store.readEvents({ project: call.project, after, limit: 1 });
    assertNotAhead(after, head.lastId);
    return head.lastId;
  } catch (error) {
    if (isCoordinationError(error) && error.code === 'EVENTS_GAP') throw new CoordinationError('CURSOR_EXPIRED', `Cursor ${after} is older than the retained log.`, { cursor: after, ...error.details });
    throw error;
  }
}

async function inboxPage(ctx: HubContext, call: Call, agent: string, after: number, limit: number, unreadOnly: boolean) {
  const status = unreadOnly ? 'unread' : undefined;
  const rows = (await ctx.store.consult.listDocs(call.project, 'delivery', { owner: agent, status, from: after + 1 }, limit + 1)) as Doc<DeliveryBody>[];
  const pageRows = rows.slice(0, limit);
  const posts = await Promise.all(pageRows.map((d) => ctx.store.consult.getDoc(call.project, 'post', d.body.post_id) as Promise<Doc<PostBody> | null>));
  const unread = await ctx.store.consult.listDocs(call.project, 'delivery', { owner: agent, status: 'unread' }, UNREAD_COUNTED);
  const cursor = pageRows.at(-1)?.sort ?? after;
  const truncated = rows.length > limit;
  return {
    deliveries: pageRows.map((d, i) => deliveryView(d, posts[i] ?? undefined, ctx.now())),
    cursor,
    unread_count: unread.length,
    ...logNextCursor(truncated, cursor),
    truncated,
  };
}

export const messageCommands = [
  defineCommand({
    name: 'send_message',
    toolset: 'messages',
    description: "Message agents (to: ids) or everyone live (to: ['project']); thread_id replies in a thread.",
    mutating: true,
    input: z.object({
      ...mutatingFields,
      to: z.array(z.string().min(1).max(128)).max(50).optional(),
      text: longText.min(1),
      subject: shortText.optional(),
      importance: z.enum(['normal', 'high']).optional(),
      ack_required: z.boolean().optional(),
      thread_id: idField.optional(),
    }),
    output: z.object({ thread_id: z.string(), seq: z.number().int(), recipients: z.array(z.string()) }),
    async run(ctx, input, call) {
      const agent = ctx.agentOf(call);
      if (input.thread_id === undefined && (input.to === undefined || input.to.length === 0)) throw new CoordinationError('INVALID_INPUT', 'Name recipients (to) or a thread (thread_id).', { field: 'to' });
      const to = input.to?.includes('project') ? 'project' : (input.to ?? []);
      const sent = ctx.publish(
        await ctx.store.consult.sendMessage(ctx.actAs(call), {
          agent, to, subject: input.subject ?? input.text.slice(0, 80), text: input.text, importance: input.importance ?? 'normal', ackRequired: input.ack_required ?? false,
          threadId: input.thread_id ?? null, newThreadId: ctx.ids.next('thr'), policy: policyOf(ctx.config),
        }),
      );
      return { thread_id: sent.thread.id, seq: sent.post.sort, recipients: sent.recipients.slice(0, 100) };
    },
  }),
  defineCommand({
    name: 'get_inbox',
    toolset: 'messages',
    description: 'Your deliveries after a cursor, oldest first; reading never consumes (ack_messages does). wait_seconds waits for the next.',
    mutating: false,
    idempotent: true,
    blocking: true,
    unadvertised: LOG_CURSOR_UNADVERTISED,
    input: z.object({ ...callerFields, after: seq.optional().describe('cursor from the last read'), unread_only: z.boolean().optional().describe('Default true.'), limit: z.number().int().min(1).max(100).optional(), wait_seconds: waitSeconds, ...logCursorInput }),
    output: z
      .object({
        deliveries: z.array(deliverySchema),
        cursor: z.number().int().describe('Pass as after for the next read.'),
        unread_count: z.number().int().describe('Counted up to 1,000.'),
        next_cursor: z.string().optional().describe('The same place for a generic pager (pass as cursor); absent on the last page.'),
        truncated: z.boolean(),
        timed_out: z.boolean().optional(),
      })
      .describe('No total: counting deliveries after a cursor would scan the inbox; unread_count counts the unread.'),
    async run(ctx, input, call) {
      const agent = ctx.agentOf(call);
      const after = startOf(input.after, input.cursor);
      // Deliveries are rows of their own: a first read (no cursor, or 0) starts at the first, whatever the log retains.
      if (after > 0) await checkCursor(ctx, call, after);
      const limit = input.limit ?? 20;
      const unreadOnly = input.unread_only ?? true;
      const waitMs = Math.min(ms(input.wait_seconds, 0), ctx.config.maxWaitMs);
      // Subscribed before the first read, so a delivery between read and wait is not missed.
      const watch = waitMs > 0 ? ctx.watch(call.project, (e) => e.type === 'message.posted' && e.data.to.includes(agent)) : undefined;
      try {
        const first = await inboxPage(ctx, call, agent, after, limit, unreadOnly);
        if (!watch || first.deliveries.length > 0) return first;
        const woke = await watch.next(Date.now() + waitMs, call);
        if (!woke) return { ...first, timed_out: true };
        return await inboxPage(ctx, call, agent, after, limit, unreadOnly);
      } finally {
        watch?.close();
      }
    },
  }),
  defineCommand({
    name: 'ack_messages',
    toolset: 'messages',
    description: 'Acknowledge deliveries by seq, or all up_to a seq; repeats answer the first ack time.',
    mutating: true,
    idempotent: true,
    input: z.object({ ...mutatingFields, seqs: z.array(seq).max(500).optional(), up_to: seq.optional() }),
    output: z.object({ acked: z.array(z.object({ seq: z.number().int(), acked_at: z.string() })) }),
    async run(ctx, input, call) {
      const agent = ctx.agentOf(call);
      if (input.seqs === undefined && input.up_to === undefined) throw new CoordinationError('INVALID_INPUT', 'Give seqs or up_to.', { field: 'seqs' });
      const acked = ctx.publish(await ctx.store.consult.ackMessages(ctx.actAs(call), agent, input.seqs ?? null, input.up_to ?? null));
      return { acked: acked.map((a) => ({ seq: a.seq, acked_at: new Date(a.acked_at).toISOString() })) };
    },
  }),
];
