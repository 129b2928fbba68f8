/**
 * @module `baton dashboard`: prints (and, with a browser, opens) the dashboard URL of
 * the server on the current directory's project, with no token in it.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/main.js';
import { startInProcess } from '../support/mcp.js';
import { REPO_ROOT, tempDir } from '../support/server.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startInProcess();
});
afterAll(() => server.close());

const baton = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), ...args], { cwd: REPO_ROOT, env: { ...process.env, BATON_TOKEN: 'secret-never-printed', ...env }, encoding: 'utf8', timeout: 30_000 });

describe('baton dashboard', () => {
  it('prints the dashboard URL of the server on the named project, without a token', async () => {
    const result = baton(['dashboard', '--url', server.url, '--project', 'web-app', '--no-open']);
    expect(result.status, result.stderr).toBe(0);
    const url = `${server.url}/dashboard/#/overview?project=web-app`;
    expect(result.stdout.trim()).toBe(`Dashboard: ${url}`);
    expect(result.stdout).not.toContain('secret-never-printed');
    expect((await fetch(url.split('#')[0]!)).status).toBe(200);
  });

  it('opens the URL with $BROWSER, and takes the server from BATON_URL', () => {
    const marker = join(tempDir(), 'opened.txt');
    const browser = join(tempDir(), 'browser.sh');
    spawnSync('sh', ['-c', `printf '#!/bin/sh\\necho "$1" > ${marker}\\n' > ${browser} && chmod +x ${browser}`]);
    const result = baton(['dashboard', '--project', 'p1'], { BATON_URL: server.url, BROWSER: browser });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Opened: ${server.url}/dashboard/#/overview?project=p1`);
    const deadline = Date.now() + 5_000;
    let text = '';
    while (Date.now() < deadline && !text) text = spawnSync('cat', [marker], { encoding: 'utf8' }).stdout;
    expect(text.trim()).toBe(`${server.url}/dashboard/#/overview?project=p1`);
  });
});
