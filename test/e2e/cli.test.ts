/**
 * @module The `baton` CLI as a user runs it: `start` prints the URL first, `status`
 * and `stop` find the server through its data directory, signals shut it down
 * gracefully, and `--daemon` runs it in the background.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveProject } from '../../src/project/identity.js';
import { gitRepository, gitWorktree } from '../support/git.js';
import { assertBuilt, childEnv, cleanupAll, CLI, tempDir, waitForHealth } from '../support/server.js';

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `baton ...args` to completion (in `where.cwd`, with `where.env` added to the environment). */
function baton(args: string[], timeoutMs = 20_000, where: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  assertBuilt();
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: childEnv(where.env), cwd: where.cwd, timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts a foreground `baton start` and resolves with the child and the first line it printed. */
async function startForeground(dataDir: string): Promise<{ child: ReturnType<typeof spawn>; firstLine: string; exit: Promise<number | null> }> {
  const child = spawn(process.execPath, [CLI, 'start', '--port', '0', '--data-dir', dataDir], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  foreground.add(child);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => { resolve(code); }));
  const firstLine = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    void exit.then((code) => { reject(new Error(`baton start exited with ${code} before printing`)); });
  });
  return { child, firstLine, exit };
}

const foreground = new Set<ReturnType<typeof spawn>>();
const daemonPids = new Set<number>();

afterAll(async () => {
  for (const child of foreground) if (child.exitCode === null) child.kill('SIGKILL');
  for (const pid of daemonPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await cleanupAll();
});

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('baton CLI', () => {
  it('start prints the URL first; status reports it; stop stops it gracefully; status then exits 69 (unreachable)', async () => {
    const dataDir = tempDir();
    const { child, firstLine, exit } = await startForeground(dataDir);
    expect(firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await waitForHealth(firstLine);
    const record = JSON.parse(readFileSync(join(dataDir, 'server.json'), 'utf8')) as { pid: number; url: string };
    expect(record).toMatchObject({ pid: child.pid, url: firstLine });

    const status = await baton(['status', '--data-dir', dataDir]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(firstLine);
    const json = await baton(['status', '--data-dir', dataDir, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ running: true, url: firstLine, pid: child.pid });

    const stop = await baton(['stop', '--data-dir', dataDir]);
    expect(stop.code, stop.stderr).toBe(0);
    expect(await exit).toBe(0);
    expect(existsSync(join(dataDir, 'server.json'))).toBe(false);

    const after = await baton(['status', '--data-dir', dataDir]);
    expect(after.code).toBe(69);
    expect(after.stdout + after.stderr).toContain('baton start --daemon');
    expect((await baton(['stop', '--data-dir', dataDir])).code).toBe(1);
  });

  it('shuts a foreground server down with exit code 0 on SIGINT, and on SIGTERM', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const dataDir = tempDir();
      const { child, firstLine, exit } = await startForeground(dataDir);
      await waitForHealth(firstLine);
      child.kill(signal);
      expect(await exit, signal).toBe(0);
      expect(existsSync(join(dataDir, 'server.json')), signal).toBe(false);
    }
  });

  it('runs in the background with --daemon, and stop stops it', async () => {
    const dataDir = tempDir();
    const started = await baton(['start', '--daemon', '--port', '0', '--data-dir', dataDir]);
    const record = existsSync(join(dataDir, 'server.json')) ? (JSON.parse(readFileSync(join(dataDir, 'server.json'), 'utf8')) as { pid: number; url: string }) : undefined;
    if (record) daemonPids.add(record.pid);
    expect(started.code, started.stderr).toBe(0);
    const url = started.stdout.trim().split('\n')[0] ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(record?.url).toBe(url);
    await waitForHealth(url, 2_000);

    const status = await baton(['status', '--data-dir', dataDir]);
    expect(status.code).toBe(0);
    const stop = await baton(['stop', '--data-dir', dataDir]);
    expect(stop.code, stop.stdout).toBe(0);
    expect(alive(record!.pid)).toBe(false);
    expect((await baton(['status', '--data-dir', dataDir])).code).toBe(69);
  });

  it('status names the project of the current directory and why, with or without a server', async () => {
    const scratch = tempDir('baton-repos-');
    const repo = gitRepository(scratch, 'shop', 'git@github.com:acme/shop.git');
    const worktree = gitWorktree(repo, join(scratch, 'shop-fix'), 'fix-cart');
    const id = resolveProject({ cwd: repo }).id;
    const dataDir = tempDir();
    const down = await baton(['status', '--data-dir', dataDir], 20_000, { cwd: worktree });
    expect(down.code).toBe(69);
    expect(down.stdout).toContain(`Project here: ${id} (from the git remote github.com/acme/shop, branch fix-cart).`);
    const json = await baton(['status', '--data-dir', dataDir, '--json'], 20_000, { cwd: repo });
    expect(JSON.parse(json.stdout)).toMatchObject({ running: false, project: { id, source: 'git-remote', root: repo, branch: 'main', from: 'github.com/acme/shop' } });

    const { child, firstLine } = await startForeground(dataDir);
    await waitForHealth(firstLine);
    const up = await baton(['status', '--data-dir', dataDir], 20_000, { cwd: worktree, env: { BATON_PROJECT: 'team' } });
    expect(up.code).toBe(0);
    expect(up.stdout).toContain(firstLine);
    expect(up.stdout).toContain('Project here: team (chosen with BATON_PROJECT, branch fix-cart).');
    const invalid = await baton(['status', '--data-dir', dataDir, '--json'], 20_000, { cwd: worktree, env: { BATON_PROJECT: 'no spaces' } });
    expect(invalid.code).toBe(0);
    expect(JSON.parse(invalid.stdout)).toMatchObject({ running: true, project_error: expect.stringContaining('BATON_PROJECT is not valid') as unknown });
    child.kill('SIGTERM');
  });

  it('refuses a port that is not a number', async () => {
    const result = await baton(['start', '--port', 'many', '--data-dir', tempDir()]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/port/i);
  });
});
