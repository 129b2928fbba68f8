/**
 * @module Consultation commands (toolset `consult`): announce an intent and get
 * the verdict (a thread opens only when a peer is concerned), keep or end it,
 * list intents, post into a thread, the resolution verbs as modes of one
 * command, and list or read threads.
 */
import { z } from 'zod';
import { INTENT_DEFAULT_TTL_MS, INTENT_MAX_TTL_MS, type IntentBody } from '../../core/consult/intent.js';
import type { Doc } from '../../core/consult/doc.js';
import { normalizePaths, pathsMeet } from '../../core/consult/paths.js';
import type { Thread } from '../../core/consult/thread.js';
import { notFound } from '../../core/errors.js';
import type { PostBody } from '../../store/consult-port.js';
import { callerFields, defineCommand, mutatingFields } from '../command.js';
import { policyOf } from '../consult/policy.js';
import { intentSchema, intentSummary, intentView, postSchema, postView, threadSchema, threadSummary, threadView } from '../consult/views.js';
import { idField, longText, shortText, stringList } from '../fields.js';
import { logNextCursor, startOf } from '../log-cursor.js';
import { page, pageInput, pageOutput } from '../paging.js';
import { iso } from '../views/common.js';

const paths = (what: string) => stringList(100, z.string().min(1).max(500)).describe(what);
const threadId = idField.describe('Thread id.');

const evidenceSchema = z.object({ layer: z.string(), score: z.number(), file: z.string(), their_file: z.string().optional(), via: z.record(z.string(), z.unknown()), blocked: z.boolean().optional() });
const peerSchema = z.object({
  agent_id: z.string(), score: z.number(), category: z.string(), layer: z.string(), reason: z.string(), evidence: z.array(evidenceSchema), more: z.number().optional(), stale: z.boolean().optional(), disjoint_symbols: z.boolean().optional(),
});

export const consultCommands = [
  defineCommand({
    name: 'announce_work',
    toolset: 'consult',
    description: 'Declare what you are about to change and learn who it collides with (verdict pass, gray_zone or concerned; concerned opens or joins a thread). Re-announcing a key replaces it.',
    mutating: true,
    input: z.object({
      ...mutatingFields,
      description: shortText.min(1),
      target_files: paths('Files or globs you will change.').min(1),
      depends_on: paths('Files you rely on.').optional(),
      modules: stringList(20).optional(),
      symbols: stringList(50).optional(),
      task_id: idField.optional(),
      key: z.string().min(1).max(100).optional(),
      ttl_seconds: z.number().int().min(60).max(INTENT_MAX_TTL_MS / 1000).optional().describe('Default 1800, at most 8 h.'),
    }),
    output: z.object({
      intent_id: z.string(), expires_at: z.string(), verdict: z.string(), score: z.number(), layer: z.string().optional(), thread_id: z.string().nullable(), joined: z.boolean().optional(),
      agreed_in: z.string().optional(), peers: z.array(peerSchema), upcoming_tasks: z.array(z.string()).optional(), blocked_files: z.array(z.string()).optional(),
      next: z.string().optional(),
    }),
    async run(ctx, input, call) {
      const agent = ctx.agentOf(call);
      const index = ctx.conflicts.forAnnounce(call.project);
      const written = await ctx.store.consult.announce(ctx.actAs(call), {
        agent, description: input.description, targets: normalizePaths(input.target_files), depends: normalizePaths(input.depends_on ?? []), modules: input.modules ?? [], symbols: input.symbols ?? [],
        taskId: input.task_id ?? null, key: input.key ?? null, ttlMs: input.ttl_seconds === undefined ? INTENT_DEFAULT_TTL_MS : input.ttl_seconds * 1000,
        intentId: ctx.ids.next('int'), threadId: ctx.ids.next('thr'), policy: policyOf(ctx.config), index,
      });
      // Durable now: what the step read goes into this process's index.
      index.commit();
      const result = ctx.publish(written);
      return {
        intent_id: result.intent.id, expires_at: iso(result.intent.expiresAt ?? ctx.now()), verdict: result.verdict, score: result.score.score,
        ...(result.score.peers[0] ? { layer: result.score.peers[0].layer } : {}), thread_id: result.threadId, ...(result.joined ? { joined: true } : {}),
        ...(result.agreedIn ? { agreed_in: result.agreedIn } : {}), peers: result.score.peers.slice(0, 10),
        ...(result.upcoming.length > 0 ? { upcoming_tasks: result.upcoming } : {}), ...(result.score.blocked_files.length > 0 ? { blocked_files: result.score.blocked_files } : {}),
        ...(result.threadId ? { next: `Settle it in thread ${result.threadId} before editing: post_to_thread to say your plan, resolve_thread to propose or approve who goes first.` } : {}),
      };
    },
  }),
  defineCommand({
    name: 'update_intent',
    toolset: 'consult',
    description: 'Keep (renew), end (withdraw) or finish (done) one of your intents.',
    mutating: true,
    idempotent: false,
    input: z.object({ ...mutatingFields, intent_id: idField, mode: z.enum(['renew', 'withdraw', 'done']), ttl_seconds: z.number().int().min(60).max(INTENT_MAX_TTL_MS / 1000).optional() }),
    output: z.object({ intent: intentSchema }),
    async run(ctx, input, call) {
      const agent = ctx.agentOf(call);
      const doc = ctx.publish(await ctx.store.consult.updateIntent(ctx.actAs(call), agent, input.intent_id, input.mode, input.ttl_seconds === undefined ? undefined : input.ttl_seconds * 1000));
      return { intent: intentView(doc) };
    },
  }),
  defineCommand({
    name: 'list_intents',
    toolset: 'consult',
    description: 'Live intents (status active by default), by agent or by files they touch.',
    mutating: false,
    idempotent: true,
    input: z.object({ ...callerFields, agent: z.string().max(128).optional(), status: z.enum(['active', 'withdrawn', 'done', 'expired', 'superseded']).optional(), files: paths('Only intents touching these.').optional(), ...pageInput(20) }),
    output: z.object({ intents: z.array(intentSchema), ...pageOutput }),
    async run(ctx, input, call) {
      await ctx.requireProject(call);
      const now = ctx.now();
      const status = input.status ?? 'active';
      const docs = (await ctx.store.consult.listDocs(call.project, 'intent', { owner: input.agent, status }, 5_000)) as Doc<IntentBody>[];
      const files = input.files ? normalizePaths(input.files) : undefined;
      const matching = docs.filter((d) => (status !== 'active' || (d.expiresAt ?? Infinity) > now) && (!files || d.body.targets.some((t) => files.some((f) => pathsMeet(t, f)))));
      const { rows, ...paging } = page(matching, (d) => [d.sort, d.id], input.limit ?? 20, input.cursor);
      return { intents: rows.map(input.detail ? intentView : intentSummary), ...paging };
    },
  }),
  defineCommand({
    name: 'post_to_thread',
    toolset: 'consult',
    description: 'Post context, a warning, a question or an answer into a thread you take part in.',
    mutating: true,
    input: z.object({ ...mutatingFields, thread_id: threadId, text: longText.min(1), type: z.enum(['context', 'warning', 'question', 'answer']).optional() }),
    output: z.object({ thread_id: z.string(), post: postSchema }),
    async run(ctx, input, call) {
      const agent = ctx.agentOf(call);
      const { post } = ctx.publish(await ctx.store.consult.actOnThread(ctx.actAs(call), { threadId: input.thread_id, agent, verb: 'post', type: input.type, text: input.text, policy: policyOf(ctx.config) }));
      return { thread_id: input.thread_id, post: postView(post as Doc<PostBody>) };
    },
  }),
  defineCommand({
    name: 'resolve_thread',
    toolset: 'consult',
    description: 'Move a consult thread: propose (text), approve, contest (reason), close, cancel (initiator), join (to vote) or observe.',
    mutating: true,
    input: z.object({ ...mutatingFields, thread_id: threadId, verb: z.enum(['propose', 'approve', 'contest', 'close', 'cancel', 'join', 'observe']), text: longText.optional() }),
    output: z.object({ thread: threadSchema }),
    async run(ctx, input, call) {
      const agent = ctx.agentOf(call);
      const { thread } = ctx.publish(await ctx.store.consult.actOnThread(ctx.actAs(call), { threadId: input.thread_id, agent, verb: input.verb, text: input.text ?? null, policy: policyOf(ctx.config) }));
      return { thread: threadView(thread) };
    },
  }),
  defineCommand({
    name: 'list_threads',
    toolset: 'consult',
    description: 'Threads you take part in (open by default); with thread_id, that thread and its posts after `after`.',
    mutating: false,
    idempotent: true,
    input: z.object({ ...callerFields, thread_id: threadId.optional(), status: z.enum(['open', 'resolving', 'resolved', 'cancelled']).optional(), all: z.boolean().optional().describe('Every thread, not only yours.'), after: z.number().int().min(0).optional(), ...pageInput(20, 200) }),
    output: z.object({ thread: threadSchema.optional(), posts: z.array(postSchema).optional(), threads: z.array(threadSchema).optional(), total: z.number().int().optional(), next_cursor: z.string().optional(), truncated: z.boolean().optional() }),
    async run(ctx, input, call) {
      await ctx.requireProject(call);
      if (input.thread_id !== undefined) {
        const doc = (await ctx.store.consult.getDoc(call.project, 'thread', input.thread_id)) as Doc<Thread> | null;
        if (!doc) throw notFound('thread', input.thread_id);
        // A post's status is its thread: the thread's posts after the cursor are one index range.
        const limit = input.limit ?? 20;
        const after = startOf(input.after, input.cursor);
        const posts = (await ctx.store.consult.listDocs(call.project, 'post', { status: doc.id, from: after + 1 }, limit + 1)) as Doc<PostBody>[];
        const shown = posts.slice(0, limit);
        const truncated = posts.length > limit;
        return { thread: threadView(doc, true), posts: shown.map((p) => postView(p)), ...logNextCursor(truncated, shown.at(-1)?.sort ?? after), truncated };
      }
      const me = call.agentId;
      const statuses = input.status ? [input.status] : (['open', 'resolving'] as const);
      const docs: Doc<Thread>[] = [];
      for (const status of statuses) docs.push(...((await ctx.store.consult.listDocs(call.project, 'thread', { status }, 5_000)) as Doc<Thread>[]));
      const mine = docs.filter((d) => input.all === true || me === undefined || d.body.participants.some((p) => p.agent === me));
      const { rows, ...paging } = page(mine, (d) => [d.sort, d.id], input.limit ?? 20, input.cursor);
      return { threads: rows.map((d) => (input.detail ? threadView(d, true) : threadSummary(d))), ...paging };
    },
  }),
];
