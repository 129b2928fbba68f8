/**
 * @module Seed 001's REST API under /api, for scripts that called its standalone
 * server directly (its MCP client reached it at TASK_COORDINATOR_URL + /api):
 * the same paths and bodies, each answered by the task-coordinator profile's
 * tool, so every rule is the hub's. Answers carry `success` as the seed's did; a
 * refusal is the seed's {success: false, error} with Baton's code and hint, and
 * the HTTP status of the code. Callers without X-Baton-Agent act as a generated
 * agent per call (the seed had no identities); workerId names the worker.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { invalidInput } from '../../core/errors.js';
import type { Hub } from '../../hub/hub.js';
import { parseInput } from '../../hub/input.js';
import { createProfileContext } from '../../profiles/context.js';
import type { ProfileTool } from '../../profiles/profile.js';
import { addTask, claimTask, claimWorkerSlot, getAllTasks, getAvailableTasks, getWorkers, releaseWorkerSlot, resetFailedTask, updateTask } from '../../profiles/task-coordinator.js';
import { callerFromHeaders, type HttpSecurityOptions } from '../http/security.js';
import { HTTP_STATUS, toCoordinationError, wireError } from '../wire-errors.js';

interface SeedRoute {
  method: 'GET' | 'POST';
  path: string;
  tool: ProfileTool;
  /** Body fields the seed's client sends that the tool does not take (its whole Task object, for add-task). */
  keep?: readonly string[];
}

/** The seed client's endpoints (httpClient.ts), below /api. */
const SEED_ROUTES: readonly SeedRoute[] = [
  { method: 'POST', path: '/claim-worker-slot', tool: claimWorkerSlot },
  { method: 'POST', path: '/release-worker-slot', tool: releaseWorkerSlot },
  { method: 'GET', path: '/workers', tool: getWorkers },
  { method: 'POST', path: '/add-task', tool: addTask, keep: ['id', 'description', 'dependencies', 'output'] },
  { method: 'GET', path: '/available-tasks', tool: getAvailableTasks },
  { method: 'GET', path: '/all-tasks', tool: getAllTasks },
  { method: 'POST', path: '/claim-task', tool: claimTask },
  { method: 'POST', path: '/update-task', tool: updateTask },
  { method: 'POST', path: '/reset-failed-task', tool: resetFailedTask },
];

const SEED_API_PREFIX = '/api';

export function registerTaskCoordinatorApi(app: FastifyInstance, hub: Hub, security: HttpSecurityOptions): void {
  for (const route of SEED_ROUTES) {
    app.route({
      method: route.method,
      url: `${SEED_API_PREFIX}${route.path}`,
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        try {
          const body = request.body ?? {};
          if (typeof body !== 'object' || Array.isArray(body)) throw invalidInput('The request body must be a JSON object.', { field: 'body' });
          const given = body as Record<string, unknown>;
          const args = route.keep ? Object.fromEntries(Object.entries(given).filter(([k]) => route.keep?.includes(k))) : given;
          const caller = callerFromHeaders(request.headers, security);
          const ctx = createProfileContext(hub, 'task-coordinator', caller, { agentId: undefined, remembers: false, mints: true });
          return await route.tool.run(ctx, parseInput(route.tool, args));
        } catch (error) {
          const e = toCoordinationError(error);
          const { error: body } = wireError(e);
          return reply.status(HTTP_STATUS[e.code]).send({ success: false, error: `${e.code}: ${e.message}`, code: e.code, hint: body.hint, ...(e.details ? { details: e.details } : {}) });
        }
      },
    });
  }
  // The seed's health check: its client tests status === 'ok'.
  app.get(`${SEED_API_PREFIX}/health`, async (request, reply) => {
    const health = await hub.execute('health_check', {}, callerFromHeaders(request.headers, security));
    if (health['status'] === 'unhealthy') void reply.status(503);
    return { status: health['status'] === 'unhealthy' ? 'unavailable' : 'ok', server: 'baton', profile: 'task-coordinator', store: health['store'] };
  });
}
