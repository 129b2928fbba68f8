/**
 * @module Seed tool names that are modes of a Baton command: callable (over MCP
 * and the hub) but never listed, so a seed user's instructions keep working
 * without the catalog paying for near-synonyms. Each names its command and the
 * inputs it always sends (`fixed`) or sends unless given (`defaults`). A later
 * profile per seed can list a subset of these under their own names.
 */

export interface HubAlias {
  command: string;
  fixed?: Record<string, unknown>;
  defaults?: Record<string, unknown>;
}

export const HUB_ALIASES: Readonly<Record<string, HubAlias>> = {
  renew_intent: { command: 'update_intent', fixed: { mode: 'renew' } },
  withdraw_intent: { command: 'update_intent', fixed: { mode: 'withdraw' } },
  done_intent: { command: 'update_intent', fixed: { mode: 'done' } },
  propose_resolution: { command: 'resolve_thread', fixed: { verb: 'propose' } },
  approve_resolution: { command: 'resolve_thread', fixed: { verb: 'approve' } },
  contest_resolution: { command: 'resolve_thread', fixed: { verb: 'contest' } },
  close_thread: { command: 'resolve_thread', fixed: { verb: 'close' } },
  cancel_thread: { command: 'resolve_thread', fixed: { verb: 'cancel' } },
  join_thread: { command: 'resolve_thread', fixed: { verb: 'join' } },
  get_thread: { command: 'list_threads' },
  get_thread_updates: { command: 'list_threads' },
  get_queued_messages: { command: 'get_inbox' },
  wait_for_message: { command: 'get_inbox', defaults: { wait_seconds: 50 } },
  hot_files: { command: 'file_activity', fixed: { mode: 'hot' } },
  get_session_files: { command: 'file_activity', fixed: { mode: 'recent' } },
  check_file_conflict: { command: 'file_activity', fixed: { mode: 'conflict' } },
  agent_activity: { command: 'file_activity', fixed: { mode: 'agents' } },
  get_blast_radius: { command: 'dependency_map' },
  get_module_info: { command: 'dependency_map' },
};

/** The command and input an alias call stands for, or undefined when `name` is no alias. */
export function resolveAlias(name: string, input: unknown): { command: string; input: unknown } | undefined {
  const alias = HUB_ALIASES[name];
  if (!alias) return undefined;
  const given = input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
  return { command: alias.command, input: { ...alias.defaults, ...given, ...alias.fixed } };
}
