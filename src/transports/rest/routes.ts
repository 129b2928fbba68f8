/**
 * @module The REST routes under /api/v1: one per hub command, plus a few alias
 * routes that keep earlier paths (and the seeds' names) working as a mode of a
 * command, with fixed or default inputs. A test checks that every command has
 * exactly one route and every alias names a command.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Route {
  method: HttpMethod;
  /** OpenAPI-style path below /api/v1, with {param} segments. */
  path: string;
}

export interface AliasRoute extends Route {
  /** The alias's own name (its OpenAPI operationId): an earlier command or a seed's tool. */
  name: string;
  command: string;
  /** Inputs the alias always sends (its mode of the command). */
  fixed?: Record<string, unknown>;
  /** Inputs the alias sends unless the request gives them. */
  defaults?: Record<string, unknown>;
}

export const API_PREFIX = '/api/v1';

export const ROUTES: Readonly<Record<string, Route>> = {
  start_session: { method: 'POST', path: '/sessions' },
  end_session: { method: 'POST', path: '/sessions/end' },
  register_agent: { method: 'POST', path: '/agents' },
  list_agents: { method: 'GET', path: '/agents' },
  heartbeat: { method: 'POST', path: '/agents/{agent_id}/heartbeat' },
  sign_off: { method: 'POST', path: '/agents/{agent_id}/sign-off' },

  coordinator_status: { method: 'GET', path: '/status' },
  health_check: { method: 'GET', path: '/health' },

  list_locks: { method: 'GET', path: '/locks' },
  acquire_lock: { method: 'POST', path: '/locks/{name}/acquire' },
  release_lock: { method: 'POST', path: '/locks/{name}/release' },
  break_lease: { method: 'POST', path: '/leases/break' },

  reserve_files: { method: 'POST', path: '/reservations' },
  list_reservations: { method: 'GET', path: '/reservations' },
  release_files: { method: 'POST', path: '/reservations/release' },

  add_task: { method: 'POST', path: '/tasks' },
  get_all_tasks: { method: 'GET', path: '/tasks' },
  claim_task: { method: 'POST', path: '/tasks/claim' },
  get_task: { method: 'GET', path: '/tasks/{task_id}' },
  update_task: { method: 'POST', path: '/tasks/{task_id}/update' },
  reset_failed_task: { method: 'POST', path: '/tasks/{task_id}/reset' },

  claim_worker_slot: { method: 'POST', path: '/workers/claim' },
  release_worker_slot: { method: 'POST', path: '/workers/release' },
  get_workers: { method: 'GET', path: '/workers' },

  list_keys: { method: 'GET', path: '/state' },
  delete_scope: { method: 'DELETE', path: '/state/{scope}' },
  retrieve_data: { method: 'GET', path: '/state/{scope}/{key}' },
  store_data: { method: 'PUT', path: '/state/{scope}/{key}' },
  delete_data: { method: 'DELETE', path: '/state/{scope}/{key}' },

  publish_event: { method: 'POST', path: '/events' },
  get_events: { method: 'GET', path: '/events' },

  register_service: { method: 'POST', path: '/services' },
  list_services: { method: 'GET', path: '/services' },
  report_health: { method: 'POST', path: '/services/{service_id}/health' },

  announce_work: { method: 'POST', path: '/intents' },
  list_intents: { method: 'GET', path: '/intents' },
  update_intent: { method: 'POST', path: '/intents/{intent_id}' },
  list_threads: { method: 'GET', path: '/threads' },
  post_to_thread: { method: 'POST', path: '/threads/{thread_id}/posts' },
  resolve_thread: { method: 'POST', path: '/threads/{thread_id}/resolve' },
  send_message: { method: 'POST', path: '/messages' },
  get_inbox: { method: 'GET', path: '/inbox' },
  ack_messages: { method: 'POST', path: '/inbox/ack' },
  record_file_edit: { method: 'POST', path: '/activity/edits' },
  file_activity: { method: 'GET', path: '/activity' },
  log_action_summary: { method: 'POST', path: '/activity/actions' },
  set_dependency_map: { method: 'PUT', path: '/depmap' },
  dependency_map: { method: 'GET', path: '/depmap' },
};

export const ALIAS_ROUTES: readonly AliasRoute[] = [
  { name: 'check_lock', method: 'GET', path: '/locks/{name}', command: 'list_locks' },
  { name: 'renew_lock', method: 'POST', path: '/locks/{name}/renew', command: 'acquire_lock' },
  { name: 'wait_for_peers', method: 'GET', path: '/agents/wait', command: 'list_agents', defaults: { wait_seconds: 50 } },
  { name: 'check_file_conflict', method: 'POST', path: '/reservations/check', command: 'reserve_files', fixed: { dry_run: true } },
  { name: 'get_available_tasks', method: 'GET', path: '/tasks/available', command: 'get_all_tasks', fixed: { status: ['ready'] } },
  { name: 'release_task', method: 'POST', path: '/tasks/{task_id}/release', command: 'update_task', fixed: { status: 'released' } },
  { name: 'list_scope_keys', method: 'GET', path: '/state/{scope}', command: 'list_keys' },
  { name: 'wait_for_events', method: 'GET', path: '/events/wait', command: 'get_events', defaults: { wait_seconds: 50 } },
  { name: 'get_thread', method: 'GET', path: '/threads/{thread_id}', command: 'list_threads' },
  { name: 'wait_for_message', method: 'GET', path: '/inbox/wait', command: 'get_inbox', defaults: { wait_seconds: 50 } },
  { name: 'hot_files', method: 'GET', path: '/activity/hot', command: 'file_activity', fixed: { mode: 'hot' } },
  { name: 'get_blast_radius', method: 'GET', path: '/depmap/radius', command: 'dependency_map' },
];
