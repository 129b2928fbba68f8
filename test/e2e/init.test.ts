/**
 * @module `baton init` and `baton uninstall` as a user runs them (the built CLI,
 * real git repositories, a private HOME): merged into files that already hold
 * other entries, init twice equals init once, and uninstall leaves every file
 * byte-identical to before, for each client, --user and --http; bad input is
 * refused with nothing written.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseToml } from 'smol-toml';
import { afterAll, describe, expect, it } from 'vitest';
import { gitRepository, gitWorktree } from '../support/git.js';
import { assertBuilt, childEnv, cleanupAll, CLI, tempDir } from '../support/server.js';

const exec = promisify(execFile);

afterAll(async () => {
  await cleanupAll();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `baton` with a private HOME; never throws on a non-zero exit. */
async function baton(cwd: string, home: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  assertBuilt();
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], { cwd, env: childEnv({ HOME: home, ...env }), timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** Every file under `dir` (git's objects and logs aside) with its bytes and mode. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      const rel = relative(dir, path);
      if (/^\.git\/(objects|logs|refs|index|COMMIT_EDITMSG|ORIG_HEAD)/.test(rel)) continue;
      if (entry.isSymbolicLink()) files[rel] = `-> ${readlinkSync(path)}`;
      else if (entry.isDirectory()) {
        files[`${rel}/`] = 'dir';
        walk(path);
      } else files[rel] = `${(lstatSync(path).mode & 0o777).toString(8)} ${readFileSync(path, 'latin1')}`;
    }
  };
  walk(dir);
  return files;
}

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

const read = (root: string, path: string): string => readFileSync(join(root, path), 'utf8');

/** A repository with files of its own in every place init writes to. */
function busyRepository(): { repo: string; home: string } {
  const parent = tempDir('baton-init-');
  const repo = gitRepository(parent, 'web', 'git@github.com:acme/web.git');
  write(repo, '.mcp.json', '{\n    "mcpServers": {\n        "github": { "command": "gh-mcp", "args": ["--stdio"] }\n    }\n}\n');
  write(repo, '.claude/settings.json', '{\n  "permissions": { "allow": ["Bash(npm test)"] },\n  "hooks": {\n    "PreToolUse": [\n      { "matcher": "Bash", "hooks": [{ "type": "command", "command": "./lint-guard.sh" }] }\n    ]\n  }\n}\n');
  write(repo, 'AGENTS.md', '# Agents\r\n\r\nRun `npm test` before you push.\r\n');
  write(repo, 'CLAUDE.md', 'Prefer small commits.');
  write(repo, '.git/hooks/pre-commit', '#!/usr/bin/env python3\nprint("their hook")\n');
  chmodSync(join(repo, '.git/hooks/pre-commit'), 0o755);
  return { repo, home: tempDir('baton-home-') };
}

describe('baton init / uninstall on a repository with files of its own', () => {
  it('merges into them, is idempotent, and uninstall leaves every file byte-identical', async () => {
    const { repo, home } = busyRepository();
    const before = snapshot(repo);

    const first = await baton(repo, home, ['init']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('clients: claude-code (detected');
    expect(first.stdout).toMatch(/updated\s+\.mcp\.json/);
    const mcp = JSON.parse(read(repo, '.mcp.json')) as { mcpServers: Record<string, unknown> };
    expect(mcp.mcpServers).toEqual({ github: { command: 'gh-mcp', args: ['--stdio'] }, baton: { command: 'npx', args: ['-y', 'baton-mcp', 'mcp'] } });
    // Their lines are still there, byte for byte.
    expect(read(repo, '.mcp.json')).toContain('        "github": { "command": "gh-mcp", "args": ["--stdio"] },\n');
    const settings = JSON.parse(read(repo, '.claude/settings.json')) as { permissions: unknown; hooks: Record<string, unknown[]> };
    expect(settings.permissions).toEqual({ allow: ['Bash(npm test)'] });
    expect(settings.hooks['PreToolUse']).toHaveLength(2);
    expect(settings.hooks['PreToolUse']![0]).toEqual({ matcher: 'Bash', hooks: [{ type: 'command', command: './lint-guard.sh' }] });
    expect(Object.keys(settings.hooks)).toEqual(expect.arrayContaining(['SessionStart', 'PreToolUse', 'PostToolUse', 'Stop', 'SessionEnd']));
    expect(read(repo, 'AGENTS.md').startsWith('# Agents\r\n\r\nRun `npm test` before you push.\r\n\r\n<!-- baton:begin instructions v1')).toBe(true);
    expect(read(repo, 'AGENTS.md')).toContain('`reserve_files`');
    expect(read(repo, 'CLAUDE.md')).toMatch(/^Prefer small commits\.\n\n<!-- baton:begin import v1[^\n]*-->\n@AGENTS\.md\n<!-- baton:end import -->\n$/);
    // Their python hook is kept (and run first) beside the guard.
    expect(read(repo, '.git/hooks/pre-commit.before-baton')).toBe('#!/usr/bin/env python3\nprint("their hook")\n');
    expect(read(repo, '.git/hooks/pre-commit')).toContain('# baton pre-commit guard');
    const manifest = JSON.parse(read(repo, '.baton/installed.json')) as { version: number; clients: string[]; files: { path: string; kind: string; client?: string; created: boolean }[] };
    expect(manifest.version).toBe(1);
    expect(manifest.clients).toEqual(['claude-code']);
    expect(manifest.files.map((f) => [f.path, f.kind, f.client ?? null, f.created])).toEqual([
      ['.mcp.json', 'mcp-entry', 'claude-code', false],
      ['.claude/settings.json', 'hooks', 'claude-code', false],
      ['AGENTS.md', 'instructions', null, false],
      ['CLAUDE.md', 'instructions', 'claude-code', false],
      ['.git/hooks/pre-commit.before-baton', 'git-hook', null, true],
      ['.git/hooks/pre-commit', 'git-hook', null, false],
    ]);

    const once = snapshot(repo);
    const second = await baton(repo, home, ['init']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('Already set up; nothing changed.');
    expect(snapshot(repo)).toEqual(once);

    // A changed option rewrites Baton's entries only, and is remembered by the next init.
    const strict = await baton(repo, home, ['init', '--strict']);
    expect(strict.code, strict.stderr).toBe(0);
    expect(strict.stdout).toMatch(/updated\s+\.claude\/settings\.json/);
    expect(strict.stdout).toMatch(/unchanged\s+\.mcp\.json/);
    expect(read(repo, '.claude/settings.json')).toContain('baton-hook claude-code pre-tool --strict');
    expect(read(repo, '.claude/settings.json').match(/pre-tool/g)).toHaveLength(1);
    expect((await baton(repo, home, ['init'])).stdout).toContain('Already set up');

    const removed = await baton(repo, home, ['uninstall']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toMatch(/removed\s+\.baton\/installed\.json/);
    expect(snapshot(repo)).toEqual(before);
    expect((await baton(repo, home, ['uninstall'])).stdout).toContain('nothing to remove');
  });

  it('--dry-run writes nothing and --json reports what it would do', async () => {
    const { repo, home } = busyRepository();
    const before = snapshot(repo);
    const dry = await baton(repo, home, ['init', '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    const report = JSON.parse(dry.stdout) as { dryRun: boolean; scope: string; clients: string[]; project: { id: string }; files: { path: string; action: string }[] };
    expect(report).toMatchObject({ dryRun: true, scope: 'project', clients: ['claude-code'] });
    expect(report.project.id).toMatch(/^web-[0-9a-f]{8}$/);
    expect(report.files.find((f) => f.path === '.mcp.json')?.action).toBe('update');
    expect(report.files.find((f) => f.path === '.baton/installed.json')?.action).toBe('create');
    expect(snapshot(repo)).toEqual(before);
    expect((await baton(repo, home, ['init', '--dry-run'])).stdout).toMatch(/would update\s+\.mcp\.json/);
  });

  it('takes out only its own entries from a file edited since init, and says so', async () => {
    const { repo, home } = busyRepository();
    expect((await baton(repo, home, ['init'])).code).toBe(0);
    const mcp = read(repo, '.mcp.json').replace('"mcpServers": {', '"mcpServers": {\n        "later": { "command": "l" },');
    write(repo, '.mcp.json', mcp);
    const removed = await baton(repo, home, ['uninstall']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain('.mcp.json changed since baton init');
    expect(JSON.parse(read(repo, '.mcp.json'))).toEqual({ mcpServers: { later: { command: 'l' }, github: { command: 'gh-mcp', args: ['--stdio'] } } });
    expect(read(repo, 'AGENTS.md')).toBe('# Agents\r\n\r\nRun `npm test` before you push.\r\n');
  });
});

describe('baton init for each client', () => {
  it('codex: a marked [mcp_servers.baton] table in a config.toml of its own, hooks.json, AGENTS.md', async () => {
    const parent = tempDir('baton-init-');
    const repo = gitRepository(parent, 'svc');
    const toml = '# my codex settings\nmodel = "o4"\n\n[mcp_servers.docs]\ncommand = "docs-mcp"\n';
    write(repo, '.codex/config.toml', toml);
    const home = tempDir('baton-home-');
    const before = snapshot(repo);
    const run = await baton(repo, home, ['init', '--client', 'codex']);
    expect(run.code, run.stderr).toBe(0);
    const config = read(repo, '.codex/config.toml');
    expect(config.startsWith(toml)).toBe(true);
    expect(parseToml(config)).toMatchObject({ model: 'o4', mcp_servers: { docs: { command: 'docs-mcp' }, baton: { command: 'npx', args: ['-y', 'baton-mcp', 'mcp'] } } });
    expect(JSON.parse(read(repo, '.codex/hooks.json'))).toMatchObject({ hooks: { PreToolUse: [{ matcher: '^(apply_patch|Bash)$' }] } });
    expect(read(repo, 'AGENTS.md')).toContain('baton:begin instructions v1');
    expect(existsSync(join(repo, 'CLAUDE.md'))).toBe(false);
    expect((await baton(repo, home, ['init', '--client', 'codex'])).stdout).toContain('nothing changed');
    expect((await baton(repo, home, ['uninstall'])).code).toBe(0);
    expect(snapshot(repo)).toEqual(before);
  });

  it('codex: refuses a config.toml that defines [mcp_servers.baton] itself, writing nothing', async () => {
    const repo = gitRepository(tempDir('baton-init-'), 'svc');
    write(repo, '.codex/config.toml', '[mcp_servers.baton]\ncommand = "baton"\n');
    const before = snapshot(repo);
    const run = await baton(repo, tempDir('baton-home-'), ['init', '--client', 'codex']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('.codex/config.toml would not be valid TOML');
    expect(run.stderr).toContain('nothing was written');
    expect(snapshot(repo)).toEqual(before);
  });

  it('cursor and gemini, detected from their folders: .cursor/mcp.json + hooks.json, .gemini/settings.json + GEMINI.md', async () => {
    const repo = gitRepository(tempDir('baton-init-'), 'app');
    write(repo, '.cursor/rules/style.mdc', '---\nalwaysApply: true\n---\nTabs.\n');
    write(repo, '.gemini/settings.json', '{\n  "theme": "Dracula"\n}\n');
    const home = tempDir('baton-home-');
    const before = snapshot(repo);
    const run = await baton(repo, home, ['init']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('clients: cursor, gemini (detected');
    expect(JSON.parse(read(repo, '.cursor/mcp.json'))).toEqual({ mcpServers: { baton: { command: 'npx', args: ['-y', 'baton-mcp', 'mcp'] } } });
    expect(JSON.parse(read(repo, '.cursor/hooks.json'))).toMatchObject({ version: 1, hooks: { preToolUse: [{ command: 'baton-hook cursor pre-tool' }] } });
    const gemini = JSON.parse(read(repo, '.gemini/settings.json')) as Record<string, unknown>;
    expect(gemini).toMatchObject({ theme: 'Dracula', mcpServers: { baton: { command: 'npx' } }, hooks: { BeforeTool: [{ matcher: 'write_file|replace|run_shell_command' }] } });
    expect(read(repo, 'GEMINI.md')).toContain('\n@./AGENTS.md\n');
    expect(existsSync(join(repo, '.mcp.json'))).toBe(false);
    // Uninstalling one client keeps the other's files and the shared AGENTS.md.
    const cursorOut = await baton(repo, home, ['uninstall', '--client', 'cursor']);
    expect(cursorOut.code, cursorOut.stderr).toBe(0);
    expect(existsSync(join(repo, '.cursor/mcp.json'))).toBe(false);
    expect(existsSync(join(repo, '.cursor/hooks.json'))).toBe(false);
    expect(read(repo, 'AGENTS.md')).toContain('baton:begin instructions');
    expect((JSON.parse(read(repo, '.baton/installed.json')) as { clients: string[] }).clients).toEqual(['gemini']);
    expect((await baton(repo, home, ['uninstall'])).code).toBe(0);
    expect(snapshot(repo)).toEqual(before);
  });

  it('--user writes the home directory\'s files and its own manifest, and takes them out again', async () => {
    const repo = gitRepository(tempDir('baton-init-'), 'app');
    const home = tempDir('baton-home-');
    write(home, '.claude.json', '{"numStartups": 3, "projects": {}}');
    write(home, '.codex/config.toml', 'model = "o4"\n');
    const before = snapshot(home);
    const repoBefore = snapshot(repo);
    const run = await baton(repo, home, ['init', '--user', '--client', 'claude-code,codex,cursor,gemini']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(read(home, '.claude.json'))).toMatchObject({ numStartups: 3, mcpServers: { baton: { command: 'npx' } } });
    expect(read(home, '.claude/CLAUDE.md')).toContain('baton:begin instructions');
    expect(JSON.parse(read(home, '.claude/settings.json'))).toHaveProperty('hooks.PreToolUse');
    expect(parseToml(read(home, '.codex/config.toml'))).toMatchObject({ model: 'o4', mcp_servers: { baton: { command: 'npx' } } });
    expect(read(home, '.codex/AGENTS.md')).toContain('baton:begin instructions');
    expect(existsSync(join(home, '.cursor/mcp.json'))).toBe(true);
    expect(read(home, '.gemini/GEMINI.md')).toContain('baton:begin instructions');
    expect(existsSync(join(home, '.baton/installed.json'))).toBe(true);
    expect(snapshot(repo)).toEqual(repoBefore);
    expect((await baton(repo, home, ['uninstall'])).stdout).toContain('nothing to remove');
    const removed = await baton(repo, home, ['uninstall', '--user']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(snapshot(home)).toEqual(before);
  });

  it('--http points the entries at a shared server with the token read from the environment, never written', async () => {
    const repo = gitRepository(tempDir('baton-init-'), 'app', 'https://github.com/acme/app.git');
    const home = tempDir('baton-home-');
    const secret = 'tok-0123456789abcdef-secret';
    const run = await baton(repo, home, ['init', '--client', 'claude-code,cursor,gemini,codex', '--http', 'https://baton.example.com:3100'], { BATON_TOKEN: secret });
    expect(run.code, run.stderr).toBe(0);
    const files = ['.mcp.json', '.cursor/mcp.json', '.gemini/settings.json', '.codex/config.toml', '.claude/settings.json', '.baton/installed.json'];
    for (const file of files) expect(read(repo, file)).not.toContain(secret);
    expect(JSON.parse(read(repo, '.mcp.json'))).toEqual({ mcpServers: { baton: { command: 'npx', args: ['-y', 'baton-mcp', 'mcp', '--url', 'https://baton.example.com:3100'] } } });
    const cursor = JSON.parse(read(repo, '.cursor/mcp.json')) as { mcpServers: { baton: { url: string; headers: Record<string, string> } } };
    expect(cursor.mcpServers.baton.url).toMatch(/^https:\/\/baton\.example\.com:3100\/mcp\?project=app-[0-9a-f]{8}$/);
    expect(cursor.mcpServers.baton.headers).toEqual({ Authorization: 'Bearer ${env:BATON_TOKEN}' });
    expect(JSON.parse(read(repo, '.gemini/settings.json'))).toMatchObject({ mcpServers: { baton: { headers: { Authorization: 'Bearer ${BATON_TOKEN}' } } } });
    expect(parseToml(read(repo, '.codex/config.toml'))).toMatchObject({ mcp_servers: { baton: { bearer_token_env_var: 'BATON_TOKEN' } } });
    expect(JSON.stringify(JSON.parse(read(repo, '.claude/settings.json')))).toContain('https://baton.example.com:3100/hooks/claude-code/pre-tool');
    expect(JSON.parse(read(repo, '.baton/installed.json'))).toMatchObject({ serverUrl: 'https://baton.example.com:3100' });
  });

  it('points the HTTP hooks at the port the local server is configured on (config.json, then BATON_PORT); port 0 is said, not written', async () => {
    const repo = gitRepository(tempDir('baton-init-'), 'app');
    const home = tempDir('baton-home-');
    const hookUrls = (): string[] => [...read(repo, '.claude/settings.json').matchAll(/"url": "([^"]+)"/g)].map((m) => m[1]!);
    write(home, '.baton/config.json', '{ "port": 4123 }\n');
    let run = await baton(repo, home, ['init', '--client', 'claude-code']);
    expect(run.code, run.stderr).toBe(0);
    expect(hookUrls()).toEqual(['pre-tool', 'post-tool', 'stop'].map((e) => `http://127.0.0.1:4123/hooks/claude-code/${e}`));
    // The proxy starts the server with BATON_PORT over config.json; so does init, and a port change updates the hooks.
    run = await baton(repo, home, ['init'], { BATON_PORT: '4200' });
    expect(run.stdout).toMatch(/updated\s+\.claude\/settings\.json/);
    expect(hookUrls().every((url) => url.startsWith('http://127.0.0.1:4200/hooks/'))).toBe(true);
    run = await baton(repo, home, ['init', '--json'], { BATON_PORT: '0' });
    const outcome = JSON.parse(run.stdout) as { warnings: string[] };
    expect(outcome.warnings.join('\n')).toMatch(/port is 0 .* the HTTP hooks point at the default http:\/\/127\.0\.0\.1:3100/);
    expect(hookUrls().every((url) => url.startsWith('http://127.0.0.1:3100/hooks/'))).toBe(true);
  });

  it('says when baton-hook is not on PATH (the command hooks would exit 127 and do nothing), in the report and in --json', async () => {
    const repo = gitRepository(tempDir('baton-init-'), 'app');
    const home = tempDir('baton-home-');
    const bare = tempDir('baton-bin-');
    const missing = await baton(repo, home, ['init', '--client', 'codex', '--strict', '--json'], { PATH: bare });
    expect(missing.code, missing.stderr).toBe(0);
    const outcome = JSON.parse(missing.stdout) as { shim: { command: string; path: string | null }; warnings: string[] };
    expect(outcome.shim).toEqual({ command: 'baton-hook', path: null });
    expect(outcome.warnings.join('\n')).toMatch(/baton-hook is not on this PATH: .*exit 127.*do nothing and --strict fails open\. .*npm install -g baton-mcp/);
    const text = await baton(repo, home, ['init'], { PATH: bare });
    expect(text.stdout).toMatch(/^warning: baton-hook is not on this PATH/m);

    const bin = tempDir('baton-bin-');
    write(bin, 'baton-hook', '#!/bin/sh\nexit 0\n');
    chmodSync(join(bin, 'baton-hook'), 0o755);
    const found = await baton(repo, home, ['init', '--json'], { PATH: bin });
    expect(JSON.parse(found.stdout)).toMatchObject({ shim: { command: 'baton-hook', path: join(bin, 'baton-hook') }, warnings: [] });
  });

  it('leaves CLAUDE.md alone when it imports AGENTS.md already or is a symlink to it', async () => {
    const repo = gitRepository(tempDir('baton-init-'), 'app');
    const home = tempDir('baton-home-');
    write(repo, 'CLAUDE.md', '# Claude\n\n@AGENTS.md\n');
    let run = await baton(repo, home, ['init', '--client', 'claude-code']);
    expect(run.code, run.stderr).toBe(0);
    expect(read(repo, 'CLAUDE.md')).toBe('# Claude\n\n@AGENTS.md\n');
    expect((await baton(repo, home, ['uninstall'])).code).toBe(0);
    expect(read(repo, 'CLAUDE.md')).toBe('# Claude\n\n@AGENTS.md\n');

    const linked = gitRepository(tempDir('baton-init-'), 'linked');
    write(linked, 'AGENTS.md', '# Shared\n');
    symlinkSync('AGENTS.md', join(linked, 'CLAUDE.md'));
    const before = snapshot(linked);
    run = await baton(linked, home, ['init', '--client', 'claude-code']);
    expect(run.code, run.stderr).toBe(0);
    expect(read(linked, 'AGENTS.md')).not.toContain('@AGENTS.md');
    expect(read(linked, 'AGENTS.md').match(/baton:begin/g)).toHaveLength(1);
    expect((await baton(linked, home, ['uninstall'])).code).toBe(0);
    expect(snapshot(linked)).toEqual(before);
  });

  it('in a repository with no client\'s files, sets up Claude Code as the default and does not call it detected', async () => {
    const repo = gitRepository(tempDir('baton-init-'), 'bare');
    const home = tempDir('baton-home-');
    const run = await baton(repo, home, ['init', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ clients: ['claude-code'], detected: false });
    const again = await baton(repo, home, ['init']);
    expect(again.stdout).toContain('clients: claude-code (detected');
  });

  it('--no-http goes back to the stdio proxy', async () => {
    const repo = gitRepository(tempDir('baton-init-'), 'app');
    const home = tempDir('baton-home-');
    expect((await baton(repo, home, ['init', '--client', 'cursor', '--http', 'http://10.0.0.5:3100'])).code).toBe(0);
    expect(read(repo, '.cursor/mcp.json')).toContain('10.0.0.5');
    const back = await baton(repo, home, ['init', '--no-http']);
    expect(back.code, back.stderr).toBe(0);
    expect(JSON.parse(read(repo, '.cursor/mcp.json'))).toEqual({ mcpServers: { baton: { command: 'npx', args: ['-y', 'baton-mcp', 'mcp'] } } });
    expect(read(repo, '.baton/installed.json')).not.toContain('10.0.0.5');
  });

  it('in a linked worktree, the guard goes to the hooks directory every worktree shares', async () => {
    const parent = tempDir('baton-init-');
    const repo = gitRepository(parent, 'main-repo');
    const tree = gitWorktree(repo, join(parent, 'feature'), 'feature');
    const home = tempDir('baton-home-');
    const run = await baton(tree, home, ['init', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { root: string; files: { path: string; kind: string }[] };
    expect(report.root).toBe(tree);
    expect(report.files.filter((f) => f.kind === 'git-hook').map((f) => f.path)).toEqual([join(repo, '.git', 'hooks', 'pre-commit')]);
    expect(read(repo, '.git/hooks/pre-commit')).toContain('# baton pre-commit guard');
    expect((await baton(tree, home, ['uninstall'])).code).toBe(0);
    expect(existsSync(join(repo, '.git/hooks/pre-commit'))).toBe(false);
  });
});

describe('bad input', () => {
  it('refuses, with what to do and nothing written: invalid JSON, a wrong type, an unknown client, a bad URL', async () => {
    const repo = gitRepository(tempDir('baton-init-'), 'app');
    const home = tempDir('baton-home-');
    write(repo, '.mcp.json', '{"mcpServers": {"a": 1,,}');
    let before = snapshot(repo);
    let run = await baton(repo, home, ['init']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\.mcp\.json is not valid JSON \(\w+ on line 1\)/);
    expect(snapshot(repo)).toEqual(before);

    write(repo, '.mcp.json', '{"mcpServers": ["not", "an", "object"]}');
    before = snapshot(repo);
    run = await baton(repo, home, ['init', '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({ error: { message: '.mcp.json: "mcpServers" is not an object', hint: expect.stringContaining('nothing was written') } });
    expect(snapshot(repo)).toEqual(before);

    run = await baton(repo, home, ['init', '--client', 'vscode']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('unknown client \'vscode\'');
    expect(run.stderr).toContain('claude-code, codex, cursor, gemini');
    run = await baton(repo, home, ['init', '--http', 'ftp://x']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('is not an http(s) URL');
    run = await baton(repo, home, ['init', '--http', 'http://x', '--token-env', 'A B']);
    expect(run.code).toBe(1);
    write(repo, '.baton/installed.json', '{"version": 9}');
    run = await baton(repo, home, ['uninstall']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('is not a version 1 Baton manifest');
    expect(snapshot(repo)['.mcp.json']).toEqual(before['.mcp.json']);
  });

  it('--purge needs a confirmation, deletes the data directory with --yes, and refuses under a --user install', async () => {
    const repo = gitRepository(tempDir('baton-init-'), 'app');
    const home = tempDir('baton-home-');
    const dataDir = join(tempDir('baton-data-'), 'data');
    write(dataDir, 'baton.db', 'x');
    let run = await baton(repo, home, ['uninstall', '--purge', '--data-dir', dataDir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('add --yes');
    expect(existsSync(dataDir)).toBe(true);
    run = await baton(repo, home, ['uninstall', '--purge', '--data-dir', dataDir, '--dry-run']);
    expect(run.stdout).toContain(`would delete ${dataDir}`);
    write(dataDir, 'installed.json', '{}');
    run = await baton(repo, home, ['uninstall', '--purge', '--yes', '--data-dir', dataDir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('baton uninstall --user');
    writeFileSync(join(dataDir, 'installed.json'), '');
    run = await baton(repo, home, ['uninstall', '--purge', '--yes', '--data-dir', dataDir, '--user']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`deleted ${dataDir}`);
    expect(existsSync(dataDir)).toBe(false);
  });
});
