/**
 * @module The editor hook routes: `POST /hooks/<client>/<event>` takes the client's
 * own hook JSON (Claude Code's HTTP hooks post it directly; the command shim forwards
 * its stdin) and answers the client's own output JSON. With `?shim=1` the answer is
 * wrapped for the shim as `{ body, exit_code, stderr? }`, since command hooks also
 * speak through exit codes. `POST /hooks/git/pre-commit` is the commit guard.
 * Thin: parse → hooks/decisions (over the hub) → format. Errors leave as the typed
 * JSON body with their status; a client treats that as a failed hook (it fails open).
 */
import type { FastifyInstance } from 'fastify';
import { CoordinationError, invalidInput } from '../../core/errors.js';
import type { Hub } from '../../hub/hub.js';
import { formatReply, readHookRequest } from '../../hooks/client-formats.js';
import { createHookDecisions, type HookCaller } from '../../hooks/decisions.js';
import { HOOK_CLIENTS, HOOK_EVENTS, type HookClient, type HookEvent } from '../../hooks/hook-entries.js';
import { callerFromHeaders, type HttpSecurityOptions } from '../http/security.js';

/** A Write hook carries the whole new file: allow large bodies here (the rest of the API keeps 1 MiB). */
const HOOK_BODY_LIMIT = 32 * 1024 * 1024;
const PROJECT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

type Headers = Record<string, string | string[] | undefined>;

/** Who calls: the token's access, and a project only when the header names a valid one (an unset variable arrives empty). */
function hookCaller(headers: Headers, security: HttpSecurityOptions): HookCaller {
  const caller = callerFromHeaders(headers, security);
  const project = caller.project?.trim();
  if (project !== undefined && project !== '' && !PROJECT_ID.test(project)) {
    throw invalidInput(`X-Baton-Project '${project.slice(0, 80)}' is not a valid project id.`, { field: 'x-baton-project' });
  }
  return { project: project === '' ? undefined : project, access: caller.access };
}

const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export function registerHookRoutes(app: FastifyInstance, hub: Hub, security: HttpSecurityOptions): void {
  const decisions = createHookDecisions(hub);

  app.post<{ Params: { client: string; event: string }; Querystring: { shim?: string } }>('/hooks/:client/:event', { bodyLimit: HOOK_BODY_LIMIT }, async (request) => {
    const { client, event } = request.params;
    if (client === 'git' && event === 'pre-commit') {
      const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
      const cwd = asString(body['cwd']);
      const files = Array.isArray(body['files']) ? body['files'].filter((f): f is string => typeof f === 'string').slice(0, 10_000) : [];
      if (cwd === undefined || cwd === '') throw invalidInput('Send the work tree in `cwd`.', { field: 'cwd' });
      const bypassBy = asString(body['bypass_by']);
      return await decisions.guard({ cwd, files, agent: asString(body['agent']) || undefined, bypass: bypassBy ? { by: bypassBy.slice(0, 200) } : undefined }, hookCaller(request.headers, security));
    }
    if (!HOOK_CLIENTS.includes(client as HookClient) || !HOOK_EVENTS.includes(event as HookEvent)) {
      throw new CoordinationError('NOT_FOUND', `No hook ${client}/${event}: clients are ${HOOK_CLIENTS.join(', ')}; events ${HOOK_EVENTS.join(', ')}.`, { client, event });
    }
    const caller = hookCaller(request.headers, security);
    const parsed = readHookRequest(client as HookClient, event as HookEvent, request.body);
    const reply = formatReply(parsed.client, parsed.event, await decisions.decide(parsed, caller));
    if (request.query.shim === undefined) return reply.body;
    return { body: reply.body, exit_code: reply.exitCode, ...(reply.stderr === undefined ? {} : { stderr: reply.stderr }) };
  });
}
