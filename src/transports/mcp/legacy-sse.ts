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
 * only the token that opened it, and a revoked token ends it.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
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

export interface LegacySseOptions {
  hub: Hub;
  security: HttpSecurityOptions;
  version: string;
  /** Open streams at most (default 1,000); one more is refused with LIMIT_EXCEEDED. */
  maxSessions?: number | undefined;
}

/** The profile the legacy path serves: the only seed whose documented transport it was. */
const PROFILE = 'power-pack';
const MESSAGES_PATH = '/sse/messages';

interface LegacySession {
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- serving the deprecated transport is the point: seed 000's clients speak it.
  transport: SSEServerTransport;
  /** The Authorization header that opened it: another token may not post to it. */
  owner: string | undefined;
}

export function registerLegacySseRoute(app: FastifyInstance, options: LegacySseOptions): void {
  const { hub, security } = options;
  const profile = profileNamed(PROFILE);
  const sessions = new Map<string, LegacySession>();
  const maxSessions = options.maxSessions ?? 1_000;
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
    if (sessions.size >= maxSessions) throw new CoordinationError('LIMIT_EXCEEDED', `This server holds ${maxSessions} legacy SSE sessions; retry shortly, or use Streamable HTTP at /mcp?profile=${PROFILE}.`, { limit: maxSessions });
    reply.hijack();
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- as above: the legacy transport for legacy clients.
    const transport = new SSEServerTransport(MESSAGES_PATH, reply.raw);
    const server = buildProfileServer(hub, {
      version: options.version,
      profile,
      project: caller.project,
      callerOf: (extra: RequestExtra) => callers.get(extra.requestInfo?.headers ?? {}) ?? {},
    });
    const keepalive = setInterval(() => reply.raw.write(': keepalive\n\n'), KEEPALIVE_MS).unref();
    sessions.set(transport.sessionId, { transport, owner: request.headers.authorization });
    transport.onclose = () => {
      clearInterval(keepalive);
      sessions.delete(transport.sessionId);
    };
    caller.access?.revoked?.addEventListener('abort', () => void transport.close(), { once: true });
    // connect() starts the transport: the stream opens and its first event names the POST endpoint.
    await server.mcp.connect(transport);
  });

  app.post(MESSAGES_PATH, { errorHandler }, async (request, reply) => {
    const caller = callerOf(request);
    const id = (request.query as { sessionId?: unknown }).sessionId;
    const session = typeof id === 'string' ? sessions.get(id) : undefined;
    if (!session) throw new CoordinationError('NOT_FOUND', 'No such SSE session: open GET /sse again (it names the endpoint to post to).');
    if (session.owner !== request.headers.authorization) throw new CoordinationError('FORBIDDEN', 'This SSE session was opened with another token.');
    const headers: IncomingHttpHeaders = { ...request.headers };
    callers.set(headers, caller);
    try {
      await session.transport.handleMessage(request.body, { requestInfo: { headers } });
    } catch {
      throw new CoordinationError('INVALID_INPUT', 'The body is not one JSON-RPC 2.0 message.', { field: 'body' });
    }
    return reply.status(202).send();
  });

  // Before the server stops accepting: an open stream would otherwise hold the close.
  app.addHook('preClose', async () => {
    await Promise.all([...sessions.values()].map((s) => s.transport.close()));
  });
}
