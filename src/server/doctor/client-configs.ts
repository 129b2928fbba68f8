/**
 * @module The doctor's look at what `baton init` wrote, from its manifest
 * <repo>/.baton/installed.json (contracts: version, clients, files[{ path, kind,
 * client?, created }], serverUrl?): each file still there and still carrying
 * Baton's entry, and the URLs in it pointing at the server found; then whether
 * the hook routes those files call answer.
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { SHIM_COMMAND } from '../../hooks/hook-entries.js';
import { findOnPath, programOf } from '../../hooks/shim-on-path.js';
import { check, type Check } from './check.js';

const MANIFEST = join('.baton', 'installed.json');

interface ManifestFile {
  path: string;
  kind: string;
  client?: string;
}

interface Manifest {
  clients: string[];
  files: ManifestFile[];
  serverUrl?: string;
  scope?: string;
}

/** The nearest directory from `cwd` up holding a manifest, stopping at the repository root. */
function findManifest(cwd: string): string | undefined {
  for (let dir = cwd; ; dir = dirname(dir)) {
    const file = join(dir, MANIFEST);
    if (statSync(file, { throwIfNoEntry: false })?.isFile()) return file;
    if (statSync(join(dir, '.git'), { throwIfNoEntry: false }) !== undefined || dirname(dir) === dir) return undefined;
  }
}

function parseManifest(text: string): Manifest | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'is not JSON';
  }
  if (typeof value !== 'object' || value === null) return 'is not a version 1 manifest';
  const m = value as { version?: unknown; files?: unknown; clients?: unknown; serverUrl?: unknown; scope?: unknown };
  if (m.version !== 1 || !Array.isArray(m.files)) return 'is not a version 1 manifest';
  const isFile = (f: unknown): f is ManifestFile => {
    const row = f as Partial<Record<keyof ManifestFile, unknown>> | null;
    return typeof row === 'object' && row !== null && typeof row.path === 'string' && typeof row.kind === 'string';
  };
  const files = (m.files as unknown[]).filter(isFile);
  const clients = Array.isArray(m.clients) ? (m.clients as unknown[]).filter((c): c is string => typeof c === 'string') : [];
  return { clients, files, ...(typeof m.serverUrl === 'string' ? { serverUrl: m.serverUrl } : {}), ...(typeof m.scope === 'string' ? { scope: m.scope } : {}) };
}

/** The http(s) origins of the /hooks/ URLs a file names. */
const hookOrigins = (text: string): string[] => [...new Set([...text.matchAll(/https?:\/\/[^\s"'`]+?\/hooks\//g)].map((m) => new URL(m[0]).origin))];

/** A command hook of Baton's and whether the program it runs is found on this PATH. */
export interface HookCommand {
  file: string;
  program: string;
  /** Where PATH finds it; undefined: the client gets exit 127 and the hook does nothing. */
  found: string | undefined;
}

export interface ClientConfigResult {
  checks: Check[];
  /** The hook routes the files call, for the reachability check: [client, url]. */
  hookRoutes: [string, string][];
  /** The command hooks the files run (one row per file and program). */
  hookCommands: HookCommand[];
}

/** The programs of the Baton command hooks in a hook file's text (`"command": "baton-hook claude-code pre-tool"`, or a path ending in baton-hook). */
function shimPrograms(text: string): string[] {
  const programs = new Set<string>();
  for (const match of text.matchAll(/"command"\s*:\s*"((?:[^"\\]|\\.)*)"/g)) {
    let command: string;
    try {
      command = JSON.parse(`"${match[1] ?? ''}"`) as string;
    } catch {
      continue;
    }
    const program = programOf(command);
    if (program === SHIM_COMMAND || program.endsWith(`/${SHIM_COMMAND}`)) programs.add(program);
  }
  return [...programs];
}

export function checkClientConfigs(cwd: string, serverUrl: string | undefined): ClientConfigResult {
  const manifestFile = findManifest(cwd);
  if (!manifestFile) return { checks: [check('clients', 'skip', 'no .baton/installed.json here: baton init has not been run in this repository', 'Run baton init to set up your editor.')], hookRoutes: [], hookCommands: [] };
  let text: string;
  try {
    text = readFileSync(manifestFile, 'utf8');
  } catch (error) {
    return { checks: [check('clients', 'fail', `${manifestFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, 'Fix its permissions, or run baton init again.')], hookRoutes: [], hookCommands: [] };
  }
  const manifest = parseManifest(text);
  if (typeof manifest === 'string') return { checks: [check('clients', 'fail', `${manifestFile} ${manifest}`, 'Run baton init again to rewrite it.')], hookRoutes: [], hookCommands: [] };
  const root = dirname(dirname(manifestFile));
  const base = manifest.scope === 'user' ? homedir() : root;
  const problems: string[] = [];
  const drift: string[] = [];
  const hookRoutes: [string, string][] = [];
  const hookCommands: HookCommand[] = [];
  const server = serverUrl === undefined ? undefined : new URL(serverUrl).origin;
  if (manifest.serverUrl !== undefined && server !== undefined && new URL(manifest.serverUrl).origin !== server) {
    drift.push(`the MCP entries point at ${manifest.serverUrl}, the server is at ${server}`);
  }
  for (const file of manifest.files) {
    const path = isAbsolute(file.path) ? file.path : join(base, file.path);
    let content: string;
    try {
      content = readFileSync(path, 'utf8');
    } catch {
      problems.push(`${file.path} (${file.kind}${file.client ? `, ${file.client}` : ''}) is gone`);
      continue;
    }
    // Ours: anything naming Baton (MCP entry, shim, sentinels), or for hook files a /hooks/ route (hook-entries.ts `isOurs`).
    if (!/baton/i.test(content) && !(file.kind === 'hooks' && content.includes('/hooks/'))) {
      problems.push(`${file.path} (${file.kind}) no longer holds Baton's entry`);
      continue;
    }
    if (file.kind === 'git-hook') {
      try {
        accessSync(path, constants.X_OK);
      } catch {
        problems.push(`${file.path} is not executable: git skips it`);
      }
    }
    if (file.kind === 'hooks') {
      for (const origin of hookOrigins(content)) {
        if (server !== undefined && origin !== server) drift.push(`${file.path} calls hooks at ${origin}, the server is at ${server}`);
        hookRoutes.push([file.client ?? 'claude-code', origin]);
      }
      for (const program of shimPrograms(content)) hookCommands.push({ file: file.path, program, found: findOnPath(program, process.env, base) });
    }
  }
  const checks: Check[] = [];
  const summary = `${manifest.files.length} file${manifest.files.length === 1 ? '' : 's'} for ${manifest.clients.join(', ') || 'no client'} (${manifestFile})`;
  if (problems.length > 0) checks.push(check('clients', 'fail', problems.join('; '), 'Run baton init again to restore what it wrote.'));
  else if (drift.length > 0) checks.push(check('clients', 'warn', drift.join('; '), `Run baton init --http ${server ?? 'URL'} so the clients call this server (a plain baton init points the hooks at the port configured for the local server: config.json in the data directory, or BATON_PORT).`));
  else checks.push(check('clients', 'ok', `init's configs are in place: ${summary}`));
  return { checks, hookRoutes, hookCommands };
}
