/**
 * @module Profile `mcp-coordinator` (seed 004, swoofer's mcp-coordinator 0.4):
 * its 26 tools under their names and argument names, plus the in-server
 * `introspection` that lists every tool's full schema. Each maps onto Baton's
 * hub commands (MAPS_TO, which introspection also shows); the composites
 * (coordinator_status, get_thread_updates, wait_for_peers, wait_for_message,
 * get_queued_messages) are several reads or a read then an acknowledgement,
 * never one atomic step, and say so in the compat page. Its MQTT topics are the
 * push layer's (mqtt_compat seed004), not this profile's.
 */
import { z } from 'zod';
import type { CommandOutput } from '../hub/command.js';
import { agentTools, agentView } from './mcp-coordinator-agents.js';
import { threadsOf, threadTools, threadView, threadWithPosts } from './mcp-coordinator-threads.js';
import { allPages } from './pages.js';
import { defineTool, type Profile, type ProfileContext, type ProfileTool } from './profile.js';

/** Each seed tool in its README's order, and what it runs (shown by introspection and the compat page). */
const MAPS_TO: Readonly<Record<string, string>> = {
  register_agent: 'register_agent',
  list_agents: 'list_agents',
  heartbeat: 'heartbeat',
  agent_activity: 'file_activity {mode: agents}',
  wait_for_peers: 'heartbeat, then list_agents {count, wait_seconds}',
  announce_work: 'announce_work',
  post_to_thread: 'post_to_thread',
  propose_resolution: 'resolve_thread {verb: propose}',
  approve_resolution: 'resolve_thread {verb: approve}',
  contest_resolution: 'resolve_thread {verb: contest}',
  close_thread: 'resolve_thread {verb: close}',
  cancel_thread: 'resolve_thread {verb: cancel}',
  get_thread: 'list_threads {thread_id}',
  get_thread_updates: 'list_threads (yours), then list_threads {thread_id, after} per thread',
  list_threads: 'list_threads {all: true} per status',
  log_action_summary: 'log_action_summary',
  hot_files: 'file_activity {mode: hot}',
  get_session_files: 'file_activity {mode: recent}',
  check_file_conflict: 'file_activity {mode: conflict}',
  set_dependency_map: 'set_dependency_map',
  get_blast_radius: 'dependency_map {file}',
  get_module_info: 'dependency_map {file, depth: 1}',
  wait_for_message: 'get_inbox {wait_seconds}, then ack_messages',
  get_queued_messages: 'get_inbox, then ack_messages (unless require_ack)',
  mqtt_publish: 'publish_event',
  coordinator_status: 'coordinator_status + list_agents + list_threads + file_activity {mode: hot}',
  introspection: '(the profile itself)',
};

/** Threads of yours shown in full by coordinator_status; resolved ones are the latest few. */
const SHOWN_THREADS = 10;
const SHOWN_RESOLVED = 5;

async function statusOf(ctx: ProfileContext): Promise<Record<string, unknown>> {
  const [baton, agents, open, resolving, hot] = await Promise.all([
    ctx.run('coordinator_status', {}),
    allPages(ctx, 'list_agents', { detail: true, limit: 200 }, 'agents'),
    threadsOf(ctx, ['open'], true),
    threadsOf(ctx, ['resolving'], true),
    ctx.read('file_activity', { mode: 'hot', window_minutes: 30, limit: 5 }),
  ]);
  const me = await ctx.agent();
  const takesPart = (t: { participants: { agent_id: string }[] }) => t.participants.some((p) => p.agent_id === me);
  const done = (await threadsOf(ctx, ['resolved', 'cancelled'], false)).slice(-SHOWN_RESOLVED);
  const mine = [...open, ...resolving].filter(takesPart).concat(done).filter((t) => t.kind === 'consult').slice(0, SHOWN_THREADS);
  // The latest message of each, so a poll shows what a peer posted without a get_thread per thread.
  const threads = await Promise.all(
    mine.map(async (t) => {
      const { posts, truncated } = await threadWithPosts(ctx, t.thread_id);
      const last = posts.at(-1);
      return { ...threadView(t), messages: truncated ? `${posts.length}+` : posts.length, ...(last ? { last_message: { agent_id: last.from, type: last.type, content: last.text.slice(0, 300) } } : {}) };
    }),
  );
  const hotFiles = (hot['files'] ?? []) as { file: string; editors: string[] }[];
  const rows = agents.rows as Parameters<typeof agentView>[0][];
  const store = baton['store'] as CommandOutput;
  return {
    agents_online: rows.length,
    agents: rows.slice(0, 50).map(agentView),
    open_threads: open.filter((t) => t.kind === 'consult').length,
    resolving_threads: resolving.filter((t) => t.kind === 'consult').length,
    threads,
    hot_files: hotFiles.length,
    files: hotFiles.map((f) => ({ file_path: f.file, agents: f.editors })),
    // The seed's flag said whether its MQTT tools work; here they read durable inbox rows, with or without a broker.
    mqtt_connected: true,
    mqtt: 'Messages are durable inbox rows (wait_for_message, get_queued_messages); coordinator/* topics when the server runs with mqtt_compat seed004.',
    quota: null,
    baton: { project: baton['project'], locks: baton['locks'], tasks: baton['tasks'], store: store['status'], last_event_id: baton['last_event_id'] },
  };
}

const statusTool = defineTool({
  name: 'coordinator_status',
  description: 'Full status: agents, threads (yours with their latest message), hot files, MQTT, quota.',
  mutating: false,
  idempotent: true,
  input: z.object({}),
  run: statusOf,
});

const seedTools = new Map([...agentTools, ...threadTools, statusTool].map((t) => [t.name, t]));

const introspectionTool = defineTool({
  name: 'introspection',
  description: "Every tool's full input schema and the Baton command it runs; tool names one.",
  mutating: false,
  idempotent: true,
  input: z.object({ tool: z.string().min(1).max(100).optional() }),
  run(_ctx, input) {
    const listed = tools.filter((t) => input.tool === undefined || t.name === input.tool);
    return Promise.resolve({
      count: listed.length,
      tools: listed.map((t) => ({ name: t.name, description: t.description, input_schema: z.toJSONSchema(t.input, { io: 'input', unrepresentable: 'any' }), maps_to: MAPS_TO[t.name] ?? '' })),
    });
  },
});

const tools: ProfileTool[] = Object.keys(MAPS_TO).map((name) => (name === 'introspection' ? introspectionTool : seedTools.get(name))).filter((t): t is ProfileTool => t !== undefined);

export const mcpCoordinatorProfile: Profile = {
  name: 'mcp-coordinator',
  seed: '004 mcp-coordinator (swoofer) 0.4',
  serverName: 'mcp-coordinator',
  instructions:
    'Before modifying a source file: register_agent with your name and modules; announce_work with target_files (and depends_on_files). If it returns a thread_id, settle it before writing: get_thread, post_to_thread, propose_resolution / approve_resolution. After a change, log_action_summary. Poll coordinator_status or get_thread_updates for new posts.',
  tools,
  resources: [],
  prompts: [],
};
