/**
 * @module `baton init` and `baton uninstall` as functions that return what they
 * did (the CLI prints it): which root (the repository's work tree, or the home
 * directory with --user), which clients (asked for, else detected, else Claude
 * Code; a later init adds to those already installed), the targets, the plan.
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { describeProject, resolveProject, type ProjectIdentity } from '../project/identity.js';
import { detectClients, type ClientName, type Connection, type Scope } from './clients.js';
import { gitHooksDir } from './git-hooks-dir.js';
import { InitError } from './init-error.js';
import { applyPlan, planInstall, type FileReport } from './installer.js';
import { MANIFEST_PATH, readManifest, type InstallOptions, type Manifest } from './manifest.js';
import { desiredTargets, type DesiredInstall, type HookSource, type Target } from './targets.js';

export interface InitPlace {
  readonly cwd: string;
  readonly home: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** --user: the user's own config files instead of the repository's. */
  readonly user?: boolean;
}

export interface InitRequest extends InitPlace {
  /** --client; empty or absent: those already installed plus the detected ones. */
  readonly clients?: readonly ClientName[];
  readonly options: InstallOptions;
  readonly dryRun?: boolean;
  /**
   * The local server the stdio proxy starts: its URL (configured host and port) for the
   * HTTP hooks when there is no --http, or why it cannot be named (then the hooks get
   * the default http://127.0.0.1:3100 and init says so). Absent: the default, silently.
   */
  readonly localServer?: { readonly url?: string | undefined; readonly warning?: string | undefined };
}

/** What init needs from the hooks module (injected, so tests and the CLI choose the source). */
export interface HookProviders {
  readonly hooks: HookSource;
  /** The git pre-commit guard script and the name it runs an existing hook under; absent: no guard. */
  readonly gitGuard?: () => { readonly script: string; readonly chained: string };
  /** The program the command hooks run, and where the environment's PATH finds it (undefined: not found); absent: not checked. */
  readonly shim?: { readonly command: string; readonly locate: (env: InitPlace['env']) => string | undefined };
}

/** Where the command hooks' program was found; `path` null: not on PATH, the command hooks will do nothing. */
export interface ShimCheck {
  readonly command: string;
  readonly path: string | null;
}

export interface InitOutcome {
  readonly scope: Scope;
  readonly root: string;
  readonly project?: ProjectIdentity;
  readonly projectWhy?: string;
  readonly clients: readonly ClientName[];
  /** True when clients were detected from their files (not named, not the Claude Code default). */
  readonly detected: boolean;
  readonly files: readonly FileReport[];
  readonly warnings: readonly string[];
  readonly dryRun: boolean;
  /** init only, when it installed a client. */
  readonly shim?: ShimCheck;
}

interface Place {
  readonly scope: Scope;
  readonly root: string;
  readonly project?: ProjectIdentity;
  readonly warnings: string[];
}

function placeOf(request: InitPlace): Place {
  if (request.user) return { scope: 'user', root: request.home, warnings: [] };
  const project = resolveProject({ cwd: request.cwd, env: request.env });
  if (project.root) return { scope: 'project', root: project.root, project, warnings: [] };
  return { scope: 'project', root: request.cwd, project, warnings: [`${request.cwd} is in no git repository: writing there, without the git pre-commit guard`] };
}

/** Where CODEX_HOME puts codex's user files, relative to the home directory. */
function codexHomeOf(place: Place, env: InitPlace['env']): string {
  const codexHome = env['CODEX_HOME'];
  if (!codexHome) return '.codex';
  return isAbsolute(codexHome) ? codexHome : relative(place.root, join(place.root, codexHome));
}

function connectionOf(options: InstallOptions, place: Place): Connection {
  if (!options.http) return { kind: 'stdio' };
  try {
    const url = new URL(options.http);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new InitError(`--http ${options.http.slice(0, 200)} is not an http(s) URL`, 'give the shared server\'s URL, e.g. --http https://baton.example.com:3100');
  }
  const tokenEnv = options.tokenEnv ?? 'BATON_TOKEN';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(tokenEnv)) throw new InitError(`--token-env ${tokenEnv.slice(0, 80)} is not an environment variable name`, 'use letters, digits and _ (e.g. BATON_TOKEN)');
  return { kind: 'http', url: options.http, tokenEnv, project: place.scope === 'project' && place.project?.source !== 'default' ? place.project?.id : undefined };
}

/** The hooks directory and the guard, for a project in git. */
function gitGuardOf(place: Place, options: InstallOptions, providers: HookProviders): DesiredInstall['gitGuard'] {
  if (place.scope !== 'project' || options.gitGuard === false || !providers.gitGuard) return undefined;
  const dir = gitHooksDir(place.root);
  if (!dir) return undefined;
  const rel = relative(place.root, dir);
  return { hooksDir: rel.startsWith('..') || isAbsolute(rel) ? dir : rel, ...providers.gitGuard() };
}

const realOrSelf = (path: string): string => {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
};

/** Drops a target whose file is another target's file under a second name (CLAUDE.md as a symlink to AGENTS.md). */
function withoutAliases(targets: readonly Target[], root: string): Target[] {
  const abs = (path: string): string => realOrSelf(isAbsolute(path) ? path : join(root, path));
  return targets.filter((target, index) => !targets.some((other, earlier) => earlier < index && other.path !== target.path && abs(other.path) === abs(target.path)));
}

/**
 * Every client gets command hooks (Claude Code's SessionStart and SessionEnd at least). A
 * program that is not on PATH exits 127, a non-blocking error to every client: the hooks do
 * nothing and --strict fails open, without a word. Said here, where it can still be fixed.
 */
function shimCheck(providers: HookProviders, env: InitPlace['env'], strict: boolean): { shim: ShimCheck; warning?: string } | undefined {
  if (!providers.shim) return undefined;
  const { command } = providers.shim;
  const path = providers.shim.locate(env) ?? null;
  if (path !== null) return { shim: { command, path } };
  return {
    shim: { command, path: null },
    warning:
      `${command} is not on this PATH: the command hooks written here will exit 127, which the clients treat as a non-blocking error, so they do nothing` +
      `${strict ? ' and --strict fails open' : ''}. Install the package so its bins are on PATH (npm install -g baton-mcp), then restart the editor; ` +
      'everyone who uses these files needs the same (`baton doctor` checks it).',
  };
}

function run(request: InitRequest, providers: HookProviders, wanted: (previous: Manifest | null, place: Place) => { clients: ClientName[]; detected: boolean; options: InstallOptions }, installing = false): InitOutcome {
  const place = placeOf(request);
  const manifestFile = join(place.root, MANIFEST_PATH);
  const previous = readManifest(manifestFile);
  if (previous && previous.scope !== place.scope) throw new InitError(`${manifestFile} records a ${previous.scope} install`, 'run the command with the same scope (--user or not)');
  const { clients, detected, options } = wanted(previous, place);
  const connection = connectionOf(options, place);
  const gitGuard = clients.length > 0 ? gitGuardOf(place, options, providers) : undefined;
  const targets = clients.length === 0 ? [] : desiredTargets({
    clients,
    scope: place.scope,
    connection,
    strict: options.strict ?? false,
    hooks: providers.hooks,
    codexHome: codexHomeOf(place, request.env),
    ...(request.localServer?.url && connection.kind === 'stdio' ? { localServerUrl: request.localServer.url } : {}),
    ...(gitGuard ? { gitGuard } : {}),
  });
  const plan = planInstall({ root: place.root, manifestPath: MANIFEST_PATH, previous, targets: withoutAliases(targets, place.root), scope: place.scope, clients, options });
  if (!request.dryRun) applyPlan(plan);
  const shim = installing && clients.length > 0 ? shimCheck(providers, request.env, options.strict ?? false) : undefined;
  // Claude Code's are the only HTTP hooks; with --http they call the shared server instead.
  const localWarning = installing && connection.kind === 'stdio' && clients.includes('claude-code') ? request.localServer?.warning : undefined;
  return {
    scope: place.scope,
    root: place.root,
    ...(place.project ? { project: place.project, projectWhy: describeProject(place.project) } : {}),
    clients,
    detected,
    files: plan.files,
    warnings: [...place.warnings, ...plan.warnings, ...(localWarning ? [localWarning] : []), ...(shim?.warning ? [shim.warning] : [])],
    dryRun: request.dryRun ?? false,
    ...(shim ? { shim: shim.shim } : {}),
  };
}

/** `baton init`: installs (or brings up to date) Baton's entries for the clients. */
export function runInit(request: InitRequest, providers: HookProviders): InitOutcome {
  return run(request, providers, (previous, place) => {
    const asked = request.clients ?? [];
    const found = asked.length > 0 ? [] : detectClients(place.root, place.scope);
    // Nothing named, found or installed before: Claude Code, the default (not "detected").
    const base: readonly ClientName[] = asked.length > 0 ? asked : found.length > 0 ? found : previous?.clients.length ? [] : ['claude-code'];
    const clients = [...new Set([...(previous?.clients ?? []), ...base])];
    return { clients, detected: found.length > 0, options: { ...previous?.options, ...request.options } };
  }, true);
}

/** `baton uninstall`: takes out what init wrote, for every client or only the named ones. */
export function runUninstall(request: Omit<InitRequest, 'options'>, providers: HookProviders): InitOutcome {
  return run({ ...request, options: {} }, providers, (previous) => {
    const drop = request.clients ?? [];
    const clients = drop.length === 0 ? [] : (previous?.clients ?? []).filter((client) => !drop.includes(client));
    return { clients, detected: false, options: previous?.options ?? {} };
  });
}
