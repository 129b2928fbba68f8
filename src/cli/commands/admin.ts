/**
 * @module `baton token create|list|revoke|rotate` and `baton audit tail|verify`:
 * the admin routes of the running server (found through the data directory, or
 * --url / BATON_URL), with an admin token from BATON_TOKEN — or none, to create
 * the first admin on a loopback server that has no token yet.
 */
import { defaultDataDir } from '../../server/config.js';
import { readServerRecord } from '../../server/server-record.js';

export interface TokenTarget {
  url?: string | undefined;
  dataDir?: string | undefined;
}

export interface TokenCreateOptions extends TokenTarget {
  name: string;
  role: string;
  project?: string[] | undefined;
  agent?: string | undefined;
  expires?: string | undefined;
}

/** A CLI failure with the server's typed error, printed as `code: message (hint)`. */
class TokenCommandError extends Error {
  override readonly name = 'TokenCommandError';
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90s`, `30m`, `12h`, `30d` (or a plain number of seconds) as seconds. */
function parseDuration(text: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  const unit = UNITS[match?.[2] || 's'];
  if (!match || unit === undefined || Number(match[1]) <= 0) throw new TokenCommandError(`'${text}' is not a duration: use a number with s, m, h or d (e.g. 30d).`);
  return Number(match[1]) * unit;
}

function serverUrl(target: TokenTarget): string {
  const url = target.url ?? process.env['BATON_URL'];
  if (url) return url;
  const record = readServerRecord(target.dataDir ?? defaultDataDir());
  if (!record) throw new TokenCommandError('No Baton server is running for this data directory: start one (baton start) or pass --url.');
  return record.url;
}

async function call(target: TokenTarget, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const token = process.env['BATON_TOKEN'];
  const headers: Record<string, string> = {};
  if (token) headers['authorization'] = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(new URL(`/api/v1/admin${path}`, serverUrl(target)), { method, headers, body: body === undefined ? null : JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new TokenCommandError(`The server does not answer: ${error instanceof Error ? error.message : String(error)}`);
  }
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    const error = (json['error'] ?? {}) as { code?: string; message?: string; hint?: string };
    throw new TokenCommandError(`${error.code ?? String(res.status)}: ${error.message ?? res.statusText}${error.hint ? ` (${error.hint})` : ''}`);
  }
  return json;
}

export const createToken = (o: TokenCreateOptions): Promise<Record<string, unknown>> =>
  call(o, 'POST', '/tokens', {
    name: o.name,
    role: o.role,
    ...(o.project?.length ? { projects: o.project } : {}),
    ...(o.agent ? { agent: o.agent } : {}),
    ...(o.expires ? { expires_in_seconds: parseDuration(o.expires) } : {}),
  });

export const listTokens = (o: TokenTarget): Promise<Record<string, unknown>> => call(o, 'GET', '/tokens');
export const revokeToken = (id: string, o: TokenTarget): Promise<Record<string, unknown>> => call(o, 'DELETE', `/tokens/${encodeURIComponent(id)}`);
export const rotateToken = (id: string, o: TokenTarget): Promise<Record<string, unknown>> => call(o, 'POST', `/tokens/${encodeURIComponent(id)}/rotate`);
export const verifyAudit = (o: TokenTarget): Promise<Record<string, unknown>> => call(o, 'GET', '/audit/verify');

interface WireAuditEntry {
  id: number;
  at: string;
  action: string;
  project?: string;
  token?: string;
  agent?: string;
  from?: string;
  result: string;
}

/** The last `count` audit entries, oldest first. */
export async function tailAudit(count: number, o: TokenTarget): Promise<{ entries: WireAuditEntry[] }> {
  const head = (await call(o, 'GET', '/audit?limit=1')) as { last_id: number };
  const page = (await call(o, 'GET', `/audit?after=${String(Math.max(0, head.last_id - count))}&limit=${String(Math.min(1000, count))}`)) as { entries: WireAuditEntry[] };
  return { entries: page.entries.slice(-count) };
}

/** One line per entry: when, who, what, result. */
export const auditLines = (tail: { entries: WireAuditEntry[] }): string =>
  tail.entries.map((e) => [e.at, e.token ?? '-', e.agent ?? '-', e.from ?? '-', e.project ?? '-', e.action, e.result].join('  ')).join('\n') || '(no entries)';

/** A token as the admin routes answer it. */
interface WireToken {
  id: string;
  name: string;
  role: string;
  projects: string[];
  agent: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

/** One line per token for people: id, name, role, projects, agent, state, last use. */
export function tokenTable(list: Record<string, unknown>): string {
  const rows = (list['tokens'] as WireToken[]).map((t) => {
    const state = t.revoked_at ? 'revoked' : t.expires_at && Date.parse(t.expires_at) <= Date.now() ? 'expired' : 'live';
    return [t.id, t.name, t.role, t.projects.join(','), t.agent ?? '-', state, t.last_used_at ?? 'never'];
  });
  const all = [['ID', 'NAME', 'ROLE', 'PROJECTS', 'AGENT', 'STATE', 'LAST USED'], ...rows];
  const widths = all[0]?.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length))) ?? [];
  return all.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}
