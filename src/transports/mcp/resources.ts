/**
 * @module MCP resources (baton://status, agents, locks, tasks), each read through
 * a hub command; subscriptions, limited to those resources, with
 * notifications/resources/updated when a domain event changes one; and the
 * connection's log level, under which domain events are sent as logging
 * notifications once the client sets one. Events arrive through the shared feed.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
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
import type { Caller } from '../../hub/context.js';
import type { Hub } from '../../hub/hub.js';
import { eventView } from '../../hub/views/records.js';
import { jsonRpcError, toCoordinationError } from '../wire-errors.js';
import type { EventFeed } from './event-feed.js';
import { RESOURCES } from './resource-catalog.js';

const LEVELS: readonly LoggingLevel[] = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];
const WARNING_EVENTS = new Set(['agent.abandoned', 'lease.expired', 'lease.broken', 'task.failed', 'task.requeued']);
const DEBUG_EVENTS = new Set(['lease.renewed', 'task.progress', 'lease.queued', 'lease.wait_ended']);
const levelOf = (e: BatonEvent): LoggingLevel => (WARNING_EVENTS.has(e.type) ? 'warning' : DEBUG_EVENTS.has(e.type) ? 'debug' : 'info');

/** Coalescing window for resource-updated notifications: a burst of events sends one per resource. */
const NOTIFY_DELAY_MS = 25;

const SERVED = new Set(RESOURCES.map((r) => r.uri));

/** A subscription to anything else would never be notified, and would only hold memory. */
function assertServed(uri: string): void {
  if (SERVED.has(uri)) return;
  const shown = uri.length > 80 ? `${uri.slice(0, 80)}…` : uri;
  throw new McpError(ErrorCode.InvalidParams, `Unknown resource '${shown}': this server serves ${[...SERVED].join(', ')}.`);
}

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

  server.setRequestHandler(SubscribeRequestSchema, (request) => {
    assertServed(request.params.uri);
    const most = hub.context.config.limits.subscriptionsPerConnection;
    if (most > 0 && !subscribed.has(request.params.uri) && subscribed.size >= most) {
      const { code, message, data } = jsonRpcError(new CoordinationError('LIMIT_EXCEEDED', `A session subscribes to at most ${most} resources; unsubscribe from one first.`, { limit: most }));
      throw new McpError(code, message, data);
    }
    subscribed.add(request.params.uri);
    refresh();
    return {};
  });
  server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
    subscribed.delete(request.params.uri);
    pending.delete(request.params.uri);
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
