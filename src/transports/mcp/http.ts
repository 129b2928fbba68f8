/**
 * @module MCP over Streamable HTTP at /mcp, for both protocol eras (see
 * revisions.ts). A 2026-07-28 request is a POST that carries its revision and
 * stands alone: it is answered by modern-endpoint.ts, with no session. 2025
 * clients open a session with `initialize`: POST carries messages, GET opens the
 * session's notification stream, DELETE ends it. A session is one MCP server
 * from buildMcpServer, kept until DELETE, idle expiry, or eviction at the cap
 * (session-pool.ts: least recently used first, never one with a call in flight); clients open a
 * new one when theirs is gone (404), as the stdio proxy does. Every request
 * passes the shared HTTP security (Host/Origin against DNS rebinding, bearer
 * tokens); `?toolsets=` and `?project=` shape what a request or session sees.
 */
import { randomUUID } from 'node:crypto';
import { SUPPORTED_PROTOCOL_VERSIONS, type JSONRPCMessage, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CoordinationError } from '../../core/errors.js';
import type { Caller } from '../../hub/context.js';
import { OPT_IN_TOOLSETS } from '../../hub/command.js';
import type { Hub } from '../../hub/hub.js';
import { callerFromHeaders, type HttpSecurityOptions } from '../http/security.js';
import { HTTP_STATUS, toCoordinationError, wireError } from '../wire-errors.js';
import { createEventFeed } from './event-feed.js';
import { HttpSessionTransport } from './http-transport.js';
import { profileNamed } from '../../profiles/index.js';
import type { Profile } from '../../profiles/profile.js';
import { buildMcpServer } from './mcp-server.js';
import { buildProfileServer } from './profile-server.js';
import { createModernEndpoint } from './modern-endpoint.js';
import { createSessionPool } from './session-pool.js';
import { classify, SERVED_REVISIONS } from './revisions.js';

export interface McpRouteOptions {
  hub: Hub;
  security: HttpSecurityOptions;
  version: string;
  /** Toolsets this server offers (all when undefined); a connection may choose fewer. */
  toolsets?: readonly string[] | undefined;
  /** A session without requests or an open stream for this long is closed (default 10 min). */
  sessionIdleMs?: number | undefined;
  /** At this many sessions, opening one evicts the least recently used idle one (default 10,000). */
  maxSessions?: number | undefined;
}

const DEFAULT_SESSION_IDLE_MS = 10 * 60_000;

interface Query {
  toolsets?: string;
  project?: string;
  profile?: string;
}

const rpcError = (reply: FastifyReply, status: number, code: number, message: string, data?: unknown, id: RequestId | null = null): FastifyReply =>
  reply.status(status).send({ jsonrpc: '2.0', id, error: { code, message, ...(data === undefined ? {} : { data }) } });

/** The id of a body that is one JSON-RPC request, for an error answering it (null when there is none to read). */
const requestIdOf = (body: unknown): RequestId | null => {
  const { method, id } = (typeof body === 'object' && body !== null ? body : {}) as { method?: unknown; id?: unknown };
  return typeof method === 'string' && (typeof id === 'string' || typeof id === 'number') ? id : null;
};

const isMessage = (m: unknown): m is JSONRPCMessage => {
  if (typeof m !== 'object' || m === null || (m as { jsonrpc?: unknown }).jsonrpc !== '2.0') return false;
  const { method, id } = m as { method?: unknown; id?: unknown };
  const validId = id === undefined || typeof id === 'string' || typeof id === 'number';
  return validId && (typeof method === 'string' || (id !== undefined && ('result' in m || 'error' in m)));
};

export function registerMcpRoute(app: FastifyInstance, options: McpRouteOptions): void {
  const { hub, security } = options;
  const feed = createEventFeed(hub.context.bus);
  const offered = options.toolsets ?? [...new Set(hub.commands.map((c) => c.toolset))].filter((t) => !OPT_IN_TOOLSETS.includes(t));
  // Blocking commands, and whether they block only when asked to (wait_seconds).
  const blocking = new Map(hub.commands.filter((c) => c.blocking).map((c) => [c.name, 'wait_seconds' in c.input.shape]));
  const maxSessions = options.maxSessions ?? 10_000;
  const sessions = createSessionPool<HttpSessionTransport>({
    max: maxSessions,
    idleMs: options.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS,
    keptWhenIdle: (t) => t.streaming,
    full: () => new CoordinationError('LIMIT_EXCEEDED', `This server holds ${maxSessions} MCP sessions, each with a call in flight; retry shortly.`, { limit: maxSessions }),
  });

  const modern = createModernEndpoint({ hub, version: options.version, offered, feed, streams: (m) => wantsStream(m, blocking), maxListens: maxSessions });

  const callerOf = (request: FastifyRequest): Caller => {
    const caller = { ...callerFromHeaders(request.headers, security), from: request.ip };
    return caller.project === undefined ? { ...caller, project: (request.query as Query).project } : caller;
  };

  /** The toolsets a request asks to list with ?toolsets= (`all`, names), or undefined for the defaults. */
  function toolsetsOf(request: FastifyRequest): readonly string[] | undefined {
    const wanted = (request.query as Query).toolsets?.split(',').map((t) => t.trim()).filter((t) => t !== '');
    const unknown = wanted?.filter((t) => t !== 'all' && !offered.includes(t)) ?? [];
    if (unknown.length > 0) throw new CoordinationError('INVALID_INPUT', `Toolset '${unknown.join(',')}' is not offered; this server offers ${offered.join(', ')} (or all).`, { field: 'toolsets' });
    return wanted;
  }

  /** The compatibility profile a request chose with ?profile= (src/profiles), or undefined for Baton's own catalog. */
  function profileOf(request: FastifyRequest): Profile | undefined {
    const name = (request.query as Query).profile;
    return name === undefined || name === '' ? undefined : profileNamed(name);
  }

  function openSession(request: FastifyRequest, caller: Caller): HttpSessionTransport {
    const profile = profileOf(request);
    const toolsets = toolsetsOf(request);
    const transport = new HttpSessionTransport(randomUUID());
    sessions.add(transport);
    const callerOf = (extra: { requestId: RequestId }): Caller => transport.callerOf(extra.requestId);
    const server = profile
      ? buildProfileServer(hub, { version: options.version, profile, project: caller.project, callerOf })
      : buildMcpServer(hub, { version: options.version, offered, toolsets, project: caller.project, feed, callerOf });
    transport.direct = server.callTool;
    transport.owner = request.headers.authorization;
    transport.onclose = () => {
      sessions.delete(transport);
    };
    // A revoked or expired token ends the sessions it opened, open notification streams included.
    caller.access?.revoked?.addEventListener('abort', () => void transport.close(), { once: true });
    void server.mcp.connect(transport);
    return transport;
  }

  app.addHook('preClose', (done) => {
    modern.endStreams();
    done();
  });
  app.addHook('onClose', async () => {
    await sessions.close();
    await modern.close();
    feed.close();
  });

  /** The session a request names, or an answer saying why there is none. */
  function sessionOf(request: FastifyRequest, reply: FastifyReply): HttpSessionTransport | undefined {
    const id = request.headers['mcp-session-id'];
    const version = request.headers['mcp-protocol-version'];
    if (typeof version === 'string' && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
      void rpcError(reply, 400, -32000, `Unsupported protocol version ${version} for a session; supported: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}.`);
      return undefined;
    }
    if (typeof id !== 'string') {
      const why = `Mcp-Session-Id header is required: send initialize first, or send ${SERVED_REVISIONS[0] ?? ''} requests, which carry their revision in params._meta and need no session.`;
      void rpcError(reply, 400, -32000, why, undefined, requestIdOf(request.body));
      return undefined;
    }
    const session = sessions.use(id);
    if (!session) void rpcError(reply, 404, -32001, 'Session not found: initialize a new session.');
    else if (session.owner !== request.headers.authorization) throw new CoordinationError('FORBIDDEN', 'This MCP session was opened with another token.');
    return session;
  }

  /** Refusals before the MCP layer (security, body, session) answer as JSON-RPC errors carrying the typed body. */
  const errorHandler = (error: FastifyError | CoordinationError, request: FastifyRequest, reply: FastifyReply): void => {
    const status = error instanceof CoordinationError ? HTTP_STATUS[error.code] : (error.statusCode ?? 500);
    const e =
      error instanceof CoordinationError
        ? error
        : error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? new CoordinationError('LIMIT_EXCEEDED', 'The request body is too large.', { limit: 'bodyLimit' })
          : status < 500
            ? new CoordinationError('INVALID_INPUT', `The request is malformed: ${error.message}.`, { field: 'body' })
            : toCoordinationError(error);
    if (e.code === 'UNAUTHORIZED') void reply.header('www-authenticate', 'Bearer');
    const code = e.code !== 'INVALID_INPUT' ? -32000 : e.details?.['field'] === 'body' ? -32700 : -32600;
    void rpcError(reply, status, code, e.message, wireError(e).error, requestIdOf(request.body));
  };

  app.post('/mcp', { errorHandler }, (request, reply) => {
    const caller = callerOf(request);
    const body = request.body;
    const messages = Array.isArray(body) ? (body as unknown[]) : [body];
    if (messages.length === 0 || !messages.every(isMessage)) return rpcError(reply, 400, -32600, 'Invalid Request: the body must be a JSON-RPC 2.0 message or a batch of them.');
    const era = classify(messages, Array.isArray(body), request.headers);
    if (era.era === 'refused') return rpcError(reply, era.status, era.code, era.message, era.data, era.id);
    if (era.era === 'modern') {
      if (!era.request) return reply.status(202).send();
      const toolsets = toolsetsOf(request);
      const profile = profileOf(request);
      reply.hijack();
      modern.serve(era.request, toolsets, reply.raw, caller, request.headers, profile);
      return undefined;
    }
    const initialize = messages.some((m) => 'method' in m && m.method === 'initialize');
    let session: HttpSessionTransport | undefined;
    if (initialize) {
      if (messages.length > 1 || request.headers['mcp-session-id'] !== undefined) return rpcError(reply, 400, -32600, 'Invalid Request: initialize comes alone and opens a new session.');
      session = openSession(request, caller);
    } else {
      session = sessionOf(request, reply);
      if (!session) return undefined;
    }
    const sse = messages.filter((m) => 'id' in m && 'method' in m).length > 1 || messages.some((m) => wantsStream(m, blocking));
    reply.hijack();
    session.post(messages, reply.raw, sse, caller, request.headers);
    return undefined;
  });

  app.get('/mcp', { errorHandler }, (request, reply) => {
    callerOf(request);
    const session = sessionOf(request, reply);
    if (!session) return undefined;
    if (!request.headers.accept?.includes('text/event-stream')) return rpcError(reply, 406, -32000, 'Not Acceptable: GET /mcp opens an event stream (Accept: text/event-stream).');
    reply.hijack();
    if (!session.openStream(reply.raw)) {
      reply.raw.writeHead(409, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'Conflict: this session already has an open stream.' } }));
    }
    return undefined;
  });

  app.delete('/mcp', { errorHandler }, async (request, reply) => {
    callerOf(request);
    const session = sessionOf(request, reply);
    if (!session) return undefined;
    await session.close();
    return reply.status(200).send();
  });
}

/**
 * A call that asked for progress, or that will block (a wait_* tool, or an acquire
 * with wait_seconds), is answered as an event stream: keep-alives flow while it waits.
 */
function wantsStream(m: JSONRPCMessage, blocking: ReadonlyMap<string, boolean>): boolean {
  if (!('method' in m) || !('id' in m)) return false;
  const params = m.params as { name?: unknown; arguments?: { wait_seconds?: unknown }; _meta?: { progressToken?: unknown } } | undefined;
  if (params?._meta?.progressToken !== undefined) return true;
  if (m.method !== 'tools/call' || typeof params?.name !== 'string') return false;
  const optIn = blocking.get(params.name);
  if (optIn === undefined) return false;
  return !optIn || (typeof params.arguments?.wait_seconds === 'number' && params.arguments.wait_seconds > 0);
}
