/**
 * @module The REST route of every hub command under /api/v1. A test checks that
 * every command has exactly one route.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Route {
  method: HttpMethod;
  /** OpenAPI-style path below /api/v1, with {param} segments. */
  path: string;
}

export const API_PREFIX = '/api/v1';

export const ROUTES: Readonly<Record<string, Route>> = {
  register_agent: { method: 'POST', path: '/agents' },
  list_agents: { method: 'GET', path: '/agents' },
  wait_for_peers: { method: 'GET', path: '/agents/wait' },
  heartbeat: { method: 'POST', path: '/agents/{agent_id}/heartbeat' },
  sign_off: { method: 'POST', path: '/agents/{agent_id}/sign-off' },

  list_locks: { method: 'GET', path: '/locks' },
  check_lock: { method: 'GET', path: '/locks/{name}' },
  acquire_lock: { method: 'POST', path: '/locks/{name}/acquire' },
  release_lock: { method: 'POST', path: '/locks/{name}/release' },
  renew_lock: { method: 'POST', path: '/locks/{name}/renew' },

  reserve_files: { method: 'POST', path: '/reservations' },
  list_reservations: { method: 'GET', path: '/reservations' },
  release_files: { method: 'POST', path: '/reservations/release' },
  check_file_conflict: { method: 'POST', path: '/reservations/check' },

  add_task: { method: 'POST', path: '/tasks' },
  get_all_tasks: { method: 'GET', path: '/tasks' },
  get_available_tasks: { method: 'GET', path: '/tasks/available' },
  claim_task: { method: 'POST', path: '/tasks/claim' },
  get_task: { method: 'GET', path: '/tasks/{task_id}' },
  update_task: { method: 'POST', path: '/tasks/{task_id}/update' },
  release_task: { method: 'POST', path: '/tasks/{task_id}/release' },
  reset_failed_task: { method: 'POST', path: '/tasks/{task_id}/reset' },

  claim_worker_slot: { method: 'POST', path: '/workers/claim' },
  release_worker_slot: { method: 'POST', path: '/workers/release' },
  get_workers: { method: 'GET', path: '/workers' },

  list_scopes: { method: 'GET', path: '/state' },
  list_keys: { method: 'GET', path: '/state/{scope}' },
  delete_scope: { method: 'DELETE', path: '/state/{scope}' },
  retrieve_data: { method: 'GET', path: '/state/{scope}/{key}' },
  store_data: { method: 'PUT', path: '/state/{scope}/{key}' },
  delete_data: { method: 'DELETE', path: '/state/{scope}/{key}' },

  publish_event: { method: 'POST', path: '/events' },
  get_events: { method: 'GET', path: '/events' },
  wait_for_events: { method: 'GET', path: '/events/wait' },

  register_service: { method: 'POST', path: '/services' },
  list_services: { method: 'GET', path: '/services' },
  report_health: { method: 'POST', path: '/services/{service_id}/health' },

  coordinator_status: { method: 'GET', path: '/status' },
  health_check: { method: 'GET', path: '/health' },
};
