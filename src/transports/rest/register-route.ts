/**
 * @module Self-registration (seed 004's flow): with a registration secret
 * configured, `POST /api/v1/auth/register {agent_name, secret}` answers an agent
 * token bound to a new agent in the configured projects. The secret is compared
 * in constant time; attempts are limited per address.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CoordinationError, invalidInput } from '../../core/errors.js';
import type { HttpSecurityOptions, Registration } from '../http/security.js';
import { API_PREFIX } from './routes.js';

const bodySchema = z.object({ agent_name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/), secret: z.string().min(1).max(1000) }).strict();

/** Equal-length digests compared in constant time: neither the secret's length nor its prefix leaks. */
const sameSecret = (a: string, b: string): boolean => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/** `attempt` counts one registration from an address, RATE_LIMITED past the limit. */
export function registerRegistrationRoute(app: FastifyInstance, security: HttpSecurityOptions, registration: Registration | undefined, attempt: (address: string) => Promise<void>): void {
  app.post(`${API_PREFIX}/auth/register`, async (request, reply) => {
    if (!registration) throw new CoordinationError('NOT_FOUND', 'Self-registration is off on this server: ask an admin for a token (baton token create).');
    await attempt(request.ip);
    const parsed = bodySchema.safeParse(request.body ?? {});
    if (!parsed.success) throw invalidInput('Send {"agent_name": "<1 to 64 letters, digits, . _ ->", "secret": "<the registration secret>"}.', { field: parsed.error.issues[0]?.path.join('.') || 'body' });
    if (!sameSecret(parsed.data.secret, registration.secret)) {
      security.audit?.record({ action: 'auth.register', from: request.ip, result: 'UNAUTHORIZED', inputs: { name: parsed.data.agent_name } });
      throw new CoordinationError('UNAUTHORIZED', 'The registration secret is wrong.');
    }
    const agent = `${parsed.data.agent_name}-${randomBytes(3).toString('hex')}`;
    const { token, view } = await security.tokens.create({ name: `registered ${agent}`, role: 'agent', projects: registration.projects, agent }, 'registration');
    security.audit?.record({ action: 'auth.register', token: view.name, agent, from: request.ip, result: 'ok', inputs: { name: parsed.data.agent_name } });
    void reply.status(201);
    return { token, agent_id: agent, projects: view.projects, next: 'Send the token as Authorization: Bearer <token> (e.g. BATON_TOKEN); it acts as agent_id only.' };
  });
}
