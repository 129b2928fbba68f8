/**
 * @module The HTTP server: one Fastify app carrying REST (/api/v1), SSE
 * (/api/events), WebSocket (/api/ws, and /mqtt when the broker is on), MCP (/mcp), the dashboard (/dashboard),
 * the editor hooks (/hooks), /health and the OpenAPI document. Every error leaves as the typed JSON body.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import websocketPlugin from '@fastify/websocket';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { CoordinationError } from '../../core/errors.js';
import type { Logger } from '../../hub/context.js';
import type { Hub } from '../../hub/hub.js';
import { storeHealth } from '../../hub/commands/status.js';
import { buildOpenApi } from '../rest/openapi.js';
import { registerRestRoutes } from '../rest/rest-routes.js';
import { registerTaskCoordinatorApi } from '../rest/task-coordinator-api.js';
import { API_PREFIX } from '../rest/routes.js';
import { registerMcpRoute, type McpRouteOptions } from '../mcp/http.js';
import { registerLegacySseRoute, type LegacySseOptions } from '../mcp/legacy-sse.js';
import { registerSseRoute } from '../sse/sse-route.js';
import { registerDashboardRoute } from '../dashboard/dashboard-route.js';
import { registerHookRoutes } from '../hooks/hook-routes.js';
import { registerWsRoute, selectProtocol, type WsRouteOptions } from '../ws/ws-route.js';
import { HTTP_STATUS, toCoordinationError, wireError } from '../wire-errors.js';
import { registerMetrics } from './metrics.js';
import { createClientErrorHandler } from './client-errors.js';
import { authFailureRule } from '../../hub/auth/rate-limiter.js';
import { registerAdminRoutes } from '../rest/admin-routes.js';
import { registerRegistrationRoute } from '../rest/register-route.js';
import { checkHostAndOrigin, type HttpSecurityOptions } from './security.js';
import { enterRequest } from './request-context.js';

export interface HttpAppOptions {
  hub: Hub;
  security: HttpSecurityOptions;
  version: string;
  log: Logger;
  /** Largest request body in bytes. */
  bodyLimit?: number;
  /** MCP toolsets offered at /mcp (all when undefined). */
  mcpToolsets?: readonly string[] | undefined;
  /** MCP session limits (see McpRouteOptions); the defaults suit a server. */
  mcp?: Pick<McpRouteOptions, 'sessionIdleMs' | 'maxSessions'> | undefined;
  /** The same for the legacy HTTP+SSE streams at /sse. */
  legacySse?: Pick<LegacySseOptions, 'sessionIdleMs' | 'maxSessions'> | undefined;
  /** A request's headers and body must arrive within this many ms (default 30 s); answers may take longer. */
  requestTimeoutMs?: number | undefined;
  /** WebSocket bounds (slow-consumer buffer, ping interval); the defaults suit a server. */
  ws?: Pick<WsRouteOptions, 'maxBufferedBytes' | 'pingIntervalMs'> | undefined;
  /** Other WebSocket routes on this port (the embedded MQTT broker's /mqtt), registered after the plugin. */
  wsRoutes?: readonly ((app: FastifyInstance) => void)[] | undefined;
  /** Serve HTTPS with this PEM certificate and key (plain HTTP when omitted). */
  https?: { cert: string | Buffer; key: string | Buffer } | undefined;
  /** Called once per answered request (the access log); none when omitted. */
  requestLog?: ((entry: RequestLogEntry) => void) | undefined;
}

/** One answered request, as the access log records it. */
export interface RequestLogEntry {
  reqId: string;
  method: string;
  /** The path without its query (a query may carry a token). */
  path: string;
  status: number;
  ms: number;
}

/** A caller's X-Request-Id when it is a plain short token (so it cannot forge log lines), else a new one. */
function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && /^[\w.:-]{1,64}$/.test(given) ? given : randomUUID();
}

const REQUEST_TIMEOUT_MS = 30_000;
const HEADERS_TIMEOUT_MS = 10_000;

/** Fastify's own failures (bad JSON, body too large, wrong content type) as catalog errors. */
function fromFastifyError(error: FastifyError): CoordinationError {
  if (typeof error.code !== 'string') return toCoordinationError(error);
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new CoordinationError('LIMIT_EXCEEDED', 'The request body is too large.', { limit: 'bodyLimit' });
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new CoordinationError('INVALID_INPUT', 'Send the body as application/json.', { field: 'content-type' });
  if (error.code.startsWith('FST_ERR_CTP') || (error.statusCode !== undefined && error.statusCode < 500)) {
    return new CoordinationError('INVALID_INPUT', `The request is malformed: ${error.message}.`, { field: 'body' });
  }
  return toCoordinationError(error);
}

export function createHttpApp(options: HttpAppOptions): FastifyInstance {
  const { hub, security, log } = options;
  const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  // Fastify's default (0) lets a body trickle in forever. The limits cover receiving the request only:
  // long-poll answers and event streams run past them. Node checks them every connectionsCheckingInterval.
  const timeouts = {
    requestTimeout: requestTimeoutMs,
    headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestTimeoutMs),
    connectionsCheckingInterval: Math.min(5_000, Math.ceil(requestTimeoutMs / 4)),
  };
  // Fastify types an HTTPS app apart, but it serves requests with the same API: the routes take either.
  const app = Fastify({
    // Fastify passes `http` only to http.createServer: with TLS the timeouts go with the certificate.
    ...(options.https ? { https: { ...options.https, ...timeouts } } : {}),
    logger: false,
    genReqId: requestIdOf,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    requestTimeout: requestTimeoutMs,
    http: timeouts,
    clientErrorHandler: createClientErrorHandler(requestTimeoutMs),
    forceCloseConnections: true,
    return503OnClosing: false,
    // Lock names, scopes and keys may be 200 characters, percent-encoded up to three times that.
    routerOptions: { maxParamLength: 1000 },
    // Errors Fastify raises before routing (bad percent-encoding, ...) get the typed body too.
    frameworkErrors: (error, _request, reply) => {
      const coordination = fromFastifyError(error);
      void (reply as FastifyReply).status(HTTP_STATUS[coordination.code]).send(wireError(coordination));
    },
  });
  // An empty body with a JSON content type is an empty object, not an error.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, {});
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new CoordinationError('INVALID_INPUT', 'The request body is not valid JSON.', { field: 'body' }), undefined);
    }
  });

  // The request id: answered in X-Request-Id, and on every log line written while the request is handled
  // (entered again before the handler: body parsing runs in the socket's async context).
  app.addHook('onRequest', (request, reply, done) => {
    enterRequest(request.id);
    void reply.header('x-request-id', request.id);
    done();
  });
  app.addHook('preHandler', (request, _reply, done) => {
    enterRequest(request.id);
    done();
  });
  const requestLog = options.requestLog;
  if (requestLog) {
    app.addHook('onResponse', (request, reply, done) => {
      requestLog({ reqId: request.id, method: request.method, path: request.url.split('?')[0] ?? '', status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 });
      done();
    });
  }

  // Every route, /health, /metrics and the OpenAPI document included: a DNS-rebinding page may not read any of them.
  app.addHook('onRequest', (request, _reply, done) => {
    try {
      checkHostAndOrigin(request.raw, security);
      done();
    } catch (error) {
      done(error as Error);
    }
  });

  // A refused WebSocket upgrade (bad Host, Origin or token) is answered, then its connection cut: it must not linger half-open.
  app.addHook('onResponse', (request, _reply, done) => {
    if (request.raw.headers.upgrade !== undefined && !request.raw.socket.destroyed) request.raw.socket.destroy();
    done();
  });

  // Guessing tokens is slow: an address with too many refused authentications is refused for the rest of the minute,
  // by every coordinator on the store (counted there; checked here without a round trip).
  const limits = hub.context.config.limits;
  const attempts = hub.context.rates;
  const authFailures = authFailureRule(limits.authFailuresPerMinute);
  app.addHook('onRequest', (request, _reply, done) => {
    try {
      if (security.tokens.required()) attempts.check(authFailures, request.ip);
      done();
    } catch (error) {
      done(error as Error);
    }
  });
  // Every refused authentication, on any route, is counted and is an audit entry (team mode).
  app.addHook('onResponse', (request, reply, done) => {
    if (reply.statusCode === 401 && security.tokens.required()) {
      attempts.count(authFailures, request.ip).catch((error: unknown) => {
        log.error('counting a refused authentication failed', error);
      });
      security.audit?.record({ action: 'auth.refused', from: request.ip, result: 'UNAUTHORIZED', inputs: { route: `${request.method} ${request.url.split('?')[0] ?? ''}`.slice(0, 200) } });
    }
    done();
  });

  app.setErrorHandler((error, request, reply) => {
    const coordination = error instanceof CoordinationError ? error : fromFastifyError(error as FastifyError);
    // Logged once: a failure inside a command was logged by the hub with its cause; this logs the rest.
    if (coordination.code === 'INTERNAL' && !(error instanceof CoordinationError)) {
      enterRequest(request.id);
      log.error('request failed', error);
    }
    void reply.status(HTTP_STATUS[coordination.code]).send(wireError(coordination));
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new CoordinationError('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0] ?? ''}; the API is described at ${API_PREFIX}/openapi.json.`);
    void reply.status(404).send(wireError(error));
  });

  app.get('/health', async (_request, reply) => {
    const store = await storeHealth(hub.context);
    // Degraded (disk full, read-only): still up for reads, so not 503; the body says what is wrong.
    void reply.status(store.status === 'unhealthy' ? 503 : 200);
    return { status: store.status === 'healthy' ? 'ok' : store.status === 'degraded' ? 'degraded' : 'unavailable', version: options.version, store };
  });
  const openapi = buildOpenApi(hub.commands, options.version);
  app.get(`${API_PREFIX}/openapi.json`, () => Promise.resolve(openapi));
  registerMetrics(app, hub.context.bus, security);
  registerRestRoutes(app, hub, security);
  registerAdminRoutes(app, security);
  registerRegistrationRoute(app, security, security.registration, (address) => attempts.hit([[{ name: 'registrations', limit: limits.registrationsPerMinute, windowMs: 60_000, what: 'registrations from this address' }, address]]));
  registerTaskCoordinatorApi(app, hub, security);
  registerSseRoute(app, hub, security);
  registerDashboardRoute(app, hub, security);
  registerHookRoutes(app, hub, security);
  // Frames above the body limit are refused by ws itself (close 1009), before any parsing.
  void app.register(websocketPlugin, { options: { maxPayload: options.bodyLimit ?? 1024 * 1024, handleProtocols: selectProtocol } });
  void app.register((scope, _opts, done) => {
    registerWsRoute(scope, { ...options.ws, hub, security });
    for (const route of options.wsRoutes ?? []) route(scope);
    done();
  });
  registerMcpRoute(app, { ...options.mcp, hub, security, version: options.version, toolsets: options.mcpToolsets });
  registerLegacySseRoute(app, { ...options.legacySse, hub, security, version: options.version });
  return app;
}
