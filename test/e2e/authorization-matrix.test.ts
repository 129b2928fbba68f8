/**
 * @module The role × scope matrix, over every command and every HTTP route the
 * server registers. Each command's decision is its `mutating` flag (observers
 * read only); every route is classified below, so a route added without a
 * decision fails here. Checked through the hub (which every surface calls), REST
 * route by route, and MCP tool by tool with a real SDK client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../src/hub/context.js';
import type { StaticToken } from '../../src/hub/auth/token-registry.js';
import { ALIAS_ROUTES, ROUTES } from '../../src/transports/rest/routes.js';
import { callError, httpClient } from '../support/mcp.js';
import { startApp, type TestApp } from '../regression/support/app.js';

const TOKENS = {
  admin: { token: 'admin-token-0123456789', role: 'admin', projects: ['*'] },
  observer: { token: 'observer-token-0123456789', role: 'observer', projects: ['web'] },
  alice: { token: 'alice-token-0123456789', role: 'agent', projects: ['web'], agent: 'alice' },
  foreign: { token: 'foreign-token-0123456789', role: 'agent', projects: ['api'] },
} satisfies Record<string, StaticToken>;

let app: TestApp;
beforeAll(async () => {
  // Hundreds of refusals from one address here on purpose: no lockout.
  app = await startApp({ tokens: Object.values(TOKENS), limits: { authFailuresPerMinute: 1_000_000 } });
});
afterAll(() => app.close());

const FORBIDDEN_OR_UNAUTHORIZED = [401, 403];
/** A route's path with its parameters filled in. */
const filled = (path: string): string => path.replace(/\{(\w+)\}/g, (_, name: string) => `x-${name}`);

/** The error code a call ends with, or 'ok'. */
const codeOf = (call: Promise<unknown>): Promise<string> => call.then(() => 'ok', (error: unknown) => String((error as { code?: unknown }).code));

describe('role × scope through the hub', () => {
  const access = (t: StaticToken): Caller => ({ access: { role: t.role, projects: t.projects, agent: t.agent }, agentId: t.agent, project: 'web' });

  it('refuses every command in a project outside the token, and every write to observers', async () => {
    for (const command of app.hub.commands) {
      await expect(app.hub.execute(command.name, {}, access(TOKENS.foreign)), command.name).rejects.toMatchObject({ code: 'FORBIDDEN' });
      const asObserver = app.hub.execute(command.name, {}, access(TOKENS.observer));
      if (command.mutating) await expect(asObserver, command.name).rejects.toMatchObject({ code: 'FORBIDDEN' });
      else expect(await codeOf(asObserver), command.name).not.toBe('FORBIDDEN');
      expect(await codeOf(app.hub.execute(command.name, {}, access(TOKENS.admin))), command.name).not.toBe('FORBIDDEN');
    }
  });
});

/** Every route Fastify holds, as `METHOD path`, read off its route tree (a child's segment continues its parent's path). */
function registeredRoutes(): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of app.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ├└─]*)(\S+) \(([A-Z, ]+)\)/.exec(line);
    if (!match?.[2] || !match[3]) continue;
    const depth = Math.floor((match[1]?.length ?? 0) / 4) - 1;
    stack.length = depth;
    const path = `${stack.at(-1) ?? ''}${match[2]}`;
    stack.push(path);
    for (const method of match[3].split(', ')) if (method !== 'HEAD') out.push(`${method} ${path}`);
  }
  return out;
}

const commandRoutes = new Map<string, { command: string; path: string; method: string }>();
for (const [command, route] of Object.entries(ROUTES)) commandRoutes.set(`${route.method} /api/v1${route.path.replace(/\{(\w+)\}/g, ':$1')}`, { command, ...route });
for (const alias of ALIAS_ROUTES) commandRoutes.set(`${alias.method} /api/v1${alias.path.replace(/\{(\w+)\}/g, ':$1')}`, { command: alias.command, path: alias.path, method: alias.method });

/** Routes that are not commands, with who may call them. */
const OTHER_ROUTES: Record<string, 'public' | 'observer' | 'admin' | 'token'> = {
  'GET /health': 'public',
  'GET /api/v1/openapi.json': 'public',
  'GET /metrics': 'observer',
  'GET /api/events': 'token',
  'POST /mcp': 'token',
  'GET /mcp': 'token',
  'DELETE /mcp': 'token',
  'GET /sse': 'token',
  'POST /sse/messages': 'token',
  'GET /api/ws': 'token',
  'POST /hooks/:client/:event': 'token',
  'GET /api/health': 'token',
  'POST /api/claim-worker-slot': 'token',
  'POST /api/claim-task': 'token',
  'POST /api/release-worker-slot': 'token',
  'POST /api/reset-failed-task': 'token',
  'GET /api/workers': 'token',
  'POST /api/add-task': 'token',
  'GET /api/available-tasks': 'token',
  'GET /api/all-tasks': 'token',
  'POST /api/update-task': 'token',
  'GET /dashboard': 'public',
  'GET /dashboard/': 'public',
  'GET /dashboard/*': 'public',
  'GET /dashboard/api/session': 'token',
  'POST /api/v1/auth/register': 'public',
  'GET /api/v1/admin/audit': 'admin',
  'GET /api/v1/admin/audit/verify': 'admin',
  'POST /api/v1/admin/tokens': 'admin',
  'GET /api/v1/admin/tokens': 'admin',
  'DELETE /api/v1/admin/tokens/:id': 'admin',
  'POST /api/v1/admin/tokens/:id/rotate': 'admin',
};

async function send(method: string, path: string, token?: string, project = 'web'): Promise<number> {
  const headers: Record<string, string> = { 'x-baton-project': project, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  if (token) headers['authorization'] = `Bearer ${token}`;
  const abort = new AbortController();
  const res = await fetch(new URL(path, app.url), { method, headers, signal: abort.signal, ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{}' }) });
  abort.abort();
  return res.status;
}

describe('role × scope over every HTTP route', () => {
  it('classifies every registered route', () => {
    expect(registeredRoutes().length, 'the route tree was read').toBeGreaterThan(40);
    const unclassified = registeredRoutes().filter((r) => !commandRoutes.has(r) && !(r in OTHER_ROUTES));
    expect(unclassified, 'routes without an authorization decision in this matrix').toEqual([]);
  });

  it('answers each command route by role and scope', async () => {
    const byName = new Map(app.hub.commands.map((c) => [c.name, c]));
    for (const [key, route] of commandRoutes) {
      const command = byName.get(route.command);
      expect(command, key).toBeDefined();
      const wait = command && 'wait_seconds' in command.input.shape ? '?wait_seconds=0' : '';
      const path = `/api/v1${filled(route.path)}${wait}`;
      expect(await send(route.method, path), `${key} without a token`).toBe(401);
      expect(await send(route.method, path, 'not-a-known-token-at-all'), `${key} with an unknown token`).toBe(401);
      expect(await send(route.method, path, TOKENS.foreign.token), `${key} out of scope`).toBe(403);
      const observer = await send(route.method, path, TOKENS.observer.token);
      if (command?.mutating) expect(observer, `${key} as observer`).toBe(403);
      else expect(FORBIDDEN_OR_UNAUTHORIZED, `${key} as observer`).not.toContain(observer);
      expect(FORBIDDEN_OR_UNAUTHORIZED, `${key} as admin`).not.toContain(await send(route.method, path, TOKENS.admin.token));
    }
  });

  it('answers the other routes by their class', async () => {
    for (const [key, kind] of Object.entries(OTHER_ROUTES)) {
      const [method = 'GET', template = '/'] = key.split(' ');
      const path = template === '/hooks/:client/:event' ? '/hooks/claude-code/pre-tool' : template.replace(/:(\w+)/g, 'x-$1');
      const anonymous = await send(method, path);
      if (kind === 'public') {
        expect(FORBIDDEN_OR_UNAUTHORIZED, key).not.toContain(anonymous);
        continue;
      }
      expect(anonymous, `${key} without a token`).toBe(401);
      if (kind === 'admin') {
        for (const t of [TOKENS.observer, TOKENS.alice, TOKENS.foreign]) expect(await send(method, path, t.token), `${key} as ${t.role}`).toBe(403);
        expect(FORBIDDEN_OR_UNAUTHORIZED, `${key} as admin`).not.toContain(await send(method, path, TOKENS.admin.token));
      }
      if (kind === 'observer') {
        expect(await send(method, path, TOKENS.alice.token), `${key} as agent`).toBe(403);
        expect(await send(method, path, TOKENS.observer.token), `${key} as observer`).toBe(200);
      }
    }
    expect(await send('GET', '/api/events?project=web', TOKENS.foreign.token), 'event stream out of scope').toBe(403);
  });
});

describe('role × scope over MCP', () => {
  it('refuses every tool in a project outside the token, and writes to observers', async () => {
    const foreign = await httpClient(app.url, { query: { project: 'web', toolsets: 'all' }, headers: { authorization: `Bearer ${TOKENS.foreign.token}` } });
    const observer = await httpClient(app.url, { query: { project: 'web', toolsets: 'all' }, headers: { authorization: `Bearer ${TOKENS.observer.token}` } });
    const byName = new Map(app.hub.commands.map((c) => [c.name, c]));
    for (const tool of (await foreign.listTools()).tools) {
      expect((await callError(foreign, tool.name)).code, tool.name).toBe('FORBIDDEN');
      if (byName.get(tool.name)?.mutating) expect((await callError(observer, tool.name)).code, `${tool.name} as observer`).toBe('FORBIDDEN');
    }
    await foreign.close();
    await observer.close();
  });
});
