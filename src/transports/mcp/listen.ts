/**
 * @module subscriptions/listen, the 2026-07-28 way to be told that something
 * changed: the request's answer is an event stream that stays open. It
 * acknowledges what it will send (resource updates for the baton:// resources
 * asked for; the tool, prompt and resource lists never change), then sends
 * notifications/resources/updated tagged with the subscription's id until the
 * client closes it, or answers the request (a graceful end) when the server
 * stops. A thread or inbox is honored only when the caller could read it, as
 * resources/subscribe does. Events come from the shared feed, in the caller's project.
 */
import type { ServerResponse } from 'node:http';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { CoordinationError } from '../../core/errors.js';
import type { Caller } from '../../hub/context.js';
import { HTTP_STATUS, jsonRpcError } from '../wire-errors.js';
import type { EventFeed } from './event-feed.js';
import { JSON_TYPE, openEventStream, sseEvent } from './http-wire.js';
import type { Hub } from '../../hub/hub.js';
import { servedResource } from './resource-catalog.js';
import { readServed, subscriptionKey } from './resources.js';
import { META_SERVER_INFO, META_SUBSCRIPTION_ID, type ModernRequest } from './revisions.js';

/** Coalescing window: a burst of events sends one update per resource. */
const NOTIFY_DELAY_MS = 25;

export interface ListenStreams {
  open(request: ModernRequest, res: ServerResponse, caller: Caller): Promise<void>;
  /** Ends every stream gracefully (server shutdown). */
  close(): void;
}

/** The filter's resource URIs, or why the filter is not one. */
function requestedUris(params: Record<string, unknown>): string[] | string {
  const filter: unknown = params['notifications'] ?? {};
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) return "'notifications' must be an object";
  const uris: unknown = (filter as Record<string, unknown>)['resourceSubscriptions'] ?? [];
  if (!Array.isArray(uris) || !uris.every((u): u is string => typeof u === 'string')) return "'notifications.resourceSubscriptions' must be an array of resource URIs";
  return uris;
}

/** The requested URIs this caller may listen to, each with the key it is notified under; unknown or unreadable ones are left out. */
async function honoredUris(hub: Hub, uris: readonly string[], caller: Caller): Promise<Map<string, string>> {
  const honored = new Map<string, string>();
  const most = hub.context.config.limits.subscriptionsPerConnection;
  for (const uri of uris) {
    const served = servedResource(uri);
    if (!served || honored.has(uri)) continue;
    if (most > 0 && honored.size >= most) break;
    if (served.kind === 'template') {
      const readable = await readServed(hub, served, caller).then(() => true, () => false);
      if (!readable) continue;
    }
    honored.set(uri, subscriptionKey(served, uri));
  }
  return honored;
}

export function createListenStreams(hub: Hub, feed: EventFeed, serverInfo: { name: string; version: string }, limit: number): ListenStreams {
  const open = new Map<ServerResponse, () => void>();

  const refuse = (res: ServerResponse, request: ModernRequest, status: number, error: { code: number; message: string; data?: unknown }): void => {
    res.writeHead(status, { 'content-type': JSON_TYPE }).end(JSON.stringify({ jsonrpc: '2.0', id: request.id, error }));
  };

  return {
    async open(request, res, caller) {
      const uris = requestedUris(request.params);
      if (typeof uris === 'string') {
        refuse(res, request, 200, { code: -32602, message: `Invalid params for subscriptions/listen: ${uris}.` });
        return;
      }
      const project = caller.project ?? 'default';
      const access = caller.access;
      if (access && !access.projects.includes('*') && !access.projects.includes(project)) {
        refuse(res, request, HTTP_STATUS.FORBIDDEN, jsonRpcError(new CoordinationError('FORBIDDEN', `This token is not scoped to project '${project}'.`, { project })));
        return;
      }
      const honored = await honoredUris(hub, uris, caller);
      if (res.destroyed) return;
      // Counted after the reads above: no await between this check and the stream's registration.
      if (open.size >= limit) {
        refuse(res, request, HTTP_STATUS.LIMIT_EXCEEDED, jsonRpcError(new CoordinationError('LIMIT_EXCEEDED', `This server holds ${limit} listen streams; close one or retry later.`, { limit })));
        return;
      }
      const tag = { [META_SUBSCRIPTION_ID]: request.id };
      const write = (m: JSONRPCMessage): void => {
        res.write(sseEvent(m));
      };
      openEventStream(res);
      write({ jsonrpc: '2.0', method: 'notifications/subscriptions/acknowledged', params: { _meta: tag, notifications: uris.length > 0 ? { resourceSubscriptions: [...honored.keys()] } : {} } });

      const pending = new Set<string>();
      let timer: NodeJS.Timeout | undefined;
      const membership = feed.join((_e, changed) => {
        for (const uri of changed) pending.add(uri);
        timer ??= setTimeout(() => {
          timer = undefined;
          for (const uri of pending) write({ jsonrpc: '2.0', method: 'notifications/resources/updated', params: { _meta: tag, uri } });
          pending.clear();
        }, NOTIFY_DELAY_MS);
      });
      membership.set(project, new Set(honored.values()), false);
      const leave = (): void => {
        membership.leave();
        clearTimeout(timer);
        open.delete(res);
      };
      open.set(res, () => {
        leave();
        write({ jsonrpc: '2.0', id: request.id, result: { resultType: 'complete', _meta: { ...tag, [META_SERVER_INFO]: serverInfo } } });
        res.end();
      });
      res.once('close', leave);
    },
    close() {
      for (const end of [...open.values()]) end();
    },
  };
}
