/**
 * @module HTTP security shared by every route: Host and Origin must name this
 * server (browsers' DNS-rebinding and cross-origin requests are refused), and
 * bearer tokens scoped to projects and roles, and optionally bound to one agent.
 */
import { CoordinationError, invalidInput } from '../../core/errors.js';
import type { AuditLog } from '../../hub/auth/audit-log.js';
import type { TokenRegistry } from '../../hub/auth/token-registry.js';
import type { Access, Caller } from '../../hub/context.js';

/** Self-registration: the shared secret, and the projects a registered agent's token may act in. */
export interface Registration {
  secret: string;
  projects: string[];
}

export interface HttpSecurityOptions {
  /** Checks presented bearer tokens; admin routes manage them. */
  tokens: TokenRegistry;
  /** Where refused authentications and admin actions are recorded (team mode). */
  audit?: AuditLog | undefined;
  /** Self-registration of agents with a shared secret; off when undefined. */
  registration?: Registration | undefined;
  /** Host names (without port) this server answers to. */
  allowedHosts: readonly string[];
}

type Headers = Record<string, string | string[] | undefined>;

/** What the Host/Origin check reads of a request: Node's parsed headers, and the raw ones (which keep duplicates). */
export interface RequestHead {
  headers: Headers;
  rawHeaders: readonly string[];
}

const header = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const hostName = (host: string): string => {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.split(':')[0] ?? host;
};

/**
 * Refuses a request whose Host or Origin does not name this server. Runs for every
 * route (an onRequest hook of the app). Node keeps only the first of several Host
 * headers, so they are counted in the raw headers: two Hosts are refused, since a
 * proxy in front may have routed by the other one.
 */
export function checkHostAndOrigin(request: RequestHead, security: HttpSecurityOptions): void {
  let hosts = 0;
  for (let i = 0; i < request.rawHeaders.length; i += 2) if (request.rawHeaders[i]?.toLowerCase() === 'host') hosts++;
  if (hosts > 1) throw invalidInput('The request has more than one Host header; send exactly one.', { field: 'host' });
  const host = header(request.headers, 'host');
  if (!host || !security.allowedHosts.includes(hostName(host).toLowerCase())) {
    throw new CoordinationError('FORBIDDEN', `Host '${host ?? ''}' is not one this server answers to (DNS-rebinding protection).`, { host });
  }
  const origin = header(request.headers, 'origin');
  if (origin !== undefined) {
    let originHost = '';
    try {
      originHost = new URL(origin).hostname.toLowerCase();
    } catch {
      originHost = '';
    }
    const bracketed = originHost.includes(':') ? `[${originHost}]` : originHost;
    if (!security.allowedHosts.includes(originHost) && !security.allowedHosts.includes(bracketed)) {
      throw new CoordinationError('FORBIDDEN', `Cross-origin requests from '${origin}' are refused.`, { origin });
    }
  }
}

/** The credentials of `Authorization: Bearer …`; the scheme is case-insensitive (RFC 7235). */
function bearerOf(headers: Headers): string | undefined {
  const match = /^bearer[ \t]+(.+?)[ \t]*$/i.exec(header(headers, 'authorization') ?? '');
  return match?.[1];
}

/** The token a request presents; undefined when the server has none configured, else UNAUTHORIZED when missing or unknown. */
export function tokenOf(headers: Headers, security: HttpSecurityOptions): Access | undefined {
  if (!security.tokens.required()) return undefined;
  const presented = bearerOf(headers);
  const access = presented ? security.tokens.verify(presented) : undefined;
  if (!access) throw new CoordinationError('UNAUTHORIZED', presented ? 'The bearer token is not known, revoked or expired.' : 'This server requires a bearer token.');
  return access;
}

/** Resolves who is calling from the request headers, or throws UNAUTHORIZED. */
export function callerFromHeaders(headers: Headers, security: HttpSecurityOptions): Caller {
  const caller: Caller = { project: header(headers, 'x-baton-project'), agentId: header(headers, 'x-baton-agent') };
  const access = tokenOf(headers, security);
  if (!access) return caller;
  return { ...caller, agentId: access.agent ?? caller.agentId, access };
}

/** Operational reads (/metrics) span every project: with tokens configured, only an observer or admin token may make them. */
export function requireObserver(headers: Headers, security: HttpSecurityOptions): void {
  const token = tokenOf(headers, security);
  if (token?.role === 'agent') throw new CoordinationError('FORBIDDEN', 'This endpoint needs an observer or admin token, not an agent token.', { role: token.role });
}

export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]', '::1'];
