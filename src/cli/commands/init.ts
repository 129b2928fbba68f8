/**
 * @module `baton init` and `baton uninstall`: parse the flags, run src/init with
 * the hooks module's entries, print what was done (or with --dry-run what would
 * be), as lines or --json. `uninstall --purge` then deletes the data directory,
 * after a confirmation, and never under a running server.
 */
import { existsSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { SHIM_COMMAND } from '../../hooks/hook-entries.js';
import { findOnPath } from '../../hooks/shim-on-path.js';
import { CLIENTS, isClientName, type ClientName } from '../../init/clients.js';
import { gitGuard, hookSource } from '../../init/hook-source.js';
import { InitError } from '../../init/init-error.js';
import { displayPath, type FileReport } from '../../init/installer.js';
import type { InstallOptions } from '../../init/manifest.js';
import { runInit, runUninstall, type HookProviders, type InitOutcome } from '../../init/run-init.js';
import { defaultDataDir, loadServerConfig } from '../../server/config.js';
import { serverUrlOf } from '../../server/server-record.js';
import { runningServer } from './server-control.js';

export interface InitFlags {
  client?: string[];
  user?: boolean;
  /** A URL, or false for --no-http. */
  http?: string | false;
  tokenEnv?: string;
  strict?: boolean;
  gitGuard?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

export interface UninstallFlags {
  client?: string[];
  user?: boolean;
  dryRun?: boolean;
  json?: boolean;
  purge?: boolean;
  yes?: boolean;
  dataDir?: string;
}

const providers: HookProviders = { hooks: hookSource, gitGuard, shim: { command: SHIM_COMMAND, locate: (env) => findOnPath(SHIM_COMMAND, env) } };

/**
 * The local server the stdio proxy starts, as its configuration says (the data
 * directory's config.json, BATON_HOST / BATON_PORT / TLS): the HTTP hooks must call
 * that one, or they fail open. Port 0 (a free port at each start) cannot be written.
 */
function localServer(): { url?: string; warning?: string } {
  const fallback = 'the HTTP hooks point at the default http://127.0.0.1:3100';
  try {
    const config = loadServerConfig({});
    if (config.port === 0) return { warning: `the local server's port is 0 (a free one at each start), which a hook file cannot name: ${fallback}. Set "port" in ${join(config.dataDir, 'config.json')}, or use --strict (command hooks find the server through its record)` };
    return { url: serverUrlOf(config.host, config.port, config.tls !== undefined) };
  } catch (error) {
    return { warning: `the local server's configuration cannot be read (${error instanceof Error ? error.message : String(error)}): ${fallback}` };
  }
}

/** `--client a,b --client c` as client names; an InitError naming the known ones otherwise. */
function clientsOf(values: readonly string[] | undefined): ClientName[] {
  const names = (values ?? []).flatMap((value) => value.split(',')).map((name) => name.trim()).filter(Boolean);
  for (const name of names) {
    if (!isClientName(name)) throw new InitError(`unknown client '${name.slice(0, 40)}'`, `use one of: ${CLIENTS.join(', ')}`);
  }
  return [...new Set(names)] as ClientName[];
}

const VERB: Record<FileReport['action'], [string, string]> = {
  create: ['created', 'would create'],
  update: ['updated', 'would update'],
  remove: ['removed', 'would remove'],
  unchanged: ['unchanged', 'unchanged'],
};

function describe(outcome: InitOutcome, command: 'init' | 'uninstall'): string {
  const lines: string[] = [];
  const where = outcome.scope === 'user' ? `your user configuration in ${outcome.root}` : outcome.root;
  lines.push(`baton ${command}${outcome.dryRun ? ' (dry run: nothing written)' : ''}: ${where}`);
  if (outcome.project && outcome.scope === 'project') lines.push(`project ${outcome.project.id} (${outcome.projectWhy ?? ''})`);
  if (command === 'init') lines.push(`clients: ${outcome.clients.join(', ')}${outcome.detected ? ' (detected; choose with --client)' : outcome.clients.length === 1 && outcome.clients[0] === 'claude-code' ? ' (choose others with --client)' : ''}`);
  const width = Math.max(0, ...outcome.files.map((file) => displayPath(outcome.root, file.path).length));
  for (const file of outcome.files) {
    const verb = VERB[file.action][outcome.dryRun ? 1 : 0];
    lines.push(`  ${verb.padEnd(12)} ${displayPath(outcome.root, file.path).padEnd(width)}  ${file.summary}`);
  }
  if (outcome.files.length === 0) lines.push(command === 'uninstall' ? '  nothing to remove: baton init has not written here' : '  nothing to do');
  for (const warning of outcome.warnings) lines.push(`warning: ${warning}`);
  if (command === 'init' && !outcome.dryRun) {
    lines.push(outcome.files.every((file) => file.action === 'unchanged') ? 'Already set up; nothing changed.' : 'Next: open your editor here (Claude Code asks once to approve the project\'s MCP server). `baton uninstall` takes all of this out again.');
  }
  return `${lines.join('\n')}\n`;
}

function print(outcome: InitOutcome, command: 'init' | 'uninstall', json: boolean | undefined, extra: Record<string, unknown> = {}): void {
  process.stdout.write(json ? `${JSON.stringify({ ...outcome, ...extra }, null, 2)}\n` : describe(outcome, command));
}

function fail(error: unknown, json: boolean | undefined): void {
  if (!(error instanceof InitError)) throw error;
  if (json) process.stdout.write(`${JSON.stringify({ error: { message: error.message, hint: error.hint } }, null, 2)}\n`);
  else process.stderr.write(`baton: ${error.message}\n  ${error.hint}\n`);
  process.exitCode = 1;
}

const place = (user: boolean | undefined) => ({ cwd: process.cwd(), home: homedir(), env: process.env, user: user === true });

// cli/main.ts imports this lazily (`await import`), which ts-unused-exports does not follow.
export function runInitCommand(flags: InitFlags): void {
  try {
    const options: InstallOptions = {
      ...(typeof flags.http === 'string' ? { http: flags.http } : flags.http === false ? { http: undefined } : {}),
      ...(flags.tokenEnv !== undefined ? { tokenEnv: flags.tokenEnv } : {}),
      ...(flags.strict !== undefined ? { strict: flags.strict } : {}),
      ...(flags.gitGuard === false ? { gitGuard: false } : {}),
    };
    const outcome = runInit({ ...place(flags.user), clients: clientsOf(flags.client), options, dryRun: flags.dryRun === true, localServer: localServer() }, providers);
    print(outcome, 'init', flags.json);
  } catch (error) {
    fail(error, flags.json);
  }
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

/** Deletes the data directory after a confirmation; a sentence saying what happened. */
async function purge(flags: UninstallFlags): Promise<{ purged: boolean; message: string }> {
  const dataDir = flags.dataDir ?? defaultDataDir();
  if (!existsSync(dataDir)) return { purged: false, message: `${dataDir} does not exist; nothing to purge` };
  const server = await runningServer(dataDir);
  if (server) throw new InitError(`a Baton server is running for ${dataDir} (pid ${server.pid}, ${server.url})`, `stop it first (baton stop --data-dir ${dataDir}), then purge`);
  if (!flags.user && existsSync(join(dataDir, 'installed.json'))) {
    throw new InitError(`${dataDir} holds the record of a --user install`, 'run `baton uninstall --user` first, then purge');
  }
  if (flags.dryRun) return { purged: false, message: `would delete ${dataDir} (all of Baton's state: locks, tasks, events)` };
  if (!flags.yes) {
    if (!process.stdin.isTTY) throw new InitError(`--purge deletes ${dataDir} and needs a confirmation`, 'add --yes to confirm without a terminal');
    if (!(await confirm(`Delete ${dataDir} and all of Baton's state in it (locks, tasks, events)? [y/N] `))) return { purged: false, message: `kept ${dataDir}` };
  }
  rmSync(dataDir, { recursive: true, force: true });
  return { purged: true, message: `deleted ${dataDir}` };
}

// cli/main.ts imports this lazily (`await import`), which ts-unused-exports does not follow.
export async function runUninstallCommand(flags: UninstallFlags): Promise<void> {
  try {
    const outcome = runUninstall({ ...place(flags.user), clients: clientsOf(flags.client), dryRun: flags.dryRun === true }, providers);
    if (!flags.purge) {
      print(outcome, 'uninstall', flags.json);
      return;
    }
    const purged = await purge(flags);
    print(outcome, 'uninstall', flags.json, { purge: purged });
    if (!flags.json) process.stdout.write(`${purged.message}\n`);
  } catch (error) {
    fail(error, flags.json);
  }
}
