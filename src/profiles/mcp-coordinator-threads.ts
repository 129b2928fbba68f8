/**
 * @module Profile `mcp-coordinator` (seed 004), its consultation tools over
 * Baton's consult commands: announce_work is Baton's announce (an intent with a
 * TTL, scored against live peers; a thread opens only when a peer is
 * concerned), the resolution verbs are resolve_thread's modes, and the reads
 * page list_threads. The state machine, who may do what and the scoring are
 * the hub's; this file renames arguments and reshapes answers.
 */
import { z } from 'zod';
import { invalidInput } from '../core/errors.js';
import type { CommandOutput } from '../hub/command.js';
import { actor, agentId } from './mcp-coordinator-agents.js';
import { allPages } from './pages.js';
import { defineTool, type ProfileContext, type ProfileTool } from './profile.js';

const threadId = z.string().min(1).max(128);
const files = z.array(z.string().min(1).max(500)).max(100);
const text = z.string().max(20_000);
/** The seed's post types, and Baton's two more; the seed's suggestion is context here. */
const POST_TYPES = ['context', 'suggestion', 'warning', 'question', 'answer'] as const;
const STATUSES = ['open', 'resolving', 'resolved', 'cancelled'] as const;
/** Posts read per thread at most by one call (get_thread pages beyond). */
const POSTS_PER_CALL = 200;

export interface ThreadRow {
  thread_id: string;
  kind: string;
  subject: string;
  status: string;
  initiator: string;
  participants: { agent_id: string; role: string }[];
  round?: number;
  proposal?: { by: string; text: string };
  approvals?: string[];
  resolution?: { outcome: string; summary?: string };
  files?: string[];
}
export interface PostRow {
  seq: number;
  from: string;
  type: string;
  text: string;
}

/** A Baton thread as the seed's thread record: id, subject, initiator_id, status, round, who takes part. */
export const threadView = (t: ThreadRow) => ({
  id: t.thread_id,
  subject: t.subject,
  status: t.status,
  initiator_id: t.initiator,
  ...(t.round === undefined ? {} : { round: t.round }),
  participants: t.participants.map((p) => p.agent_id),
  // Whose approval consensus needs (observers may post but not approve).
  respondents: t.participants.filter((p) => p.role === 'respondent').map((p) => p.agent_id),
  ...(t.proposal ? { proposal: t.proposal } : {}),
  ...(t.approvals?.length ? { approvals: t.approvals } : {}),
  ...(t.resolution ? { resolution: t.resolution } : {}),
  target_files: t.files ?? [],
});

const messageView = (threadIdOf: string, p: PostRow) => ({ id: p.seq, thread_id: threadIdOf, agent_id: p.from, type: p.type, content: p.text });

/** One thread and its posts after `after` (at most POSTS_PER_CALL). */
export async function threadWithPosts(ctx: ProfileContext, id: string, after = 0): Promise<{ thread: ThreadRow; posts: PostRow[]; truncated: boolean }> {
  const out = await ctx.read('list_threads', { thread_id: id, after, limit: POSTS_PER_CALL });
  return { thread: out['thread'] as ThreadRow, posts: (out['posts'] ?? []) as PostRow[], truncated: out['truncated'] === true };
}

/** Threads of these statuses, every page; `all` for everyone's, else the caller's. */
export async function threadsOf(ctx: ProfileContext, statuses: readonly string[], all: boolean, run?: (c: string, i: Record<string, unknown>) => Promise<CommandOutput>): Promise<ThreadRow[]> {
  const as = run === undefined ? ctx : { ...ctx, run };
  const pages = await Promise.all(statuses.map((status) => allPages(as, 'list_threads', { status, all, limit: 200, detail: true }, 'threads')));
  return pages.flatMap((p) => p.rows as ThreadRow[]);
}

async function verb(ctx: ProfileContext, agent: string | undefined, thread_id: string, v: string, words?: string): Promise<Record<string, unknown>> {
  const out = await actor(ctx, agent).run('resolve_thread', { thread_id, verb: v, ...(words ? { text: words } : {}) });
  return threadView(out['thread'] as ThreadRow);
}

export const threadTools: ProfileTool[] = [
  defineTool({
    name: 'announce_work',
    description: 'Announce what you will change before coding: scores online agents (≥ 90 concerned opens a thread; 30–89 gray zone; else pass).',
    mutating: true,
    input: z.object({
      agent_id: agentId,
      subject: z.string().max(500).optional(),
      plan: z.string().max(2000).optional(),
      target_files: files.min(1),
      depends_on_files: files.optional(),
      target_modules: z.array(z.string().min(1).max(200)).max(20).optional(),
      exports_affected: files.optional(),
      target_symbols: z.array(z.string().min(1).max(256)).max(50).optional(),
    }),
    async run(ctx, input) {
      const targets = [...new Set([...input.target_files, ...(input.exports_affected ?? [])])];
      const description = [input.subject, input.plan].filter(Boolean).join(': ').slice(0, 500) || `Work on ${targets.slice(0, 3).join(', ')}`;
      const out = await actor(ctx, input.agent_id).run('announce_work', {
        description, target_files: targets, ...(input.depends_on_files ? { depends_on: input.depends_on_files } : {}), modules: input.target_modules ?? [], ...(input.target_symbols ? { symbols: input.target_symbols } : {}),
      });
      const peers = (out['peers'] ?? []) as { agent_id: string; score: number; category: string; layer: string; reason: string }[];
      return {
        thread_id: out['thread_id'],
        category: out['verdict'],
        score: out['score'],
        ...(out['layer'] === undefined ? {} : { layer: out['layer'] }),
        concerned_agents: peers.filter((p) => p.category === 'concerned').map((p) => p.agent_id),
        impact: peers.map((p) => ({ agent_id: p.agent_id, score: p.score, category: p.category, layer: p.layer, reason: p.reason })),
        intent_id: out['intent_id'],
        expires_at: out['expires_at'],
        ...(out['agreed_in'] ? { agreed_in: out['agreed_in'] } : {}),
        ...(out['next'] ? { next: `Settle it in thread ${String(out['thread_id'])} before writing: get_thread, post_to_thread, propose_resolution / approve_resolution.` } : {}),
      };
    },
  }),
  defineTool({
    name: 'post_to_thread',
    description: 'Post context, a suggestion, warning, question or answer to a thread you take part in.',
    mutating: true,
    input: z.object({ thread_id: threadId, agent_id: agentId, agent_name: z.string().max(200).optional(), type: z.enum(POST_TYPES).optional(), content: text.min(1), context_snapshot: text.optional() }),
    async run(ctx, input) {
      const type = input.type === 'suggestion' || input.type === undefined ? 'context' : input.type;
      const body = input.context_snapshot ? `${input.content}\n\n[context] ${input.context_snapshot}` : input.content;
      const out = await actor(ctx, input.agent_id).run('post_to_thread', { thread_id: input.thread_id, text: body, type });
      const post = out['post'] as PostRow;
      return messageView(input.thread_id, post);
    },
  }),
  defineTool({
    name: 'propose_resolution',
    description: 'Propose a resolution (summary) for the participants to approve.',
    mutating: true,
    input: z.object({ thread_id: threadId, agent_id: agentId, summary: text.optional(), content: text.optional(), plan: text.optional() }),
    async run(ctx, input) {
      const words = [input.summary ?? input.content, input.plan].filter(Boolean).join('\n\n');
      if (words === '') throw invalidInput('Say what you propose: summary.', { field: 'summary' });
      return verb(ctx, input.agent_id, input.thread_id, 'propose', words);
    },
  }),
  defineTool({
    name: 'approve_resolution',
    description: 'Approve the proposed resolution; consensus resolves the thread.',
    mutating: true,
    input: z.object({ thread_id: threadId, agent_id: agentId }),
    run: (ctx, input) => verb(ctx, input.agent_id, input.thread_id, 'approve'),
  }),
  defineTool({
    name: 'contest_resolution',
    description: 'Reject the proposal with a reason: the thread reopens for a new round.',
    mutating: true,
    input: z.object({ thread_id: threadId, agent_id: agentId, reason: text.min(1) }),
    run: (ctx, input) => verb(ctx, input.agent_id, input.thread_id, 'contest', input.reason),
  }),
  defineTool({
    name: 'close_thread',
    description: 'Close your thread when the work is done, with a summary.',
    mutating: true,
    destructive: true,
    input: z.object({ thread_id: threadId, agent_id: agentId, summary: text.optional() }),
    run: (ctx, input) => verb(ctx, input.agent_id, input.thread_id, 'close', input.summary),
  }),
  defineTool({
    name: 'cancel_thread',
    description: 'Cancel your thread (work abandoned or no longer relevant).',
    mutating: true,
    destructive: true,
    input: z.object({ thread_id: threadId, agent_id: agentId, reason: text.optional() }),
    run: (ctx, input) => verb(ctx, input.agent_id, input.thread_id, 'cancel', input.reason),
  }),
  defineTool({
    name: 'get_thread',
    description: 'A thread with its messages and status.',
    mutating: false,
    idempotent: true,
    input: z.object({ thread_id: threadId }),
    async run(ctx, input) {
      const { thread, posts, truncated } = await threadWithPosts(ctx, input.thread_id);
      return { ...threadView(thread), messages: posts.map((p) => messageView(thread.thread_id, p)), ...(truncated ? { more: true } : {}) };
    },
  }),
  defineTool({
    name: 'get_thread_updates',
    description: "New messages in your open threads since a cursor (pass back the answer's cursor).",
    mutating: false,
    idempotent: true,
    input: z.object({ agent_id: agentId, since: z.string().max(64).optional() }),
    async run(ctx, input) {
      // Baton orders messages by the log: a cursor, not a time, so none is skipped or repeated at one instant.
      const after = input.since !== undefined && /^\d+$/.test(input.since) ? Number(input.since) : 0;
      const as = actor(ctx, input.agent_id);
      const threads = await threadsOf(ctx, ['open', 'resolving'], false, as.run);
      let cursor = after;
      const updates = [];
      for (const t of threads.slice(0, 50)) {
        const { posts } = await threadWithPosts(ctx, t.thread_id, after);
        if (posts.length === 0) continue;
        cursor = Math.max(cursor, ...posts.map((p) => p.seq));
        updates.push({ thread_id: t.thread_id, status: t.status, messages: posts.map((p) => messageView(t.thread_id, p)) });
      }
      return { updates, cursor: String(cursor) };
    },
  }),
  defineTool({
    name: 'list_threads',
    description: 'Threads, by status and initiator agent_id (default every status).',
    mutating: false,
    idempotent: true,
    input: z.object({ status: z.enum(STATUSES).optional(), agent_id: agentId }),
    async run(ctx, input) {
      const rows = await threadsOf(ctx, input.status ? [input.status] : STATUSES, true);
      const threads = rows.filter((t) => t.kind === 'consult' && (input.agent_id === undefined || t.initiator === input.agent_id)).map(threadView);
      return { count: threads.length, threads };
    },
  }),
  defineTool({
    name: 'log_action_summary',
    description: 'Log a one-line summary of what you did on the timeline.',
    mutating: true,
    // session_id is the seed's; Baton's timeline line is the agent's, so it names nothing more.
    input: z.object({ session_id: z.string().max(128).optional(), agent_id: agentId, file_path: z.string().max(500).optional(), summary: z.string().min(1).max(480) }),
    async run(ctx, input) {
      const line = input.file_path ? `${input.file_path}: ${input.summary}` : input.summary;
      const as = actor(ctx, input.agent_id);
      const out = await as.run('log_action_summary', { summary: line.slice(0, 500) });
      return { id: out['event_id'], agent_id: await as.id(), summary: input.summary, ...(input.file_path ? { file_path: input.file_path } : {}) };
    },
  }),
];
