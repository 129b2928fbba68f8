/**
 * @module The MCP resources this server serves (each read through a hub command)
 * and which of them a domain event changes.
 */
import type { BatonEvent } from '../../core/events/event.js';

export interface ResourceSpec {
  uri: string;
  name: string;
  description: string;
  command: string;
}

export const RESOURCES: readonly ResourceSpec[] = [
  { uri: 'baton://status', name: 'status', description: 'The project at a glance (coordinator_status).', command: 'coordinator_status' },
  { uri: 'baton://agents', name: 'agents', description: 'Agents with status and activity (list_agents).', command: 'list_agents' },
  { uri: 'baton://locks', name: 'locks', description: 'Held locks and waiters (list_locks).', command: 'list_locks' },
  { uri: 'baton://tasks', name: 'tasks', description: 'The task graph (get_all_tasks).', command: 'get_all_tasks' },
];

/** The resources whose content a domain event changes. */
export function resourcesChangedBy(e: BatonEvent): string[] {
  const family = e.type.slice(0, e.type.indexOf('.'));
  switch (family) {
    case 'agent':
      return ['baton://agents', 'baton://status'];
    case 'lease':
      return 'kind' in e.data && e.data.kind === 'lock' ? ['baton://locks', 'baton://status'] : ['baton://status'];
    case 'task':
      return ['baton://tasks', 'baton://status'];
    case 'service':
      return ['baton://status'];
    default:
      return [];
  }
}
