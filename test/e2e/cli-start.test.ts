/**
 * @module Starting the server robustly: `npm start` builds only when needed and a
 * SIGTERM to npm's own pid stops the server (it used to orphan it on its port),
 * `baton start --daemon` beside a running one names it and exits 0, and
 * `baton restart` brings the server back on the same port and data.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { alive, baton, until } from '../support/cli-process.js';
import { childEnv, cleanupAll, REPO_ROOT, tempDir } from '../support/server.js';

afterAll(async () => {
  await cleanupAll();
});

describe('npm start', () => {
  it('runs the server in its own process and stops it on SIGTERM to npm', async () => {
    const dataDir = tempDir();
    const npm = spawn('npm', ['start', '--', '--port', '0', '--data-dir', dataDir], { cwd: REPO_ROOT, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: npm.stdout }).on('line', (line) => { if (line.startsWith('http://')) resolve(line.trim()); });
      npm.once('exit', (code) => { reject(new Error(`npm start exited ${code}`)); });
    });
    const status = JSON.parse((await baton(['status', '--data-dir', dataDir, '--json'])).stdout) as { pid: number; url: string };
    expect(status.url).toBe(url);
    expect(status.pid).not.toBe(npm.pid);
    npm.kill('SIGTERM');
    await until(() => !alive(status.pid), 15_000, 'the server to stop');
    expect((await baton(['status', '--data-dir', dataDir])).code).toBe(69);
  });
});

describe('baton start --daemon and restart', () => {
  it('a second --daemon names the running server and exits 0; restart keeps the port and the data', async () => {
    const dataDir = tempDir();
    const first = await baton(['start', '--daemon', '--port', '0', '--data-dir', dataDir]);
    expect(first.code, first.stderr).toBe(0);
    const url = first.stdout.trim();
    const env = { BATON_URL: url, BATON_PROJECT: 'restart', BATON_AGENT: 'keeper' };
    const again = await baton(['start', '--daemon', '--port', '0', '--data-dir', dataDir]);
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe(url);
    expect(again.stderr).toMatch(new RegExp(`already running .*\\(pid \\d+, ${url.replace(/[.:/]/g, '\\$&')}\\)`));
    await baton(['state', 'set', 'kept', 'across', 'restart'], env);
    const before = JSON.parse((await baton(['status', '--data-dir', dataDir, '--json'])).stdout) as { pid: number };
    const restarted = await baton(['restart', '--data-dir', dataDir]);
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(restarted.stdout.trim()).toBe(url);
    const after = JSON.parse((await baton(['status', '--data-dir', dataDir, '--json'])).stdout) as { pid: number };
    expect(after.pid).not.toBe(before.pid);
    expect(alive(before.pid)).toBe(false);
    expect((await baton(['state', 'get', 'kept', 'across'], env)).stdout).toBe('restart\n');
    expect((await baton(['stop', '--data-dir', dataDir])).code).toBe(0);
  });
});
