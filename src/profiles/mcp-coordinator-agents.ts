/**
 * @module Profile `mcp-coordinator` (seed 004), its agent registry, file
 * tracking, dependency map and MQTT tools over Baton's presence, file-activity,
 * depmap and inbox commands. The seed passes `agent_id` on every call; here it
 * is optional (the connection's agent otherwise) and, when given, the call runs
 * as that agent, so a bound token still decides who may act as whom.
 */
import { z } from 'zod';
import { invalidInput } from '../core/errors.js';
import type { CommandOutput } from '../hub/command.js';
import { allPages } from './pages.js';
import { defineTool, type ProfileContext, type ProfileTool } from './profile.js';

export const agentId = z.string().min(1).max(128).optional();
const minutes = z.number().int().min(1).max(1440).optional();
/** The seed's wait default (15 s); Baton bounds every wait at 50 s. */
const DEFAULT_MESSAGE_WAIT_S = 15;
const MAX_WAIT_S = 50;

/** Runs hub commands as `id` when the seed named an agent, else as the connection's agent. */
export function actor(ctx: ProfileContext, id: string | undefined) {
  return {
    run: (command: string, input: Record<string, unknown> = {}): Promise<CommandOutput> => (id === undefined ? ctx.run(command, input) : ctx.runAs(id, command, input)),
    id: async (): Promise<string> => id ?? (await ctx.agent()),
  };
}

interface AgentRow {
  id: string;
  name?: string;
  status: string;
  modules?: string[];
  last_seen_s?: number;
  activity?: string;
  current_file?: string;
}
interface ActivityRow {
  agent_id: string;
  status: string;
  activity?: string;
  current_file?: string;
  awaited_in?: string[];
}
interface Delivery {
  seq: number;
  thread_id: string;
  from: string;
  type?: string;
  text?: string;
}

/** A live agent as the seed's registry lists it. */
export const agentView = (a: AgentRow) => ({ id: a.id, name: a.name ?? a.id, modules: a.modules ?? [], status: a.status, ...(a.activity ? { activity: a.activity } : {}) });

/** The seed's activity states: working, idle, waiting (on a thread), offline. */
const activityView = (a: ActivityRow) => ({
  agent_id: a.agent_id,
  activity_status: a.activity === 'working' || a.activity === 'waiting' ? a.activity : a.awaited_in ? 'waiting' : 'idle',
  current_file: a.current_file ?? null,
  current_thread: a.awaited_in?.[0] ?? null,
});

/** A delivery as the seed's MQTT queue held it: the thread, who, what. */
const messageView = (d: Delivery) => ({ id: d.seq, thread_id: d.thread_id, agent_id: d.from, type: d.type ?? 'context', content: d.text ?? '' });

async function liveAgents(ctx: ProfileContext, all: boolean): Promise<AgentRow[]> {
  const status = all ? ['active', 'idle', 'stale', 'unresponsive', 'abandoned', 'offline'] : undefined;
  return (await allPages(ctx, 'list_agents', { ...(status ? { status } : {}), detail: true, limit: 200 }, 'agents')).rows as AgentRow[];
}

export const agentTools: ProfileTool[] = [
  defineTool({
    name: 'register_agent',
    description: 'Register as online with name and module list.',
    mutating: true,
    idempotent: true,
    input: z.object({ agent_id: agentId, name: z.string().max(500).optional(), modules: z.array(z.string().min(1).max(200)).max(100).optional() }),
    async run(ctx, input) {
      const as = actor(ctx, input.agent_id);
      const out = await as.run('register_agent', { ...(input.name ? { name: input.name } : {}), modules: input.modules ?? [] });
      ctx.adopt(String(out['agent_id']));
      // agent_id too: the stdio proxy learns the session's agent from it, as from Baton's own register_agent.
      return { id: out['agent_id'], agent_id: out['agent_id'], name: input.name ?? out['agent_id'], modules: input.modules ?? [], status: 'online', baton_status: out['status'] };
    },
  }),
  defineTool({
    name: 'list_agents',
    description: 'Online agents (online_only: false adds those gone).',
    mutating: false,
    idempotent: true,
    input: z.object({ online_only: z.boolean().optional() }),
    async run(ctx, input) {
      const agents = (await liveAgents(ctx, input.online_only === false)).map(agentView);
      return { count: agents.length, agents };
    },
  }),
  defineTool({
    name: 'heartbeat',
    description: 'Update last-seen, current file and thread.',
    mutating: true,
    idempotent: true,
    input: z.object({ agent_id: agentId, current_file: z.string().max(1000).optional(), current_thread: z.string().max(128).optional() }),
    async run(ctx, input) {
      const activity = input.current_thread ? 'waiting' : input.current_file ? 'working' : undefined;
      const out = await actor(ctx, input.agent_id).run('heartbeat', { ...(activity ? { activity } : {}), ...(input.current_file ? { current_file: input.current_file } : {}) });
      return { agent_id: out['agent_id'], activity_status: activity ?? 'idle', current_file: input.current_file ?? null, current_thread: input.current_thread ?? null, status: out['status'] };
    },
  }),
  defineTool({
    name: 'agent_activity',
    description: 'Activity of each online agent: working, idle or waiting, current file and thread.',
    mutating: false,
    idempotent: true,
    input: z.object({}),
    async run(ctx) {
      const out = await ctx.read('file_activity', { mode: 'agents', limit: 200 });
      return { agents: ((out['agents'] ?? []) as unknown as ActivityRow[]).map(activityView) };
    },
  }),
  defineTool({
    name: 'wait_for_peers',
    description: 'Wait until min_peers (default 1) other agents are online, ≤ 50 s (default 30).',
    mutating: false,
    idempotent: true,
    input: z.object({ agent_id: agentId, min_peers: z.number().int().min(1).max(999).optional(), timeout_seconds: z.number().min(0).max(3600).optional() }),
    async run(ctx, input) {
      const as = actor(ctx, input.agent_id);
      // The caller counts among the active agents list_agents waits for: it says it is here first.
      await as.run('heartbeat', {});
      const me = await as.id();
      const started = Date.now();
      const out = await as.run('list_agents', { count: (input.min_peers ?? 1) + 1, wait_seconds: Math.min(input.timeout_seconds ?? 30, MAX_WAIT_S), status: ['active'], limit: 200 });
      const peers = ((out['agents'] ?? []) as AgentRow[]).filter((a) => a.id !== me).map((a) => ({ id: a.id, name: a.name ?? a.id }));
      const ready = peers.length >= (input.min_peers ?? 1);
      return { ready, ...(ready ? {} : { timeout: true }), online_peers: peers, waited_ms: Date.now() - started };
    },
  }),
  defineTool({
    name: 'hot_files',
    description: 'Files edited by several agents in the last since_minutes (default 30).',
    mutating: false,
    idempotent: true,
    input: z.object({ since_minutes: minutes }),
    async run(ctx, input) {
      const out = await ctx.read('file_activity', { mode: 'hot', window_minutes: input.since_minutes ?? 30, limit: 50 });
      return { files: ((out['files'] ?? []) as { file: string; editors: string[]; last_at: string; edits?: number }[]).map((f) => ({ file_path: f.file, agents: f.editors, last_modified: f.last_at, edits: f.edits })) };
    },
  }),
  defineTool({
    name: 'get_session_files',
    description: "Files an agent's session edited (session_id is its agent id).",
    mutating: false,
    idempotent: true,
    input: z.object({ session_id: z.string().min(1).max(128) }),
    async run(ctx, input) {
      const out = await ctx.read('file_activity', { mode: 'recent', agent: input.session_id, window_minutes: 1440, limit: 200 });
      return { session_id: input.session_id, files: ((out['files'] ?? []) as { file: string; last_at: string; edits?: number }[]).map((f) => ({ file_path: f.file, last_modified: f.last_at, edits: f.edits })) };
    },
  }),
  defineTool({
    name: 'check_file_conflict',
    description: 'Whether another agent edited or announced a file within within_minutes (default 30).',
    mutating: false,
    idempotent: true,
    input: z.object({ file_path: z.string().min(1).max(500), agent_id: agentId, within_minutes: minutes }),
    async run(ctx, input) {
      const out = await actor(ctx, input.agent_id).run('file_activity', { mode: 'conflict', files: [input.file_path], window_minutes: input.within_minutes ?? 30 });
      const row = ((out['files'] ?? []) as { editors: string[]; last_at: string; intents?: string[] }[])[0];
      return { conflict: out['conflict'] === true, file_path: input.file_path, agents: row?.editors ?? [], ...(row?.intents ? { announced_by: row.intents } : {}) };
    },
  }),
  defineTool({
    name: 'set_dependency_map',
    description: 'Replace the module dependency graph: JSON {module: {depends_on: [...]}} or {file: [deps]}.',
    mutating: true,
    destructive: true,
    input: z.object({ modules: z.union([z.string().max(8 * 1024 * 1024), z.record(z.string(), z.json())]) }),
    async run(ctx, input) {
      let modules: unknown = input.modules;
      if (typeof modules === 'string') {
        try {
          modules = JSON.parse(modules);
        } catch {
          throw invalidInput('modules is not valid JSON: send the dependency map as a JSON object (or its text).', { field: 'modules' });
        }
      }
      const out = await ctx.run('set_dependency_map', { modules, source: 'mcp-coordinator' });
      return { ok: true, version: out['version'], modules: out['modules'] };
    },
  }),
  defineTool({
    name: 'get_blast_radius',
    description: 'Modules or files affected by changing module_id (what depends on it, depth ≤ 10, default 3).',
    mutating: false,
    idempotent: true,
    input: z.object({ module_id: z.string().min(1).max(500), depth: z.number().int().min(1).max(10).optional() }),
    async run(ctx, input) {
      const out = await ctx.read('dependency_map', { file: input.module_id, depth: input.depth ?? 3 });
      const nodes = (out['nodes'] ?? []) as { node: string; depth: number; via: string }[];
      return { module_id: input.module_id, affected: nodes.map((n) => n.node), nodes, ...(out['truncated'] ? { truncated: true } : {}), ...(out['intents'] ? { active_intents: out['intents'] } : {}), ...(out['tasks'] ? { claimed_tasks: out['tasks'] } : {}) };
    },
  }),
  defineTool({
    name: 'get_module_info',
    description: 'What module_id depends on and what depends on it.',
    mutating: false,
    idempotent: true,
    input: z.object({ module_id: z.string().min(1).max(500) }),
    async run(ctx, input) {
      const out = await ctx.read('dependency_map', { file: input.module_id, depth: 1 });
      return { module_id: input.module_id, depends_on: out['depends_on'] ?? [], dependents: out['dependents'] ?? [], map_version: out['version'] };
    },
  }),
  defineTool({
    name: 'wait_for_message',
    description: 'Wait for your next message (thread post, direct or broadcast), ≤ 50 s (default 15).',
    mutating: true,
    input: z.object({ agent_id: agentId, timeout_seconds: z.number().min(0).max(3600).optional() }),
    async run(ctx, input) {
      const as = actor(ctx, input.agent_id);
      const out = await as.run('get_inbox', { limit: 1, wait_seconds: Math.min(input.timeout_seconds ?? DEFAULT_MESSAGE_WAIT_S, MAX_WAIT_S) });
      const first = ((out['deliveries'] ?? []) as Delivery[])[0];
      if (!first) return { timeout: true };
      // The seed took one message off the queue: acknowledging it is that, and it stays readable in the thread.
      await as.run('ack_messages', { seqs: [first.seq] });
      return { ...messageView(first), queued_remaining: Math.max(0, Number(out['unread_count']) - 1) };
    },
  }),
  defineTool({
    name: 'get_queued_messages',
    description: 'Your unread messages, marked read (require_ack: true holds them until you pass back batch_id as ack).',
    mutating: true,
    input: z.object({ agent_id: agentId, require_ack: z.boolean().optional(), ack: z.string().max(40).optional() }),
    async run(ctx, input) {
      const as = actor(ctx, input.agent_id);
      if (input.ack !== undefined) {
        const upTo = Number(input.ack);
        if (!Number.isSafeInteger(upTo) || upTo < 0) throw invalidInput(`ack '${input.ack.slice(0, 40)}' is not a batch_id this tool returned.`, { field: 'ack' });
        await as.run('ack_messages', { up_to: upTo });
      }
      const out = await as.run('get_inbox', { limit: 100 });
      const deliveries = (out['deliveries'] ?? []) as Delivery[];
      const last = deliveries.at(-1)?.seq;
      const messages = deliveries.map(messageView);
      if (input.require_ack) return { messages, batch_id: last === undefined ? null : String(last) };
      if (last !== undefined) await as.run('ack_messages', { up_to: last });
      return { messages, ...(out['truncated'] ? { more: true } : {}) };
    },
  }),
  defineTool({
    name: 'mqtt_publish',
    description: "Publish a JSON payload on a topic ('coordinator/broadcast' reaches every subscriber).",
    mutating: true,
    input: z.object({ topic: z.string().min(1).max(200), payload: z.string().max(64 * 1024) }),
    async run(ctx, input) {
      // The seed's topics live under coordinator/; Baton's custom topics do not repeat the prefix (the push layer adds it back).
      const topic = input.topic.replace(/^coordinator\//, '');
      let payload: unknown = input.payload;
      try {
        payload = JSON.parse(input.payload);
      } catch {
        // Not JSON: published as the text it is.
      }
      const out = await ctx.run('publish_event', { topic, payload });
      return { published: true, topic: input.topic, event_id: (out['event'] as { id: number }).id };
    },
  }),
];
