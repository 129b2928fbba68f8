/**
 * @module HTTP security shared by REST, SSE and MCP: bearer tokens scoped to
 * projects and roles, and refusal of browsers' cross-origin and DNS-rebinding
 * requests (Host and Origin must name this server).
 */
import { CoordinationError } from '../../core/errors.js';
import type { Access, Caller } from '../../hub/context.js';

export interface AccessToken extends Access {
  token: string;
}

export interface HttpSecurityOptions {
  tokens: readonly AccessToken[];
  /** Host names (without port) this server answers to. */
  allowedHosts: readonly string[];
}

type Headers = Record<string, string | string[] | undefined>;

const header = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const hostName = (host: string): string => {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.split(':')[0] ?? host;
};

/** Resolves who is calling from the request headers, or throws UNAUTHORIZED/FORBIDDEN. */
export function callerFromHeaders(headers: Headers, security: HttpSecurityOptions): Caller {
  const host = header(headers, 'host');
  if (!host || !security.allowedHosts.includes(hostName(host).toLowerCase())) {
    throw new CoordinationError('FORBIDDEN', `Host '${host ?? ''}' is not one this server answers to (DNS-rebinding protection).`, { host });
  }
  const origin = header(headers, 'origin');
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
  const caller: Caller = { project: header(headers, 'x-baton-project'), agentId: header(headers, 'x-baton-agent') };
  if (security.tokens.length === 0) return caller;
  const auth = header(headers, 'authorization');
  const presented = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
  const token = presented ? security.tokens.find((t) => t.token === presented) : undefined;
  if (!token) throw new CoordinationError('UNAUTHORIZED', presented ? 'The bearer token is not known.' : 'This server requires a bearer token.');
  return { ...caller, agentId: token.agent ?? caller.agentId, access: { role: token.role, projects: token.projects, agent: token.agent } };
}

export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]', '::1'];
