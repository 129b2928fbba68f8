/**
 * @module The dashboard at /dashboard: the browser app's files (read once from the
 * package, src/dashboard/public, and served from memory with a strict
 * Content-Security-Policy: only this origin's scripts, styles and connections), and
 * /dashboard/api/session, which tells the page whether it needs a token, what the
 * token may do and which projects it may see. Everything else the page reads and
 * does goes through the REST API and the SSE stream, like any other client.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { isCoordinationError } from '../../core/errors.js';
import type { Hub } from '../../hub/hub.js';
import { callerFromHeaders, type HttpSecurityOptions } from '../http/security.js';
import { wireError } from '../wire-errors.js';

/** No inline script or style, no third party: the page can talk to this origin only. */
const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.md': 'text/markdown; charset=utf-8',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/** The app's files by path below /dashboard/, loaded once: the set served is fixed at start-up. */
function loadAssets(root: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const type = TYPES[extname(name)];
        if (!type) continue;
        const body = readFileSync(path);
        assets.set(relative(root, path).split('\\').join('/'), { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 20)}"` });
      }
    }
  };
  walk(root);
  return assets;
}

const PUBLIC_DIR = fileURLToPath(new URL('../../dashboard/public/', import.meta.url));

function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', DASHBOARD_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cross-origin-opener-policy', 'same-origin')
    .header('cross-origin-resource-policy', 'same-origin')
    .header('x-frame-options', 'DENY');
}

export function registerDashboardRoute(app: FastifyInstance, hub: Hub, security: HttpSecurityOptions): void {
  const assets = loadAssets(PUBLIC_DIR);

  const serve = (path: string, ifNoneMatch: string | undefined, reply: FastifyReply) => {
    const asset = assets.get(path);
    if (!asset) return undefined;
    securityHeaders(reply).header('etag', asset.etag).header('cache-control', 'no-cache').type(asset.type);
    if (ifNoneMatch === asset.etag) return reply.status(304).send();
    return reply.send(asset.body);
  };

  app.get('/dashboard', (_request, reply) => reply.redirect('/dashboard/'));
  app.get('/dashboard/', (request, reply) => serve('index.html', request.headers['if-none-match'], reply));
  app.get('/dashboard/*', (request, reply) => {
    const path = (request.params as { '*': string })['*'];
    const served = serve(path, request.headers['if-none-match'], reply);
    if (served) return served;
    return securityHeaders(reply).status(404).type('text/plain; charset=utf-8').send('Not found');
  });

  // What the presented token (if any) may do: the page shows actions only where the API will allow them.
  app.get('/dashboard/api/session', async (request, reply) => {
    securityHeaders(reply).header('cache-control', 'no-store');
    try {
      const caller = callerFromHeaders(request.headers, security);
      const access = caller.access;
      // Projects no call can name (server records: tokens, audit) start with '_'; they are not the team's.
      const all = (await hub.context.store.listProjects()).filter((p) => !p.startsWith('_'));
      const visible = !access || access.projects.includes('*') ? all : all.filter((p) => access.projects.includes(p));
      const scoped = access && !access.projects.includes('*') ? access.projects.filter((p) => !visible.includes(p)) : [];
      return {
        auth: access ? 'token' : 'none',
        role: access?.role ?? 'admin',
        agent: access?.agent ?? null,
        projects: [...visible, ...scoped].sort(),
        // The consultation layer's routes, when this build has them; the page shows an explanation instead of asking.
        features: {
          threads: app.hasRoute({ method: 'GET', url: '/api/v1/threads' }),
          file_activity: app.hasRoute({ method: 'GET', url: '/api/v1/activity/hot' }),
        },
        default_project: access && !access.projects.includes('*') ? (access.projects[0] ?? 'default') : 'default',
        thresholds_s: {
          active: hub.context.config.thresholds.activeMs / 1000,
          idle: hub.context.config.thresholds.idleMs / 1000,
          stale: hub.context.config.thresholds.staleMs / 1000,
          unresponsive: hub.context.config.thresholds.unresponsiveMs / 1000,
        },
      };
    } catch (error) {
      if (isCoordinationError(error) && error.code === 'UNAUTHORIZED') return reply.status(401).send(wireError(error));
      throw error;
    }
  });
}
