/**
 * @module REST: one Fastify route per hub command and per alias (see routes.ts).
 * A route merges query, body and path parameters (and an alias's inputs) into the
 * command input, lets the hub validate and run it, and answers JSON. Long-polls
 * are cancelled when the client leaves.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_MAP_BYTES } from '../../core/consult/dependency-map.js';
import { invalidInput } from '../../core/errors.js';
import type { Command } from '../../hub/command.js';
import type { Hub } from '../../hub/hub.js';
import { callerFromHeaders, type HttpSecurityOptions } from '../http/security.js';
import { coerceQuery } from './query.js';
import { ALIAS_ROUTES, API_PREFIX, ROUTES, type AliasRoute, type Route } from './routes.js';

const toFastifyPath = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');

/** Commands whose input may be larger than the server's body limit: the bytes the command itself accepts, plus the JSON around them. */
const BODY_LIMITS: Readonly<Record<string, number>> = { set_dependency_map: MAX_MAP_BYTES + 64 * 1024 };

function register(app: FastifyInstance, hub: Hub, security: HttpSecurityOptions, command: Command, route: Route, alias?: AliasRoute): void {
  app.route({
    method: route.method,
    url: `${API_PREFIX}${toFastifyPath(route.path)}`,
    ...(BODY_LIMITS[command.name] === undefined ? {} : { bodyLimit: BODY_LIMITS[command.name] }),
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      const body = request.body ?? {};
      if (typeof body !== 'object' || Array.isArray(body)) throw invalidInput('The request body must be a JSON object.', { field: 'body' });
      const input = {
        ...alias?.defaults,
        ...coerceQuery(command, request.query as Record<string, unknown>),
        ...(body as Record<string, unknown>),
        ...(request.params as Record<string, string>),
        ...alias?.fixed,
      };
      const abort = new AbortController();
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) abort.abort();
      });
      const caller = { ...callerFromHeaders(request.headers, security), signal: abort.signal, from: request.ip };
      return hub.execute(command.name, input, caller);
    },
  });
}

export function registerRestRoutes(app: FastifyInstance, hub: Hub, security: HttpSecurityOptions): void {
  const byName = new Map(hub.commands.map((c) => [c.name, c]));
  for (const command of hub.commands) {
    const route = ROUTES[command.name];
    if (route) register(app, hub, security, command, route);
  }
  for (const alias of ALIAS_ROUTES) {
    const command = byName.get(alias.command);
    if (command) register(app, hub, security, command, alias, alias);
  }
}
