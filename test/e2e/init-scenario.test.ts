/**
 * @module Issue 10's end-to-end run, as a new user gets it: `npm pack`, the tarball
 * installed into a private prefix, `baton init --client claude-code` in a scratch
 * repository, then two Claude Code sessions simulated from what init wrote (the
 * hook entries of .claude/settings.json fed the hook JSON Claude Code sends, and
 * the MCP server of .mcp.json over stdio, each with its own CLAUDE_CODE_SESSION_ID):
 * one edits src/a.ts, the other is denied naming the first, then allowed once the
 * first session stops. Installing runs npm, so this file takes 20–60 s.
 *
 * One stand-in, for the machine rather than for Baton: `npx -y baton-mcp mcp` runs
 * the installed `baton mcp` (baton-mcp is not on the registry from here). The local
 * server is configured on a free port (BATON_PORT; 3100 may be taken on a shared
 * machine): init writes that port into the HTTP hooks, and the proxy starts the server
 * there, so the hooks are posted to exactly the URL settings.json names. The installed
 * prefix's bin is on PATH, so init finds `baton-hook` and warns about nothing.
 */
import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, describe, expect, it } from 'vitest';
import { readServerRecord } from '../../src/server/server-record.js';
import { gitRepository } from '../support/git.js';
import { call } from '../support/mcp.js';
import { assertBuilt, childEnv, cleanupAll, REPO_ROOT, tempDir } from '../support/server.js';

const run = promisify(execFile);
const clients: Client[] = [];
const dataDirs: string[] = [];

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  for (const dir of dataDirs) {
    const record = readServerRecord(dir);
    if (record) {
      try {
        process.kill(record.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
  await cleanupAll();
});

const npm = (args: string[], cwd: string, timeout = 180_000): Promise<{ stdout: string }> =>
  run('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], { cwd, env: childEnv(), timeout, maxBuffer: 16 * 1024 * 1024 });

/** Packs this checkout and installs the tarball into a private prefix; the prefix's bin directory. */
async function installPackage(work: string): Promise<string> {
  const packed = await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], REPO_ROOT);
  const [pack] = JSON.parse(packed.stdout) as { filename: string }[];
  const prefix = join(work, 'prefix');
  await npm(['install', '--global', '--prefix', prefix, '--ignore-scripts', join(work, pack!.filename)], work);
  const installed = join(prefix, 'lib', 'node_modules', 'baton-mcp');
  // better-sqlite3's addon from this checkout when the versions agree, else its own build.
  const sqlite = (root: string): string => join(root, 'node_modules', 'better-sqlite3');
  const versionOf = (dir: string): string => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  const ours = join(sqlite(REPO_ROOT), 'build', 'Release', 'better_sqlite3.node');
  if (existsSync(ours) && versionOf(sqlite(REPO_ROOT)) === versionOf(sqlite(installed))) {
    mkdirSync(join(sqlite(installed), 'build', 'Release'), { recursive: true });
    copyFileSync(ours, join(sqlite(installed), 'build', 'Release', 'better_sqlite3.node'));
  } else {
    await npm(['rebuild', 'better-sqlite3'], installed, 200_000);
  }
  return join(prefix, 'bin');
}

interface HookHandler {
  type: 'command' | 'http';
  command?: string;
  url?: string;
  headers?: Record<string, string>;
  allowedEnvVars?: string[];
}

interface HookGroup {
  matcher?: string;
  hooks: HookHandler[];
}

interface HookOutcome {
  denied: boolean;
  reason?: string;
  context?: string;
}

/** A TCP port nothing listens on right now. */
const freePort = (): Promise<number> =>
  new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        done(typeof address === 'object' && address ? address.port : 0);
      });
    });
  });

/** Plays Claude Code's part for one hook event: each matching handler of settings.json, command or HTTP. */
async function fireHook(settings: Record<string, HookGroup[]>, event: string, payload: Record<string, unknown>, env: NodeJS.ProcessEnv, cwd: string, serverUrl: string): Promise<HookOutcome> {
  const groups = (settings[event] ?? []).filter((group) => group.matcher === undefined || group.matcher === '' || new RegExp(`^(?:${group.matcher})$`).test(typeof payload['tool_name'] === 'string' ? payload['tool_name'] : ''));
  expect(groups.length, `settings.json has a ${event} hook`).toBeGreaterThan(0);
  const outcome: HookOutcome = { denied: false };
  for (const handler of groups.flatMap((group) => group.hooks)) {
    let output = '';
    if (handler.type === 'command') {
      const result = await new Promise<{ code: number | null; stdout: string }>((done, fail) => {
        const child = spawn('/bin/sh', ['-c', handler.command!], { cwd, env, stdio: ['pipe', 'pipe', 'inherit'] });
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.on('error', fail);
        child.on('close', (code) => {
          done({ code, stdout });
        });
        child.stdin.end(JSON.stringify(payload));
      });
      if (result.code === 2) outcome.denied = true;
      output = result.stdout;
    } else {
      const target = new URL(handler.url!);
      // init wrote the URL of the server the proxy started: the configured port, no stand-in.
      expect(target.origin).toBe(new URL(serverUrl).origin);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      for (const [name, value] of Object.entries(handler.headers ?? {})) {
        headers[name] = value.replace(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g, (_, variable: string) => ((handler.allowedEnvVars ?? []).includes(variable) ? env[variable] ?? '' : ''));
      }
      const res = await fetch(target, { method: 'POST', headers, body: JSON.stringify(payload) });
      expect(res.status, `${event} answered`).toBe(200);
      output = await res.text();
    }
    if (output.trim() === '') continue;
    const decision = JSON.parse(output) as { decision?: string; reason?: string; hookSpecificOutput?: { permissionDecision?: string; permissionDecisionReason?: string; additionalContext?: string } };
    if (decision.hookSpecificOutput?.permissionDecision === 'deny' || decision.decision === 'block') {
      outcome.denied = true;
      outcome.reason = decision.hookSpecificOutput?.permissionDecisionReason ?? decision.reason;
    }
    if (decision.hookSpecificOutput?.additionalContext) outcome.context = decision.hookSpecificOutput.additionalContext;
  }
  return outcome;
}

describe('from npm pack to two coordinated Claude Code sessions', () => {
  it('init writes what makes the second session\'s edit of src/a.ts refused, then allowed after the first stops', { timeout: 300_000 }, async () => {
    assertBuilt();
    const work = tempDir('baton-scenario-');
    const bin = await installPackage(work);
    const repo = gitRepository(work, 'scratch', 'https://github.com/acme/scratch.git');
    mkdirSync(join(repo, 'src'), { recursive: true });
    writeFileSync(join(repo, 'src', 'a.ts'), 'export const a = 1;\n');
    const home = tempDir('baton-home-');
    const dataDir = tempDir('baton-data-');
    dataDirs.push(dataDir);
    const port = await freePort();
    const env = childEnv({ HOME: home, PATH: `${bin}:${process.env['PATH'] ?? ''}`, BATON_DATA_DIR: dataDir, BATON_PORT: String(port) });

    const init = await run(join(bin, 'baton'), ['init', '--client', 'claude-code'], { cwd: repo, env });
    expect(init.stdout).not.toMatch(/warning/);
    expect(init.stdout).toMatch(/created\s+\.mcp\.json/);
    expect(init.stdout).toMatch(/created\s+\.claude\/settings\.json/);
    const mcp = (JSON.parse(readFileSync(join(repo, '.mcp.json'), 'utf8')) as { mcpServers: Record<string, { command: string; args: string[] }> }).mcpServers['baton']!;
    expect(mcp).toEqual({ command: 'npx', args: ['-y', 'baton-mcp', 'mcp'] });
    const settings = (JSON.parse(readFileSync(join(repo, '.claude', 'settings.json'), 'utf8')) as { hooks: Record<string, HookGroup[]> }).hooks;

    // Each session: Claude Code starts the MCP server of .mcp.json with its session id, and runs the hooks with it.
    const session = async (id: string): Promise<{ client: Client; env: NodeJS.ProcessEnv }> => {
      const sessionEnv = { ...env, CLAUDE_CODE_SESSION_ID: id };
      const [, , ...mcpArgs] = mcp.args; // `npx -y baton-mcp` is the installed `baton` (see the module comment)
      const transport = new StdioClientTransport({ command: join(bin, 'baton'), args: mcpArgs, cwd: repo, env: sessionEnv, stderr: 'pipe' });
      const client = new Client({ name: 'claude-code-sim', version: '1.0.0' });
      await client.connect(transport);
      clients.push(client);
      return { client, env: sessionEnv };
    };
    const alice = await session('sess-alice');
    const bob = await session('sess-bob');
    const record = readServerRecord(dataDir);
    expect(record, 'baton mcp started the local server').not.toBeNull();
    const server = record!.url;

    const base = (id: string) => ({ session_id: id, transcript_path: join(home, `${id}.jsonl`), cwd: repo, permission_mode: 'default' });
    const edit = (id: string, event: 'PreToolUse' | 'PostToolUse') => ({
      ...base(id),
      hook_event_name: event,
      tool_name: 'Edit',
      tool_input: { file_path: join(repo, 'src', 'a.ts'), old_string: '1', new_string: '2', replace_all: false },
      tool_use_id: `toolu_${id}`,
      ...(event === 'PostToolUse' ? { tool_response: { filePath: join(repo, 'src', 'a.ts'), success: true } } : {}),
    });
    const fire = (who: { env: NodeJS.ProcessEnv }, event: string, payload: Record<string, unknown>) => fireHook(settings, event, payload, who.env, repo, server);

    for (const [who, id] of [[alice, 'sess-alice'], [bob, 'sess-bob']] as const) {
      await fire(who, 'SessionStart', { ...base(id), hook_event_name: 'SessionStart', source: 'startup', model: 'claude-sonnet-4-6' });
      expect(await call(who.client, 'start_session', {})).toMatchObject({ agent_id: id });
    }

    // Alice edits src/a.ts: allowed, and reserved for her (the hook and her MCP session are one agent).
    expect((await fire(alice, 'PreToolUse', edit('sess-alice', 'PreToolUse'))).denied).toBe(false);
    writeFileSync(join(repo, 'src', 'a.ts'), 'export const a = 2;\n');
    await fire(alice, 'PostToolUse', edit('sess-alice', 'PostToolUse'));
    const held = await call(alice.client, 'list_reservations', {});
    expect(JSON.stringify(held)).toContain('src/a.ts');
    expect(JSON.stringify(held)).toContain('sess-alice');

    // Bob's edit of the same file is refused, naming Alice.
    const denied = await fire(bob, 'PreToolUse', edit('sess-bob', 'PreToolUse'));
    expect(denied.denied).toBe(true);
    expect(denied.reason).toContain('sess-alice');
    const probe = await call(bob.client, 'reserve_files', { paths: ['src/a.ts'], dry_run: true });
    expect(JSON.stringify(probe)).toContain('sess-alice');

    // Alice's session stops and ends: what the hooks reserved is released, and Bob may edit.
    await fire(alice, 'Stop', { ...base('sess-alice'), hook_event_name: 'Stop', stop_hook_active: false });
    await fire(alice, 'SessionEnd', { ...base('sess-alice'), hook_event_name: 'SessionEnd', reason: 'prompt_input_exit' });
    const allowed = await fire(bob, 'PreToolUse', edit('sess-bob', 'PreToolUse'));
    expect(allowed.denied, allowed.reason).toBe(false);
    expect(JSON.stringify(await call(bob.client, 'list_reservations', {}))).toContain('sess-bob');
  });
});
