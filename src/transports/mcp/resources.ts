/**
 * @module MCP resources (baton://status, agents, locks, tasks), each read through
 * a hub command; subscriptions with notifications/resources/updated when a domain
 * event changes what a resource shows; and the connection's log level, under which
 * domain events are sent as logging notifications once the client sets one.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  McpError,
  SetLevelRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type LoggingLevel,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import type { BatonEvent } from '../../core/events/event.js';
import type { Caller } from '../../hub/context.js';
import type { Hub } from '../../hub/hub.js';
import { eventView } from '../../hub/views.js';
import { jsonRpcError, toCoordinationError } from '../wire-errors.js';

interface ResourceSpec {
  uri: string;
  name: string;
  description: string;
  command: string;
}

const RESOURCES: readonly ResourceSpec[] = [
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

const LEVELS: readonly LoggingLevel[] = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];
const WARNING_EVENTS = new Set(['agent.abandoned', 'lease.expired', 'lease.broken', 'task.failed', 'task.requeued']);
const DEBUG_EVENTS = new Set(['lease.renewed', 'task.progress', 'lease.queued', 'lease.wait_ended']);
const levelOf = (e: BatonEvent): LoggingLevel => (WARNING_EVENTS.has(e.type) ? 'warning' : DEBUG_EVENTS.has(e.type) ? 'debug' : 'info');

/** Coalescing window for resource-updated notifications: a burst of events sends one per resource. */
const NOTIFY_DELAY_MS = 25;

export interface ResourceContext {
  /** The caller of one request, the connection's identity included. */
  callerOf: (extra: RequestHandlerExtra<ServerRequest, ServerNotification>) => Caller;
  /** The connection, whose project (which may change on register_agent) scopes notifications. */
  connection: { readonly project: string | undefined };
}

/** Registers the resources, subscriptions and logging; returns the function that stops them. */
export function registerResources(mcp: McpServer, hub: Hub, context: ResourceContext): () => void {
  const server = mcp.server;
  for (const spec of RESOURCES) {
    mcp.registerResource(spec.name, spec.uri, { description: spec.description, mimeType: 'application/json' }, async (uri, extra) => {
      const output = await hub.execute(spec.command, {}, context.callerOf(extra)).catch((error: unknown) => {
        const { code, message, data } = jsonRpcError(toCoordinationError(error));
        throw new McpError(code, message, data);
      });
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(output) }] };
    });
  }

  const subscribed = new Set<string>();
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let logLevel: number | undefined;
  // Any URI is accepted: one that no event changes simply never gets an update.
  server.setRequestHandler(SubscribeRequestSchema, (request) => {
    subscribed.add(request.params.uri);
    return {};
  });
  server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
    subscribed.delete(request.params.uri);
    pending.delete(request.params.uri);
    return {};
  });
  server.setRequestHandler(SetLevelRequestSchema, (request) => {
    logLevel = LEVELS.indexOf(request.params.level);
    return {};
  });

  const flush = (): void => {
    timer = undefined;
    for (const uri of pending) void server.sendResourceUpdated({ uri }).catch(() => undefined);
    pending.clear();
  };
  const unsubscribe = hub.context.bus.subscribe('*', (e) => {
    if (e.project !== (context.connection.project ?? 'default')) return;
    for (const uri of resourcesChangedBy(e)) if (subscribed.has(uri)) pending.add(uri);
    if (pending.size > 0) timer ??= setTimeout(flush, NOTIFY_DELAY_MS);
    const level = levelOf(e);
    if (logLevel !== undefined && LEVELS.indexOf(level) >= logLevel) {
      void server.notification({ method: 'notifications/message', params: { level, logger: 'baton', data: eventView(e) } }).catch(() => undefined);
    }
  });
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
}
