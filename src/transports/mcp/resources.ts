/**
 * @module MCP resources (baton://status, agents, locks, tasks; the templates
 * baton://threads/{thread_id} and baton://agents/{agent_id}/inbox), each read
 * through a hub command as the caller, so scoped like any read; subscriptions,
 * limited to those resources (one naming an object only once the caller could
 * read it; at most the limit subscriptionsPerConnection in all), with
 * notifications/resources/updated when a domain event changes one; and the
 * connection's log level, under which domain events are sent as logging
 * notifications once the client sets one. Events arrive through the shared feed.
 */
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  ErrorCode,
  McpError,
  SetLevelRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type LoggingLevel,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { CoordinationError } from '../../core/errors.js';
import type { BatonEvent } from '../../core/events/event.js';
import type { CommandOutput } from '../../hub/command.js';
import type { Caller } from '../../hub/context.js';
import type { Hub } from '../../hub/hub.js';
import { eventView } from '../../hub/views/records.js';
import { jsonRpcError, toCoordinationError } from '../wire-errors.js';
import type { EventFeed } from './event-feed.js';
import { RESOURCE_TEMPLATES, RESOURCES, SERVED_NAMES, servedResource, type ServedResource } from './resource-catalog.js';

const LEVELS: readonly LoggingLevel[] = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];
const WARNING_EVENTS = new Set(['agent.abandoned', 'lease.expired', 'lease.broken', 'task.failed', 'task.requeued']);
const DEBUG_EVENTS = new Set(['lease.renewed', 'task.progress', 'lease.queued', 'lease.wait_ended']);
const levelOf = (e: BatonEvent): LoggingLevel => (WARNING_EVENTS.has(e.type) ? 'warning' : DEBUG_EVENTS.has(e.type) ? 'debug' : 'info');

/** Coalescing window for resource-updated notifications: a burst of events sends one per resource. */
const NOTIFY_DELAY_MS = 25;


/** A subscription to anything else would never be notified, and would only hold memory. */
function assertServed(uri: string): ServedResource {
  const served = servedResource(uri);
  if (served) return served;
  const shown = uri.length > 80 ? `${uri.slice(0, 80)}…` : uri;
  throw new McpError(ErrorCode.InvalidParams, `Unknown resource '${shown}': this server serves ${SERVED_NAMES}.`);
}

const asMcpError = (error: unknown): McpError => {
  const { code, message, data } = jsonRpcError(toCoordinationError(error));
  return new McpError(code, message, data);
};

/** Reads a served resource as `caller` (the hub checks its token's project, role and agent); McpError on refusal. */
export function readServed(hub: Hub, served: ServedResource, caller: Caller): Promise<CommandOutput> {
  const input = served.kind === 'template' ? served.spec.input(served.id) : {};
  return hub.execute(served.spec.command, input, caller).catch((error: unknown) => {
    throw asMcpError(error);
  });
}

/** The key a subscription is held and notified under: an object's URI with its id decoded. */
export const subscriptionKey = (served: ServedResource, uri: string): string => (served.kind === 'template' ? served.canonical : uri);

export interface ResourceContext {
  /** The caller of one request, the connection's identity included. */
  callerOf: (extra: RequestHandlerExtra<ServerRequest, ServerNotification>) => Caller;
  /** The connection, whose project (which may change on register_agent) scopes notifications. */
  connection: { readonly project: string | undefined };
  feed: EventFeed;
}

export interface ConnectionResources {
  /** Re-reads the connection's project (after register_agent moved it). */
  refresh(): void;
  dispose(): void;
}

/** Registers the resources, subscriptions and logging of one connection. */
export function registerResources(mcp: McpServer, hub: Hub, context: ResourceContext): ConnectionResources {
  const server = mcp.server;
  const read = async (uri: URL, extra: RequestHandlerExtra<ServerRequest, ServerNotification>) => {
    const output = await readServed(hub, assertServed(uri.href), context.callerOf(extra));
    return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(output) }] };
  };
  for (const spec of RESOURCES) mcp.registerResource(spec.name, spec.uri, { description: spec.description, mimeType: 'application/json' }, read);
  // Templates are listed by resources/templates/list; their objects are not enumerated in resources/list.
  for (const spec of RESOURCE_TEMPLATES) {
    mcp.registerResource(spec.name, new ResourceTemplate(spec.template, { list: undefined }), { description: spec.description, mimeType: 'application/json' }, (uri, _variables, extra) => read(uri, extra));
  }

  const subscribed = new Set<string>();
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let logLevel: number | undefined;

  const flush = (): void => {
    timer = undefined;
    for (const uri of pending) void server.sendResourceUpdated({ uri }).catch(() => undefined);
    pending.clear();
  };
  const membership = context.feed.join((e, changed) => {
    for (const uri of changed) pending.add(uri);
    if (pending.size > 0) timer ??= setTimeout(flush, NOTIFY_DELAY_MS);
    const level = levelOf(e);
    if (logLevel !== undefined && LEVELS.indexOf(level) >= logLevel) {
      void server.notification({ method: 'notifications/message', params: { level, logger: 'baton', data: eventView(e) } }).catch(() => undefined);
    }
  });
  const refresh = (): void => {
    membership.set(context.connection.project ?? 'default', subscribed, logLevel !== undefined);
  };

  server.setRequestHandler(SubscribeRequestSchema, async (request, extra) => {
    const served = assertServed(request.params.uri);
    const key = subscriptionKey(served, request.params.uri);
    const most = hub.context.config.limits.subscriptionsPerConnection;
    const full = (): boolean => most > 0 && !subscribed.has(key) && subscribed.size >= most;
    const refuse = (): never => {
      throw asMcpError(new CoordinationError('LIMIT_EXCEEDED', `A session subscribes to at most ${most} resources; unsubscribe from one first.`, { limit: most }));
    };
    if (full()) refuse();
    if (served.kind === 'template' && !subscribed.has(key)) {
      // You may subscribe to what you may read: a thread of another project, or another agent's inbox, is refused here.
      await readServed(hub, served, context.callerOf(extra));
      // Other subscribes may have landed while the read was out.
      if (full()) refuse();
    }
    subscribed.add(key);
    refresh();
    return {};
  });
  server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
    const served = servedResource(request.params.uri);
    const key = served ? subscriptionKey(served, request.params.uri) : request.params.uri;
    subscribed.delete(key);
    pending.delete(key);
    refresh();
    return {};
  });
  server.setRequestHandler(SetLevelRequestSchema, (request) => {
    logLevel = LEVELS.indexOf(request.params.level);
    refresh();
    return {};
  });

  return {
    refresh,
    dispose() {
      membership.leave();
      if (timer) clearTimeout(timer);
    },
  };
}
