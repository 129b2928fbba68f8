/**
 * @module Answers 2026-07-28 requests at /mcp. The revision is stateless, so
 * one MCP server per toolset selection serves every client of it, and remembers
 * nobody: each request names its caller (token, X-Baton-Agent, X-Baton-Project
 * or ?project=, or the arguments). Tool calls run directly on that server's
 * callTool, answered as JSON, or as an event stream with progress when they may
 * block or asked for progress; closing the stream cancels them. server/discover
 * answers what initialize answers a 2025 client; subscriptions/listen streams
 * resource updates; lists, reads and prompts go through the SDK. Every result
 * carries resultType and the server's identity, cacheable ones their cache hints.
 */
import type { ServerResponse } from 'node:http';
import { LATEST_PROTOCOL_VERSION, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Caller } from '../../hub/context.js';
import type { Hub } from '../../hub/hub.js';
import type { EventFeed } from './event-feed.js';
import { JSON_TYPE, openEventStream, rpcErrorOf, sseEvent } from './http-wire.js';
import { createListenStreams } from './listen.js';
import type { Profile } from '../../profiles/profile.js';
import { buildMcpServer, type BatonMcpServer, type RequestExtra } from './mcp-server.js';
import { buildProfileServer } from './profile-server.js';
import { invalidParams } from './request-params.js';
import { META_SERVER_INFO, MODERN_REVISION, type ModernRequest } from './revisions.js';
import { StatelessTransport } from './stateless-transport.js';

export interface ModernEndpointOptions {
  hub: Hub;
  version: string;
  /** Toolsets the server offers: any of their tools may be called. */
  offered: readonly string[];
  feed: EventFeed;
  /** Whether a tools/call may block (or asked for progress): answered as an event stream. */
  streams(request: ModernRequest): boolean;
  /** At most this many subscriptions/listen streams are open at once. */
  maxListens: number;
}

export interface ModernEndpoint {
  /** Answers one request on `res`, for the toolsets (or the compatibility profile) the connection chose. */
  serve(request: ModernRequest, toolsets: readonly string[] | undefined, res: ServerResponse, caller: Caller, headers: Record<string, string | string[] | undefined>, profile?: Profile): void;
  /** Ends the listen streams gracefully, before the server drops its connections. */
  endStreams(): void;
  close(): Promise<void>;
}

/** The methods of the revision Baton serves (it offers no completions). */
const METHODS = new Set(['server/discover', 'tools/list', 'tools/call', 'prompts/list', 'prompts/get', 'resources/list', 'resources/templates/list', 'resources/read', 'subscriptions/listen']);

/**
 * How long a client may reuse a result (ms). The catalog changes only when the
 * server is upgraded; resources are live state. Private: a result may depend on
 * the caller's token.
 */
const TTL_MS: Readonly<Record<string, number>> = {
  'server/discover': 300_000,
  'tools/list': 300_000,
  'prompts/list': 300_000,
  'resources/list': 300_000,
  'resources/templates/list': 300_000,
  'resources/read': 0,
};

/** A server for one toolset selection, and what discovery says about it. */
interface Shared {
  server: BatonMcpServer;
  transport: StatelessTransport;
  discovery: Promise<Record<string, unknown>>;
}

const answer = (res: ServerResponse, status: number, message: JSONRPCMessage): void => {
  if (!res.destroyed) res.writeHead(status, { 'content-type': JSON_TYPE }).end(JSON.stringify(message));
};

export function createModernEndpoint(options: ModernEndpointOptions): ModernEndpoint {
  const { hub } = options;
  const serverInfo = { name: 'baton', version: options.version };
  const shared = new Map<string, Shared>();
  let last: { toolsets: readonly string[] | undefined; entry: Shared } | undefined;
  const listens = createListenStreams(hub, options.feed, serverInfo, options.maxListens);

  const identity = { [META_SERVER_INFO]: serverInfo };
  /** What every 2026 result carries on top of the method's own fields. */
  const stamp = (method: string, result: Record<string, unknown>): Record<string, unknown> => {
    const ttl = TTL_MS[method];
    const meta = result['_meta'] as Record<string, unknown> | undefined;
    const stamped = { ...result, resultType: 'complete', _meta: meta ? { ...meta, ...identity } : identity };
    return ttl === undefined ? stamped : { ...stamped, ttlMs: ttl, cacheScope: 'private' };
  };
  /** The revision has no -32002: a resource that is not found is invalid params. */
  const errorOf = (error: unknown): ReturnType<typeof rpcErrorOf> => {
    const body = rpcErrorOf(error);
    return body.code === -32002 ? { ...body, code: -32602 } : body;
  };

  function sharedFor(toolsets: readonly string[] | undefined, profile: Profile | undefined): Shared {
    // Most requests name no toolsets (the defaults): the same server as the last request.
    if (last && !profile && toolsets === last.toolsets) return last.entry;
    const key = profile ? `profile:${profile.name}` : toolsets === undefined ? '' : [...new Set(toolsets)].sort().join(',');
    const existing = shared.get(key);
    if (existing) {
      if (!profile) last = { toolsets, entry: existing };
      return existing;
    }
    const transport = new StatelessTransport();
    const callerOf = (extra: RequestExtra): Caller => transport.callerOf(extra.requestId);
    const server = profile
      ? buildProfileServer(hub, { version: options.version, profile, stateless: true, callerOf })
      : buildMcpServer(hub, { version: options.version, offered: options.offered, toolsets, feed: options.feed, stateless: true, callerOf });
    void server.mcp.connect(transport);
    // Discovery tells a 2026 client what initialize tells a 2025 one; asked once, of the server itself.
    const init = { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'baton-discovery', version: options.version } };
    const discovery = transport.request({ id: 0, method: 'initialize', params: init }, {}, {}).then((reply) => {
      const { capabilities, instructions } = (reply && 'result' in reply ? reply.result : {}) as { capabilities?: Record<string, unknown>; instructions?: string };
      // Log messages are session-scoped domain events: a 2026 client gets no notifications/message.
      const { logging: _logging, ...offered } = capabilities ?? {};
      return { supportedVersions: [MODERN_REVISION], capabilities: offered, ...(instructions ? { instructions } : {}) };
    });
    const entry = { server, transport, discovery };
    shared.set(key, entry);
    if (!profile) last = { toolsets, entry };
    return entry;
  }

  function callTool(request: ModernRequest, server: BatonMcpServer, res: ServerResponse, caller: Caller): void {
    const { name, arguments: args, _meta: meta } = request.params as ModernRequest['params'] & { name: string; arguments?: Record<string, unknown> };
    const done = (result: Record<string, unknown>): JSONRPCMessage => ({ jsonrpc: '2.0', id: request.id, result: stamp('tools/call', result) });
    const failed = (error: unknown): JSONRPCMessage => ({ jsonrpc: '2.0', id: request.id, error: errorOf(error) });
    if (!options.streams(request)) {
      server.callTool(name, args, caller).then(
        (result) => {
          answer(res, 200, done(result));
        },
        (error: unknown) => {
          answer(res, 200, failed(error));
        },
      );
      return;
    }
    const cancel = new AbortController();
    let answered = false;
    res.once('close', () => {
      // Closed before its answer: the client cancelled (the revision's cancellation over HTTP).
      if (!answered) cancel.abort();
    });
    openEventStream(res);
    const progressToken = meta['progressToken'] as string | number | undefined;
    const onProgress: Caller['onProgress'] =
      progressToken === undefined
        ? undefined
        : (elapsedMs, message) => {
            res.write(sseEvent({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken, progress: elapsedMs, message } }));
          };
    const end = (message: JSONRPCMessage): void => {
      answered = true;
      if (!res.destroyed) res.end(sseEvent(message));
    };
    server.callTool(name, args, { ...caller, signal: cancel.signal, onProgress }).then(
      (result) => {
        end(done(result));
      },
      (error: unknown) => {
        end(failed(error));
      },
    );
  }

  return {
    serve(request, toolsets, res, caller, headers, profile) {
      if (!METHODS.has(request.method)) {
        answer(res, 404, { jsonrpc: '2.0', id: request.id, error: { code: -32601, message: `Method not found: ${request.method} is not part of protocol revision ${MODERN_REVISION}.` } });
        return;
      }
      const invalid = invalidParams(request);
      if (invalid) {
        answer(res, 200, { jsonrpc: '2.0', id: request.id, error: invalid });
        return;
      }
      const { server, transport, discovery } = sharedFor(toolsets, profile);
      switch (request.method) {
        case 'tools/call':
          callTool(request, server, res, caller);
          return;
        case 'subscriptions/listen':
          void listens.open(request, res, caller);
          return;
        case 'server/discover':
          void discovery.then((result) => {
            answer(res, 200, { jsonrpc: '2.0', id: request.id, result: stamp(request.method, result) });
          });
          return;
        default: {
          const gone = new AbortController();
          res.once('close', () => {
            gone.abort();
          });
          void transport.request(request, caller, headers, gone.signal).then((reply) => {
            if (!reply) return;
            if ('result' in reply) answer(res, 200, { ...reply, result: stamp(request.method, reply.result) });
            else answer(res, 200, 'error' in reply ? { ...reply, error: errorOf(reply.error) } : reply);
          });
        }
      }
    },
    endStreams() {
      listens.close();
    },
    async close() {
      await Promise.all([...shared.values()].map((s) => s.transport.close()));
      shared.clear();
      last = undefined;
    },
  };
}
