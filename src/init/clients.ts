/**
 * @module The four clients `baton init` knows: where each keeps its MCP servers,
 * hooks and instructions, project-wide and for the user, how its MCP entry for
 * Baton reads, and how to tell that a repository or a home directory uses it.
 * Sources (read 2026-12): Claude Code docs (code.claude.com/docs/en/mcp, /hooks,
 * /memory), Codex docs (config.toml `[mcp_servers.<name>]`, AGENTS.md), Cursor
 * docs (cursor.com/docs/mcp, /hooks; AGENTS.md), Gemini CLI docs
 * (geminicli.com/docs/tools/mcp-server, /cli/configuration, GEMINI.md imports).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonValue } from './json-merge.js';

export const CLIENTS = ['claude-code', 'codex', 'cursor', 'gemini'] as const;
export type ClientName = (typeof CLIENTS)[number];
export type Scope = 'project' | 'user';

export const isClientName = (value: string): value is ClientName => (CLIENTS as readonly string[]).includes(value);

/** How the MCP entry reaches Baton. */
export type Connection =
  /** `npx -y baton-mcp mcp`: the stdio proxy, which starts the local server when none answers. */
  | { readonly kind: 'stdio' }
  /** A shared server at `url`; the bearer token is read from the environment variable `tokenEnv`. */
  | { readonly kind: 'http'; readonly url: string; readonly tokenEnv: string; readonly project?: string | undefined };

const STDIO_COMMAND = ['npx', '-y', 'baton-mcp', 'mcp'] as const;

/** The /mcp URL of a server URL, with the project as a query parameter (a shared server cannot see the repository). */
function mcpUrl(connection: Extract<Connection, { kind: 'http' }>): string {
  const url = new URL(connection.url);
  if (!url.pathname.endsWith('/mcp')) url.pathname = `${url.pathname.replace(/\/$/, '')}/mcp`;
  if (connection.project) url.searchParams.set('project', connection.project);
  return url.toString();
}

/**
 * The `mcpServers.baton` value of a JSON client. Claude Code keeps the stdio
 * proxy even with --http (`--url`): only a stdio server receives
 * CLAUDE_CODE_SESSION_ID, the id the hooks act under, and the proxy reads the
 * token from the environment itself.
 */
export function jsonMcpEntry(client: Exclude<ClientName, 'codex'>, connection: Connection): JsonValue {
  const [command, ...args] = STDIO_COMMAND;
  if (connection.kind === 'stdio') return { command, args };
  if (client === 'claude-code') {
    const proxy: JsonValue = { command, args: [...args, '--url', connection.url] };
    if (connection.tokenEnv === 'BATON_TOKEN') return proxy;
    return { ...proxy, env: { BATON_TOKEN: `\${${connection.tokenEnv}}` } };
  }
  const url = mcpUrl(connection);
  if (client === 'cursor') return { url, headers: { Authorization: `Bearer \${env:${connection.tokenEnv}}` } };
  return { httpUrl: url, headers: { Authorization: `Bearer \${${connection.tokenEnv}}` } };
}

/** The `[mcp_servers.baton]` table of codex's config.toml. */
export function tomlMcpEntry(connection: Connection): Record<string, unknown> {
  // Timeouts: the first start may fill npx's cache and start the server; calls may wait up to Baton's 50 s bound.
  if (connection.kind === 'stdio') {
    const [command, ...args] = STDIO_COMMAND;
    return { command, args, startup_timeout_sec: 30, tool_timeout_sec: 70 };
  }
  return { url: mcpUrl(connection), bearer_token_env_var: connection.tokenEnv, tool_timeout_sec: 70 };
}

/** Where a client keeps things, relative to the repository (project) or the home directory (user). */
export interface ClientFiles {
  readonly mcp: { readonly path: string; readonly format: 'json' | 'toml'; readonly jsonPath: readonly string[] };
  /** Instruction files: the Baton section itself, or a line importing AGENTS.md. */
  readonly instructions: readonly { readonly path: string; readonly content: 'section' | 'import' }[];
}

/** The files of a client in a scope; `codexHome` is CODEX_HOME relative to home, when set. */
export function clientFiles(client: ClientName, scope: Scope, codexHome = '.codex'): ClientFiles {
  const user = scope === 'user';
  switch (client) {
    case 'claude-code':
      return user
        ? { mcp: { path: '.claude.json', format: 'json', jsonPath: ['mcpServers', 'baton'] }, instructions: [{ path: '.claude/CLAUDE.md', content: 'section' }] }
        : { mcp: { path: '.mcp.json', format: 'json', jsonPath: ['mcpServers', 'baton'] }, instructions: [{ path: 'AGENTS.md', content: 'section' }, { path: 'CLAUDE.md', content: 'import' }] };
    case 'codex':
      return { mcp: { path: join(user ? codexHome : '.codex', 'config.toml'), format: 'toml', jsonPath: ['mcp_servers', 'baton'] }, instructions: [{ path: user ? join(codexHome, 'AGENTS.md') : 'AGENTS.md', content: 'section' }] };
    case 'cursor':
      // Cursor reads AGENTS.md in the project; its user-wide rules live in its settings, not in a file.
      return { mcp: { path: '.cursor/mcp.json', format: 'json', jsonPath: ['mcpServers', 'baton'] }, instructions: user ? [] : [{ path: 'AGENTS.md', content: 'section' }] };
    case 'gemini':
      return user
        ? { mcp: { path: '.gemini/settings.json', format: 'json', jsonPath: ['mcpServers', 'baton'] }, instructions: [{ path: '.gemini/GEMINI.md', content: 'section' }] }
        : { mcp: { path: '.gemini/settings.json', format: 'json', jsonPath: ['mcpServers', 'baton'] }, instructions: [{ path: 'AGENTS.md', content: 'section' }, { path: 'GEMINI.md', content: 'import' }] };
  }
}

/** What shows that a client is used: in a repository its own files, in a home directory its config directory. */
const MARKERS: Record<ClientName, { project: readonly string[]; user: readonly string[] }> = {
  'claude-code': { project: ['.claude', 'CLAUDE.md', '.mcp.json'], user: ['.claude', '.claude.json'] },
  codex: { project: ['.codex'], user: ['.codex'] },
  cursor: { project: ['.cursor', '.cursorrules'], user: ['.cursor'] },
  gemini: { project: ['.gemini', 'GEMINI.md'], user: ['.gemini'] },
};

/** The clients whose marks are in `root`, in CLIENTS order (none when there are none). */
export function detectClients(root: string, scope: Scope): ClientName[] {
  return CLIENTS.filter((client) => MARKERS[client][scope].some((mark) => existsSync(join(root, mark))));
}
