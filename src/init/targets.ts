/**
 * @module What `baton init` wants in place for a set of clients: one Target per
 * (file, kind), each either JSON writes (json-merge.ts) or a marked block of
 * lines (marked-block.ts). Hook configurations come from the hooks module
 * (src/hooks/hook-entries.ts) through a HookSource, so this file knows where
 * hooks go and how they merge, not what they say.
 */
import { stringify } from 'smol-toml';
import { clientFiles, jsonMcpEntry, tomlMcpEntry, type ClientName, type Connection, type Scope } from './clients.js';
import { IMPORT_AGENTS, INSTRUCTIONS, INSTRUCTIONS_VERSION } from './instructions.js';
import type { JsonWrite } from './json-merge.js';
import type { FileKind } from './manifest.js';
import { blockSyntax, type BlockSyntax } from './marked-block.js';

/** One client's hook configuration: the file (relative to the repository, or the home directory for --user) and the writes that merge it in. */
export interface HookConfig {
  readonly path: string;
  readonly format: 'json' | 'toml';
  readonly writes: readonly JsonWrite[];
  /** The client's event names, for the report. */
  readonly events: readonly string[];
}

/** The hooks of a client in a scope; none when the client has no hooks Baton can use. */
export type HookSource = (client: ClientName, scope: Scope, options: { strict: boolean; serverUrl: string | undefined; codexHome: string }) => readonly HookConfig[];

interface TargetBase {
  readonly kind: FileKind;
  readonly client?: ClientName;
  /** Relative to the root (repository or home), or absolute. */
  readonly path: string;
  /** A few words for the report: what is in the file for Baton. */
  readonly summary: string;
}

export type Target =
  | (TargetBase & { readonly format: 'json'; readonly writes: readonly JsonWrite[] })
  | (TargetBase & {
      readonly format: 'block';
      readonly block: string;
      readonly syntax: BlockSyntax;
      readonly body: string;
      /** Check the whole file parses after the edit. */
      readonly validate?: 'toml';
      /** Leave the file alone when its own text (Baton's taken out) already matches: an `@AGENTS.md` of the user's. */
      readonly unlessPresent?: RegExp;
    })
  | (TargetBase & {
      /** The whole file is ours: `text`, or (with `from`) what another file held before Baton (its chained copy). */
      readonly format: 'whole';
      readonly text?: string;
      readonly from?: string;
      /** File mode for a file init creates (a `from` copy takes that file's mode). */
      readonly mode?: number;
    });

const md = (name: string): BlockSyntax => blockSyntax(name, INSTRUCTIONS_VERSION, '<!--', '-->');
const hash = (name: string): BlockSyntax => blockSyntax(name, 1, '#');

/** The syntax of a block name, for a manifest row read back. */
export function syntaxOfBlock(block: string): BlockSyntax {
  return block === 'instructions' || block === 'import' ? md(block) : hash(block);
}

export interface DesiredInstall {
  readonly clients: readonly ClientName[];
  readonly scope: Scope;
  readonly connection: Connection;
  readonly strict: boolean;
  /** The git pre-commit guard: the hooks directory (relative to the root, or absolute), the script, and the name it runs an earlier hook under (absent: no guard). */
  readonly gitGuard?: { readonly hooksDir: string; readonly script: string; readonly chained: string };
  readonly hooks: HookSource;
  /** CODEX_HOME relative to the home directory (--user). */
  readonly codexHome?: string;
  /** The local server the stdio proxy starts, for the HTTP hooks without --http (absent: the hooks module's default). */
  readonly localServerUrl?: string;
}

function mcpTarget(client: ClientName, desired: DesiredInstall): Target {
  const files = clientFiles(client, desired.scope, desired.codexHome);
  const where = desired.connection.kind === 'stdio' ? 'npx -y baton-mcp mcp' : desired.connection.url;
  const summary = `MCP server "baton" (${where})`;
  if (client === 'codex') {
    const body = stringify({ mcp_servers: { baton: tomlMcpEntry(desired.connection) } }).trimEnd();
    return { kind: 'mcp-entry', client, path: files.mcp.path, summary, format: 'block', block: 'mcp', syntax: hash('mcp'), body, validate: 'toml' };
  }
  return { kind: 'mcp-entry', client, path: files.mcp.path, summary, format: 'json', writes: [{ op: 'set', path: files.mcp.jsonPath, value: jsonMcpEntry(client, desired.connection) }] };
}

function hookTargets(client: ClientName, desired: DesiredInstall): Target[] {
  return desired.hooks(client, desired.scope, { strict: desired.strict, serverUrl: desired.connection.kind === 'http' ? desired.connection.url : desired.localServerUrl, codexHome: desired.codexHome ?? '.codex' }).map((hook): Target => {
    const summary = `hooks (${hook.events.join(', ')})${desired.strict ? ', strict' : ''}`;
    if (hook.format === 'toml') throw new Error(`TOML hook files are not supported (${hook.path})`);
    return { kind: 'hooks', client, path: hook.path, summary, format: 'json', writes: hook.writes };
  });
}

function instructionTargets(client: ClientName, desired: DesiredInstall): Target[] {
  return clientFiles(client, desired.scope, desired.codexHome).instructions.map((file): Target => {
    if (file.content === 'import') {
      const line = client === 'gemini' ? IMPORT_AGENTS.gemini : IMPORT_AGENTS.claude;
      return { kind: 'instructions', client, path: file.path, summary: `${line} (includes the Baton section)`, format: 'block', block: 'import', syntax: md('import'), body: line, unlessPresent: /^@(\.\/)?AGENTS\.md[ \t]*\r?$/m };
    }
    // AGENTS.md is shared by the clients that read it: no client of its own in the project.
    const shared = desired.scope === 'project' && file.path === 'AGENTS.md';
    return { kind: 'instructions', ...(shared ? {} : { client }), path: file.path, summary: 'Baton section (the tools to use)', format: 'block', block: 'instructions', syntax: md('instructions'), body: INSTRUCTIONS };
  });
}

/** Every target, in a stable order: per client its MCP entry, hooks and instructions, then the git guard; a (path, block or kind) pair once. */
export function desiredTargets(desired: DesiredInstall): Target[] {
  const targets: Target[] = [];
  const seen = new Set<string>();
  const add = (target: Target): void => {
    const key = `${target.path}\0${target.format === 'block' ? target.block : target.kind}`;
    if (seen.has(key)) return;
    seen.add(key);
    targets.push(target);
  };
  for (const client of desired.clients) {
    add(mcpTarget(client, desired));
    for (const target of hookTargets(client, desired)) add(target);
    for (const target of instructionTargets(client, desired)) add(target);
  }
  if (desired.gitGuard) for (const target of gitGuardTargets(desired.gitGuard)) add(target);
  return targets;
}

/**
 * The guard is the whole `pre-commit` hook (hooks/hook-entries.ts gitGuardScript);
 * a hook that was there before is kept, byte for byte, as `chained` beside it
 * (the guard runs it first), and comes back as `pre-commit` on uninstall.
 */
function gitGuardTargets(guard: NonNullable<DesiredInstall['gitGuard']>): Target[] {
  const hook = `${guard.hooksDir}/pre-commit`;
  return [
    // Wanted only when a pre-commit hook was there before Baton (the planner skips it otherwise).
    { kind: 'git-hook', path: `${guard.hooksDir}/${guard.chained}`, summary: 'the pre-commit hook that was there, run first by the guard', format: 'whole', from: hook },
    { kind: 'git-hook', path: hook, summary: 'pre-commit guard (refuses a commit of files another agent reserved)', format: 'whole', text: guard.script, mode: 0o755 },
  ];
}
