/**
 * @module WebSocket at /api/ws (@fastify/websocket): the app's Host/Origin check
 * and the bearer token run before the upgrade, like every route. One socket
 * subscribes to several projects (types, topic filters, an `after` cursor each)
 * and may call any hub command with the same errors as REST. Reads the one
 * durable log through project-feed.ts, so a client resuming from its last id sees
 * no gap and no duplicate. A socket whose unsent buffer passes the bound is closed
 * (4008) and resumes from its last id; a socket that misses a ping is dropped.
 *
 * Browsers cannot set headers on a WebSocket: they offer the subprotocols
 * `baton` and `baton.token.<base64url token>`, and name the project and agent
 * with ?project= and ?agent_id=.
 */
import type { Duplex } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { CoordinationError } from '../../core/errors.js';
import type { Caller } from '../../hub/context.js';
import type { Hub } from '../../hub/hub.js';
import { callerFromHeaders, type HttpSecurityOptions } from '../http/security.js';
import { followProject, type ProjectFeed } from '../push/project-feed.js';
import { batchThisTick, drained } from '../push/write-batch.js';
import { toCoordinationError, wireError } from '../wire-errors.js';
import { eventFrame } from './ws-frames.js';
import { cursorFor, parseClientMessage, type ClientMessage, type SubscribeMessage } from './ws-protocol.js';

export interface WsRouteOptions {
  hub: Hub;
  security: HttpSecurityOptions;
  /** Unsent bytes after which a live socket is closed as a slow consumer (default 1 MiB). */
  maxBufferedBytes?: number | undefined;
  /** Ping interval (default 25 s); a socket that has not answered the previous ping is dropped. */
  pingIntervalMs?: number | undefined;
}

const WS_PATH = '/api/ws';
const WS_SUBPROTOCOL = 'baton';
const TOKEN_PROTOCOL_PREFIX = 'baton.token.';
const MAX_IN_FLIGHT_CALLS = 32;
/** Close codes (4000-4999 are the application's). */
const REVOKED = 4001;
const SLOW_CONSUMER = 4008;
const CLOSE_GRACE_MS = 5_000;

const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** The offered subprotocols, and the token one of them carries. */
function offeredProtocols(request: FastifyRequest): { protocols: string[]; token: string | undefined } {
  const protocols = (first(request.headers['sec-websocket-protocol']) ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');
  const carrier = protocols.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX));
  return { protocols, token: carrier === undefined ? undefined : Buffer.from(carrier.slice(TOKEN_PROTOCOL_PREFIX.length), 'base64url').toString('utf8') };
}

/** Who the socket acts as: the headers (or the token subprotocol), with ?project= and ?agent_id= for browsers. */
function callerOf(request: FastifyRequest, security: HttpSecurityOptions): Caller {
  const { token } = offeredProtocols(request);
  const headers = token !== undefined && request.headers.authorization === undefined ? { ...request.headers, authorization: `Bearer ${token}` } : request.headers;
  const caller = callerFromHeaders(headers, security);
  const query = request.query as Record<string, string | undefined>;
  return { ...caller, project: query['project'] ?? caller.project, agentId: caller.access?.agent ?? query['agent_id'] ?? caller.agentId };
}

/**
 * Picks `baton` (or `mqtt`, for MQTT over WebSocket at /mqtt) when offered: a client
 * that offered subprotocols fails the connection unless one is selected.
 */
export function selectProtocol(protocols: Set<string>): string | false {
  if (protocols.has(WS_SUBPROTOCOL)) return WS_SUBPROTOCOL;
  return protocols.has('mqtt') ? 'mqtt' : false;
}

export function registerWsRoute(app: FastifyInstance, options: WsRouteOptions): void {
  const { hub, security } = options;
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  const pingMs = options.pingIntervalMs ?? 25_000;
  const callers = new WeakMap<FastifyRequest, Caller>();

  app.get(WS_PATH, {
    websocket: true,
    // Before the upgrade: a bad token is a plain 401 answer, never an open socket.
    preValidation: (request, _reply, done) => {
      try {
        callers.set(request, callerOf(request, security));
        done();
      } catch (error) {
        done(error as Error);
      }
    },
  }, (socket: WebSocket, request: FastifyRequest) => {
    const caller = callers.get(request) ?? {};
    serveSocket(socket, { hub, caller, maxBuffered, pingMs, raw: request.raw.socket });
    // A revoked, rotated or expired token ends the sockets it opened (4001: authenticate again).
    const revoked = caller.access?.revoked;
    const endRevoked = (): void => { socket.close(REVOKED, 'token revoked or expired'); };
    revoked?.addEventListener('abort', endRevoked, { once: true });
    socket.on('close', () => { revoked?.removeEventListener('abort', endRevoked); });
  });
}

interface SocketContext {
  hub: Hub;
  /** The upgraded TCP socket under `socket`: corked around a replay's page, its 'drain' paces the replay. */
  raw: Duplex;
  caller: Caller;
  maxBuffered: number;
  pingMs: number;
}

function serveSocket(socket: WebSocket, ctx: SocketContext): void {
  const { hub } = ctx;
  const feeds = new Map<string, ProjectFeed>();
  /** Projects whose subscription is being checked (the hub call before the feed opens). */
  const reserved = new Set<string>();
  const abort = new AbortController();
  let inFlight = 0;
  let closing = false;
  let answeredPing = true;

  const sendJson = (message: unknown): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  const sendError = (error: unknown, about: Record<string, unknown>): void => {
    sendJson({ op: 'error', ...about, ...wireError(toCoordinationError(error)) });
  };
  const stopFeeds = (): void => {
    for (const feed of feeds.values()) feed.close();
    feeds.clear();
  };
  const closeSlow = (): void => {
    if (closing) return;
    closing = true;
    stopFeeds();
    socket.close(SLOW_CONSUMER, 'slow consumer: reconnect and resume after your last id');
    // The close frame waits behind the unsent buffer; a reader that never drains is cut.
    setTimeout(() => { socket.terminate(); }, CLOSE_GRACE_MS).unref();
  };
  /** Sends a frame; a live event past the bound closes the socket, a replayed one only slows the replay. */
  const deliver = (frame: Buffer, live: boolean): boolean => {
    if (closing || socket.readyState !== socket.OPEN) return true;
    if (!live) batchThisTick(ctx.raw);
    socket.send(frame, { binary: false });
    if (socket.bufferedAmount <= ctx.maxBuffered) return true;
    if (live) closeSlow();
    return false;
  };

  async function subscribe(message: SubscribeMessage): Promise<void> {
    const projects = [...new Set(message.projects)];
    const most = hub.context.config.limits.subscriptionsPerConnection;
    // Projects of subscriptions still being checked count too: frames sent at once cannot pass the bound together.
    const fresh = projects.filter((p) => !feeds.has(p) && !reserved.has(p));
    if (most > 0 && feeds.size + reserved.size + fresh.length > most) {
      sendError(new CoordinationError('LIMIT_EXCEEDED', `A socket follows at most ${most} projects; unsubscribe from some first.`, { limit: most }), { ref: message.ref });
      return;
    }
    for (const project of fresh) reserved.add(project);
    try {
      await subscribeTo(message, projects);
    } finally {
      for (const project of fresh) reserved.delete(project);
    }
  }

  async function subscribeTo(message: SubscribeMessage, projects: string[]): Promise<void> {
    const selection = { types: message.types ? new Set<string>(message.types) : null, topics: message.topics ?? null };
    for (const project of projects) {
      const after = cursorFor(message, project);
      try {
        // The hub checks the project id, the token's scope, the agent binding and the cursor (EVENTS_GAP), as for SSE.
        // Passed as the caller's project, not an argument: a project with no events yet may be followed (its first write comes later).
        const probe = await hub.execute('get_events', { after, limit: 1 }, { ...ctx.caller, project });
        if (closing) return;
        feeds.get(project)?.close();
        feeds.set(project, followProject({
          hub, project, after, selection,
          deliver: (e, live) => deliver(eventFrame(e, live), live),
          drained: () => drained(ctx.raw),
          failed: (error) => {
            feeds.delete(project);
            sendError(error, { ref: message.ref, project });
          },
        }));
        sendJson({ op: 'subscribed', ref: message.ref, project, after, last_id: probe['last_id'] });
      } catch (error) {
        sendError(error, { ref: message.ref, project });
      }
    }
  }

  async function call(message: Extract<ClientMessage, { op: 'call' }>): Promise<void> {
    if (inFlight >= MAX_IN_FLIGHT_CALLS) {
      sendError(new CoordinationError('LIMIT_EXCEEDED', `At most ${MAX_IN_FLIGHT_CALLS} calls may be in flight on one socket.`, { limit: MAX_IN_FLIGHT_CALLS }), { id: message.id });
      return;
    }
    inFlight++;
    try {
      const result = await hub.execute(message.command, message.input ?? {}, { ...ctx.caller, signal: abort.signal });
      sendJson({ op: 'result', id: message.id, result });
    } catch (error) {
      sendError(error, { id: message.id });
    } finally {
      inFlight--;
    }
  }

  socket.on('message', (data, isBinary) => {
    if (closing) return;
    let message: ClientMessage;
    try {
      if (isBinary) throw new CoordinationError('INVALID_INPUT', 'Send text frames (JSON), not binary ones.', { field: 'frame' });
      message = parseClientMessage(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'));
    } catch (error) {
      sendError(error, {});
      return;
    }
    switch (message.op) {
      case 'subscribe':
        void subscribe(message);
        return;
      case 'unsubscribe':
        for (const project of message.projects) {
          feeds.get(project)?.close();
          feeds.delete(project);
        }
        sendJson({ op: 'unsubscribed', ref: message.ref, projects: message.projects });
        return;
      case 'call':
        void call(message);
        return;
      case 'ping':
        sendJson({ op: 'pong', ref: message.ref });
        return;
    }
  });
  socket.on('pong', () => {
    answeredPing = true;
  });
  const pinger = setInterval(() => {
    if (!answeredPing) {
      socket.terminate();
      return;
    }
    answeredPing = false;
    socket.ping();
  }, ctx.pingMs);
  pinger.unref();
  socket.on('close', () => {
    closing = true;
    clearInterval(pinger);
    abort.abort();
    stopFeeds();
  });
  socket.on('error', () => {
    socket.terminate();
  });
}
