/**
 * @module Admin routes for tokens: create (the token is in this answer only),
 * list, revoke, rotate. An admin token is required once any token exists; before
 * that, a loopback server lets a local caller create the first one (bootstrap),
 * after which every request needs a token.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CoordinationError, invalidInput } from '../../core/errors.js';
import type { TokenView } from '../../hub/auth/token-registry.js';
import { tokenOf, type HttpSecurityOptions } from '../http/security.js';
import { API_PREFIX } from './routes.js';

const createSchema = z
  .object({
    name: z.string().min(1).max(64),
    role: z.enum(['agent', 'observer', 'admin']),
    projects: z.array(z.string().min(1).max(64)).min(1).max(100).default(['*']),
    agent: z.string().min(1).max(128).optional(),
    expires_in_seconds: z.number().int().positive().max(10 * 365 * 86_400).optional(),
  })
  .strict();

const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

const wireToken = (view: TokenView): Record<string, unknown> => ({
  id: view.id,
  name: view.name,
  role: view.role,
  projects: view.projects,
  agent: view.agent,
  source: view.source,
  created_at: view.createdAt ? new Date(view.createdAt).toISOString() : null,
  expires_at: view.expiresAt === null ? null : new Date(view.expiresAt).toISOString(),
  revoked_at: view.revokedAt === null ? null : new Date(view.revokedAt).toISOString(),
  last_used_at: view.lastUsedAt === null ? null : new Date(view.lastUsedAt).toISOString(),
});

/** Who may manage tokens: an admin token; or anyone local while no token exists yet. Answers the actor's name. */
function requireAdmin(request: FastifyRequest, security: HttpSecurityOptions): string | null {
  if (!security.tokens.required()) {
    if (LOOPBACK_ADDRESSES.has(request.socket.remoteAddress ?? '')) return 'local';
    throw new CoordinationError('FORBIDDEN', 'The first token can only be created from this machine (loopback).');
  }
  const access = tokenOf(request.headers, security);
  if (access?.role !== 'admin') throw new CoordinationError('FORBIDDEN', 'Managing tokens needs an admin token.', { role: access?.role ?? null });
  return access.tokenName ?? null;
}

function parseBody(body: unknown): z.output<typeof createSchema> {
  const parsed = createSchema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || 'body';
  throw invalidInput(`${field}: ${issue?.message ?? 'invalid'}.`, { field });
}

export function registerAdminRoutes(app: FastifyInstance, security: HttpSecurityOptions): void {
  const registry = security.tokens;
  const base = `${API_PREFIX}/admin/tokens`;

  const audited = (request: FastifyRequest, actor: string | null, action: string, inputs: Record<string, unknown>): void => {
    security.audit?.record({ action, token: actor ?? undefined, from: request.ip, result: 'ok', inputs });
  };

  app.post(base, async (request, reply) => {
    const actor = requireAdmin(request, security);
    const input = parseBody(request.body);
    const { token, view } = await registry.create(
      { name: input.name, role: input.role, projects: input.projects, agent: input.agent, expiresInMs: input.expires_in_seconds === undefined ? undefined : input.expires_in_seconds * 1000 },
      actor,
    );
    audited(request, actor, 'token.create', { id: view.id, name: view.name, role: view.role, projects: view.projects });
    void reply.status(201);
    return { token, ...wireToken(view), next: 'Store the token now (it is not shown again); clients send it as Authorization: Bearer <token>, e.g. from BATON_TOKEN.' };
  });

  app.get<{ Querystring: { after?: string; limit?: string } }>(`${API_PREFIX}/admin/audit`, async (request) => {
    requireAdmin(request, security);
    const after = Number(request.query.after ?? 0);
    const limit = Number(request.query.limit ?? 100);
    if (!Number.isInteger(after) || after < 0) throw invalidInput('after must be an entry id (0 or more).', { field: 'after' });
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalidInput('limit must be 1 to 1000.', { field: 'limit' });
    const audit = security.audit;
    if (!audit) return { entries: [], last_id: 0 };
    await audit.flush();
    const page = await audit.read(after, limit);
    return { ...page, next: page.entries.length === limit ? `Continue with after=${String(page.entries.at(-1)?.id)}.` : 'Up to date.' };
  });

  app.get(`${API_PREFIX}/admin/audit/verify`, async (request) => {
    requireAdmin(request, security);
    const verdict = (await security.audit?.verify()) ?? { entries: 0, chains: 0, problems: [] };
    return { intact: verdict.problems.length === 0, ...verdict };
  });

  app.get(base, (request) => {
    requireAdmin(request, security);
    return Promise.resolve({ tokens: registry.list().map(wireToken) });
  });

  app.delete<{ Params: { id: string } }>(`${base}/:id`, async (request) => {
    const actor = requireAdmin(request, security);
    const view = await registry.revoke(request.params.id, actor);
    audited(request, actor, 'token.revoke', { id: view.id, name: view.name });
    return { ...wireToken(view), next: 'Requests with this token are refused now, on every coordinator; open streams close.' };
  });

  app.post<{ Params: { id: string } }>(`${base}/:id/rotate`, async (request) => {
    const actor = requireAdmin(request, security);
    const { token, view } = await registry.rotate(request.params.id, actor);
    audited(request, actor, 'token.rotate', { id: view.id, name: view.name });
    return { token, ...wireToken(view), next: 'The old secret is refused now; give the holder this one.' };
  });
}
