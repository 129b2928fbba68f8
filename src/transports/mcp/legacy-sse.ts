/**
 * @module The legacy HTTP+SSE transport (MCP 2024-11-05) at /sse, for the
 * power-pack profile: seed 000's users added it with
 * `claude mcp add coordination --transport sse --url http://…/sse`, and that
 * line keeps working with only the host and port changed. GET /sse opens the
 * session's event stream (its first event names the POST endpoint); each
 * message of the client is a POST to /sse/messages?sessionId=…, answered 202,
 * its reply sent on the stream. The SDK's SSEServerTransport still carries it
 * (deprecated in favour of Streamable HTTP at /mcp, which every new client
 * should use). Both routes pass the same Host/Origin check as every route (the
 * app's onRequest hook) and the same bearer token as /mcp; a session answers
 * only the token that opened it, and a revoked token ends it. Sessions follow
 * the policy of /mcp (session-pool.ts): a stream with no message for
 * `sessionIdleMs` is closed (the client's EventSource reconnects), and at the cap
 * the least recently used stream with nothing in flight is closed rather than
 * the newcomer refused; a stream that fails to start is not kept.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CoordinationError } from '../../core/errors.js';
import type { Caller } from '../../hub/context.js';
import type { Hub } from '../../hub/hub.js';
import { profileNamed } from '../../profiles/index.js';
import { callerFromHeaders, type HttpSecurityOptions } from '../http/security.js';
import { HTTP_STATUS, toCoordinationError, wireError } from '../wire-errors.js';
import { KEEPALIVE_MS } from './http-wire.js';
import type { RequestExtra } from './mcp-server.js';
import { buildProfileServer } from './profile-server.js';
import { createSessionPool, type PooledSession } from './session-pool.js';

export interface LegacySseOptions {
  hub: Hub;
  security: HttpSecurityOptions;
  version: string;
  /** Open streams at most (default 1,000); one more closes the least recently used idle one. */
  maxSessions?: number | undefined;
  /** A stream with no message for this long is closed (default 10 min, as on /mcp). */
  sessionIdleMs?: number | undefined;
}

const DEFAULT_SESSION_IDLE_MS = 10 * 60_000;

/** The profile the legacy path serves: the only seed whose documented transport it was. */
const PROFILE = 'power-pack';
const MESSAGES_PATH = '/sse/messages';

/** One open stream: its transport, who opened it, and the requests it is answering. */
class LegacySession implements PooledSession {
  lastSeen = Date.now();
  /** Ids of requests posted and not yet answered on the stream. */
  private readonly answering = new Set<RequestId>();

  // eslint-disable-next-line @typescript-eslint/no-deprecated -- serving the deprecated transport is the point: seed 000's clients speak it.
  readonly transport: SSEServerTransport;
  /** The Authorization header that opened it: another token may not post to it. */
  readonly owner: string | undefined;

  // eslint-disable-next-line @typescript-eslint/no-deprecated -- as above.
  constructor(transport: SSEServerTransport, owner: string | undefined) {
    this.transport = transport;
    this.owner = owner;
    // An answer leaves the stream through send: the request it answers is no longer in flight.
    const send = transport.send.bind(transport);
    transport.send = (message: JSONRPCMessage) => {
      if ('id' in message && message.id !== undefined && ('result' in message || 'error' in message)) this.answering.delete(message.id);
      return send(message);
    };
  }

  get sessionId(): string {
    return this.transport.sessionId;
  }

  get busy(): boolean {
    return this.answering.size > 0;
  }

  /** A POST arrived: it counts as use, and its requests are in flight until answered. */
  received(body: unknown): void {
    this.lastSeen = Date.now();
    for (const m of Array.isArray(body) ? (body as unknown[]) : [body]) {
      const { method, id } = (typeof m === 'object' && m !== null ? m : {}) as { method?: unknown; id?: unknown };
      if (typeof method === 'string' && (typeof id === 'string' || typeof id === 'number')) this.answering.add(id);
    }
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

export function registerLegacySseRoute(app: FastifyInstance, options: LegacySseOptions): void {
  const { hub, security } = options;
  const profile = profileNamed(PROFILE);
  const maxSessions = options.maxSessions ?? 1_000;
  const sessions = createSessionPool<LegacySession>({
    max: maxSessions,
    idleMs: options.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS,
    full: () => new CoordinationError('LIMIT_EXCEEDED', `This server holds ${maxSessions} legacy SSE sessions, each with a call in flight; retry shortly, or use Streamable HTTP at /mcp?profile=${PROFILE}.`, { limit: maxSessions }),
  });
  // The caller of each POST, keyed by the headers object the SDK hands back to the tool handler.
  const callers = new WeakMap<object, Caller>();

  const callerOf = (request: FastifyRequest): Caller => {
    const caller = { ...callerFromHeaders(request.headers, security), from: request.ip };
    return caller.project === undefined ? { ...caller, project: (request.query as { project?: string }).project } : caller;
  };

  const errorHandler = (error: FastifyError | CoordinationError, _request: FastifyRequest, reply: FastifyReply): void => {
    const e = error instanceof CoordinationError ? error : (error.statusCode ?? 500) < 500 ? new CoordinationError('INVALID_INPUT', `The request is malformed: ${error.message}.`, { field: 'body' }) : toCoordinationError(error);
    if (e.code === 'UNAUTHORIZED') void reply.header('www-authenticate', 'Bearer');
    void reply.status(HTTP_STATUS[e.code]).send(wireError(e));
  };

  app.get('/sse', { errorHandler }, async (request, reply) => {
    const caller = callerOf(request);
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- as above: the legacy transport for legacy clients.
    const session = new LegacySession(new SSEServerTransport(MESSAGES_PATH, reply.raw), request.headers.authorization);
    sessions.add(session);
    reply.hijack();
    const { transport } = session;
    const server = buildProfileServer(hub, {
      version: options.version,
      profile,
      project: caller.project,
      callerOf: (extra: RequestExtra) => callers.get(extra.requestInfo?.headers ?? {}) ?? {},
    });
    const keepalive = setInterval(() => reply.raw.write(': keepalive\n\n'), KEEPALIVE_MS).unref();
    transport.onclose = () => {
      clearInterval(keepalive);
      sessions.delete(session);
    };
    caller.access?.revoked?.addEventListener('abort', () => void transport.close(), { once: true });
    try {
      // connect() starts the transport: the stream opens and its first event names the POST endpoint.
      await server.mcp.connect(transport);
    } catch {
      // The stream could not start: nothing is kept for it.
      reply.raw.destroy();
      await transport.close();
      return;
    }
    // The client went away before the stream started: its close event has passed, so end the session here.
    if (reply.raw.destroyed) await transport.close();
  });

  app.post(MESSAGES_PATH, { errorHandler }, async (request, reply) => {
    const caller = callerOf(request);
    const id = (request.query as { sessionId?: unknown }).sessionId;
    const session = typeof id === 'string' ? sessions.use(id) : undefined;
    if (!session) throw new CoordinationError('NOT_FOUND', 'No such SSE session: open GET /sse again (it names the endpoint to post to).');
    if (session.owner !== request.headers.authorization) throw new CoordinationError('FORBIDDEN', 'This SSE session was opened with another token.');
    const headers: IncomingHttpHeaders = { ...request.headers };
    callers.set(headers, caller);
    session.received(request.body);
    try {
      await session.transport.handleMessage(request.body, { requestInfo: { headers } });
    } catch {
      throw new CoordinationError('INVALID_INPUT', 'The body is not one JSON-RPC 2.0 message.', { field: 'body' });
    }
    return reply.status(202).send();
  });

  // Before the server stops accepting: an open stream would otherwise hold the close.
  app.addHook('preClose', () => sessions.close());
}
