/**
 * @module The original seed servers' catalogs, rebuilt from what their documents
 * publish (/work/shared/seeds): each tool's name, argument names and types and
 * the one-line description of its README, in the shape its SDK advertises —
 * FastMCP (Python) for seeds 000 and 002 (a title per property, the defaults, an
 * `…Arguments` title), the TypeScript SDK with zod for seed 001 ($schema,
 * additionalProperties). The originals' own descriptions are their docstrings,
 * which are longer than a README line (seed 002's run to paragraphs), so these
 * figures are a lower bound of what the originals cost. Seed 004's arguments are
 * its tool sources' of the 0.4 line (swoofer/mcp-coordinator src/tools/*), with
 * its README's one-liners and no property descriptions (later versions describe
 * every property). Seed 003 is a proposal with no server: it has no catalog to compare.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';

type Kind = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'any';
interface Arg {
  name: string;
  kind: Kind;
  optional?: boolean;
  default?: unknown;
}

const title = (name: string): string => name.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');

/** A tool as Python FastMCP advertises it. */
function fastmcp(name: string, description: string, args: Arg[]): Tool {
  const properties = Object.fromEntries(
    args.map((a) => [a.name, { ...(a.kind === 'any' ? {} : { type: a.kind }), title: title(a.name), ...(a.default === undefined ? {} : { default: a.default }) }]),
  );
  const required = args.filter((a) => !a.optional && a.default === undefined).map((a) => a.name);
  return { name, description, inputSchema: { type: 'object', properties, ...(required.length > 0 ? { required } : {}), title: `${name}Arguments` } };
}

/** A tool as the TypeScript SDK advertises a zod shape. */
function tsSdk(name: string, description: string, args: Arg[]): Tool {
  const properties = Object.fromEntries(args.map((a) => [a.name, a.kind === 'array' ? { type: 'array', items: { type: 'string' } } : { type: a.kind }]));
  const required = args.filter((a) => !a.optional).map((a) => a.name);
  return { name, description, inputSchema: { type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false, $schema: 'http://json-schema.org/draft-07/schema#' } };
}

export interface SeedCatalog {
  source: string;
  tools: Tool[];
  instructions?: string;
}

export const SEED_CATALOGS: Readonly<Record<string, SeedCatalog>> = {
  'power-pack': {
    source: "seed 000's README tools, FastMCP shape",
    tools: [
      fastmcp('acquire_lock', 'Acquire distributed lock', [{ name: 'lock_name', kind: 'string' }, { name: 'timeout', kind: 'integer', default: 300 }]),
      fastmcp('release_lock', 'Release held lock', [{ name: 'lock_name', kind: 'string' }]),
      fastmcp('check_lock', 'Check lock availability', [{ name: 'lock_name', kind: 'string' }]),
      fastmcp('list_locks', 'List locks matching pattern', [{ name: 'pattern', kind: 'string', default: '*' }]),
      fastmcp('register_session', 'Register session for tracking', [{ name: 'metadata', kind: 'object', default: null }]),
      fastmcp('heartbeat', 'Update session heartbeat', []),
      fastmcp('session_status', 'Show all sessions and states', []),
      fastmcp('health_check', 'Check Redis connection', []),
    ],
  },
  'task-coordinator': {
    source: "seed 001's README tools, TypeScript SDK shape",
    tools: [
      tsSdk('claim_worker_slot', 'Claim an available worker slot', []),
      tsSdk('release_worker_slot', 'Release a worker slot when done', [{ name: 'slot', kind: 'number' }]),
      tsSdk('get_workers', 'View all worker slots and their status', []),
      tsSdk('add_task', 'Add a new task', [{ name: 'id', kind: 'string' }, { name: 'description', kind: 'string' }, { name: 'dependencies', kind: 'array', optional: true }, { name: 'output', kind: 'string', optional: true }]),
      tsSdk('get_available_tasks', 'Get tasks ready to work on', []),
      tsSdk('get_all_tasks', 'View all tasks and their status', []),
      tsSdk('claim_task', 'Claim a task', [{ name: 'taskId', kind: 'string' }, { name: 'workerId', kind: 'string' }, { name: 'workerSlot', kind: 'number' }]),
      tsSdk('update_task', 'Update task status', [{ name: 'taskId', kind: 'string' }, { name: 'status', kind: 'string' }, { name: 'workerId', kind: 'string' }, { name: 'output', kind: 'string', optional: true }, { name: 'error', kind: 'string', optional: true }]),
      tsSdk('reset_failed_task', 'Reset a failed task to available', [{ name: 'taskId', kind: 'string' }]),
    ],
  },
  'session-coordinator': {
    source: "seed 002's README tools and signatures, FastMCP shape (its docstrings are far longer)",
    tools: [
      fastmcp('sign_on', 'Claim an instance and establish session identity', [{ name: 'session_id', kind: 'string', default: null }]),
      fastmcp('store_data', 'Store data in scoped contexts', [{ name: 'scope', kind: 'string' }, { name: 'key', kind: 'string' }, { name: 'value', kind: 'any' }]),
      fastmcp('retrieve_data', 'Retrieve stored data', [{ name: 'scope', kind: 'string' }, { name: 'key', kind: 'string' }]),
      fastmcp('list_keys', 'Discover available keys in a scope', [{ name: 'scope', kind: 'string' }]),
      fastmcp('list_scopes', 'List all scopes with optional filtering', [{ name: 'pattern', kind: 'string', default: null }]),
      fastmcp('delete_data', 'Remove specific data', [{ name: 'scope', kind: 'string' }, { name: 'key', kind: 'string' }]),
      fastmcp('delete_scope', 'Remove entire scope', [{ name: 'scope', kind: 'string' }]),
      fastmcp('sign_off', 'Release session instance', []),
    ],
  },
  'mcp-coordinator': {
    source: "seed 004's 26 tools plus introspection (0.4 sources' arguments, README one-liners), TypeScript SDK shape",
    tools: [
      tsSdk('register_agent', 'Register as online with name and module list', [{ name: 'agent_id', kind: 'string' }, { name: 'name', kind: 'string' }, { name: 'modules', kind: 'array' }]),
      tsSdk('list_agents', 'List all registered online agents', []),
      tsSdk('heartbeat', 'Update last-seen and derive activity status', [{ name: 'agent_id', kind: 'string' }, { name: 'current_file', kind: 'string', optional: true }, { name: 'current_thread', kind: 'string', optional: true }]),
      tsSdk('agent_activity', 'Get activity status for all online agents', []),
      tsSdk('wait_for_peers', 'Block until N peers online, or timeout (prevents race before first announce)', [{ name: 'agent_id', kind: 'string' }, { name: 'min_peers', kind: 'number', optional: true }, { name: 'timeout_seconds', kind: 'number', optional: true }]),
      tsSdk('announce_work', 'Open a consultation thread — the main entry point before coding', [
        { name: 'agent_id', kind: 'string' }, { name: 'subject', kind: 'string' }, { name: 'plan', kind: 'string', optional: true }, { name: 'target_modules', kind: 'array' }, { name: 'target_files', kind: 'array' },
        { name: 'depends_on_files', kind: 'array', optional: true }, { name: 'exports_affected', kind: 'array', optional: true }, { name: 'keep_open', kind: 'boolean', optional: true }, { name: 'assigned_to', kind: 'string', optional: true },
      ]),
      tsSdk('post_to_thread', 'Post a message (warning, context, question) to an open thread', [
        { name: 'thread_id', kind: 'string' }, { name: 'agent_id', kind: 'string' }, { name: 'agent_name', kind: 'string', optional: true }, { name: 'type', kind: 'string' }, { name: 'content', kind: 'string' },
        { name: 'context_snapshot', kind: 'string', optional: true }, { name: 'in_reply_to', kind: 'string', optional: true },
      ]),
      tsSdk('propose_resolution', 'Submit a resolution proposal for participants to approve', [{ name: 'thread_id', kind: 'string' }, { name: 'agent_id', kind: 'string' }, { name: 'summary', kind: 'string' }]),
      tsSdk('approve_resolution', 'Approve the current resolution proposal', [{ name: 'thread_id', kind: 'string' }, { name: 'agent_id', kind: 'string' }]),
      tsSdk('contest_resolution', 'Reject the proposal with a reason — resets to `open`', [{ name: 'thread_id', kind: 'string' }, { name: 'agent_id', kind: 'string' }, { name: 'reason', kind: 'string' }]),
      tsSdk('close_thread', 'Close a thread after work is complete', [{ name: 'thread_id', kind: 'string' }, { name: 'agent_id', kind: 'string' }, { name: 'summary', kind: 'string' }]),
      tsSdk('cancel_thread', 'Cancel a thread (work abandoned or no longer relevant)', [{ name: 'thread_id', kind: 'string' }, { name: 'agent_id', kind: 'string' }, { name: 'reason', kind: 'string', optional: true }]),
      tsSdk('get_thread', 'Get a thread with all messages and current status', [{ name: 'thread_id', kind: 'string' }]),
      tsSdk('get_thread_updates', 'Poll for new messages since a timestamp', [{ name: 'agent_id', kind: 'string' }, { name: 'since', kind: 'string', optional: true }]),
      tsSdk('list_threads', 'List threads, filterable by status or agent', [{ name: 'status', kind: 'string', optional: true }, { name: 'agent_id', kind: 'string', optional: true }, { name: 'module', kind: 'string', optional: true }]),
      tsSdk('log_action_summary', 'Log a one-liner action summary for the dashboard timeline', [{ name: 'session_id', kind: 'string' }, { name: 'agent_id', kind: 'string' }, { name: 'file_path', kind: 'string', optional: true }, { name: 'summary', kind: 'string' }]),
      tsSdk('hot_files', 'List files being edited by multiple agents', [{ name: 'since_minutes', kind: 'number', optional: true }]),
      tsSdk('get_session_files', 'Get all files edited by an agent in the current session', [{ name: 'session_id', kind: 'string' }]),
      tsSdk('check_file_conflict', 'Check whether another agent edited a given file recently', [{ name: 'file_path', kind: 'string' }, { name: 'agent_id', kind: 'string' }, { name: 'within_minutes', kind: 'number', optional: true }]),
      tsSdk('set_dependency_map', 'Load a module dependency graph (JSON)', [{ name: 'modules', kind: 'string' }]),
      tsSdk('get_blast_radius', 'Calculate which other modules are affected by changes', [{ name: 'module_id', kind: 'string' }]),
      tsSdk('get_module_info', 'Get dependency and dependent info for a module', [{ name: 'module_id', kind: 'string' }]),
      tsSdk('wait_for_message', "Block until a coordination message arrives on the agent's topic", [{ name: 'agent_id', kind: 'string' }, { name: 'timeout_seconds', kind: 'number', optional: true }]),
      tsSdk('get_queued_messages', 'Drain all queued messages without blocking', [{ name: 'agent_id', kind: 'string' }]),
      tsSdk('mqtt_publish', 'Publish a raw message to any MQTT topic', [{ name: 'topic', kind: 'string' }, { name: 'payload', kind: 'string' }]),
      tsSdk('coordinator_status', 'Full system status: agents, threads, file activity, MQTT, quota', []),
      tsSdk('introspection', 'Returns the full schema for every tool', []),
    ],
  },
};
