/**
 * @module The MCP resources this server serves (each read through a hub
 * command): the project-wide ones at fixed URIs, and templates naming one
 * object (a thread, an agent's inbox); which URI a request names, and which
 * resources a domain event changes.
 */
import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
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

export interface ResourceTemplateSpec {
  template: string;
  name: string;
  description: string;
  command: string;
  /** The command's input for the template's one variable (already decoded). */
  input: (id: string) => Record<string, unknown>;
}

const THREAD_TEMPLATE = 'baton://threads/{thread_id}';
const INBOX_TEMPLATE = 'baton://agents/{agent_id}/inbox';
// Thread and agent ids use only characters a URI path segment allows as they are: no escaping.
const threadUri = (id: string): string => `baton://threads/${id}`;
const inboxUri = (agent: string): string => `baton://agents/${agent}/inbox`;

export const RESOURCE_TEMPLATES: readonly ResourceTemplateSpec[] = [
  { template: THREAD_TEMPLATE, name: 'thread', description: 'One thread and its first posts (list_threads with thread_id).', command: 'list_threads', input: (id) => ({ thread_id: id }) },
  // An agent token may read only its own inbox (the hub refuses acting as another agent unless admin).
  { template: INBOX_TEMPLATE, name: 'inbox', description: "An agent's unread deliveries (get_inbox); yours unless admin.", command: 'get_inbox', input: (id) => ({ agent_id: id }) },
];

const MATCHERS = RESOURCE_TEMPLATES.map((spec) => ({ spec, template: new UriTemplate(spec.template) }));
const FIXED = new Map(RESOURCES.map((r) => [r.uri, r]));
/** Longer URIs name no resource (ids are at most 128 characters), and are not worth matching. */
const MAX_URI = 400;

/** What a served URI reads: a fixed resource, or a template with its decoded id and the URI events are sent under. */
export type ServedResource = { kind: 'fixed'; spec: ResourceSpec } | { kind: 'template'; spec: ResourceTemplateSpec; id: string; canonical: string };

/** The resource `uri` names, or undefined when this server serves no such URI. */
export function servedResource(uri: string): ServedResource | undefined {
  const fixed = FIXED.get(uri);
  if (fixed) return { kind: 'fixed', spec: fixed };
  if (uri.length > MAX_URI) return undefined;
  for (const { spec, template } of MATCHERS) {
    const raw = template.match(uri);
    const value = raw ? Object.values(raw)[0] : undefined;
    if (typeof value !== 'string') continue;
    try {
      const id = decodeURIComponent(value);
      return { kind: 'template', spec, id, canonical: spec.template.replace(/\{[^}]+\}/, () => id) };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** What the server serves, as a refusal names it. */
export const SERVED_NAMES = [...RESOURCES.map((r) => r.uri), ...RESOURCE_TEMPLATES.map((t) => t.template)].join(', ');

/** The resources whose content a domain event changes. */
export function resourcesChangedBy(e: BatonEvent): string[] {
  // A post changes its thread and reaches each recipient's inbox; status counts the unread.
  if (e.type === 'message.posted') return [threadUri(e.data.thread_id), ...e.data.to.map(inboxUri), 'baton://status'];
  const family = e.type.slice(0, e.type.indexOf('.'));
  switch (family) {
    case 'agent':
      return ['baton://agents', 'baton://status'];
    case 'lease':
      return 'kind' in e.data && e.data.kind === 'lock' ? ['baton://locks', 'baton://status'] : ['baton://status'];
    case 'task':
      return ['baton://tasks', 'baton://status'];
    case 'thread':
      return [threadUri(e.subject), 'baton://status'];
    case 'service':
    case 'intent':
    case 'file':
      // Status shows live intents and hot files.
      return ['baton://status'];
    default:
      return [];
  }
}
