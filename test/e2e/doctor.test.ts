/**
 * @module `baton doctor` run as a process: every check ok on a healthy setup (with
 * the configs init wrote), and a failing check with a hint and exit 1 for each
 * broken one: server down, bad config, a second server on the data directory,
 * store unreachable, client configs removed or pointing elsewhere.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readServerRecord } from '../../src/server/server-record.js';
import { runBaton } from '../regression/support/baton-cli.js';
import { PG_URL } from '../support/engines.js';
import { childEnv, cleanupAll, CLI, sleep, startServer, tempDir, waitForHealth } from '../support/server.js';

afterAll(cleanupAll);

interface Report {
  ok: boolean;
  checks: { id: string; status: 'ok' | 'warn' | 'fail' | 'skip'; message: string; hint?: string }[];
}

async function doctor(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; report: Report }> {
  const result = await runBaton(['doctor', '--json', ...args], { env, timeoutMs: 30_000 });
  return { code: result.code, report: JSON.parse(result.stdout) as Report };
}

const statusOf = (report: Report): Record<string, string> => Object.fromEntries(report.checks.map((c) => [c.id, c.status]));

/** A repository with what init would have written: an MCP entry, a hook file, instructions, a manifest. */
function initRepo(hooksUrl?: string): string {
  const repo = tempDir('baton-doctor-repo-');
  mkdirSync(join(repo, '.git'));
  mkdirSync(join(repo, '.baton'));
  mkdirSync(join(repo, '.claude'));
  writeFileSync(join(repo, '.mcp.json'), JSON.stringify({ mcpServers: { baton: { command: 'npx', args: ['-y', 'baton-mcp', 'mcp'] } } }));
  const hook = hooksUrl ? { type: 'http', url: `${hooksUrl}/hooks/claude-code/pre-tool` } : { type: 'command', command: 'baton-hook claude-code pre-tool' };
  writeFileSync(join(repo, '.claude', 'settings.json'), JSON.stringify({ hooks: { PreToolUse: [{ matcher: 'Edit', hooks: [hook] }] } }));
  writeFileSync(join(repo, 'AGENTS.md'), '<!-- baton:begin v1 -->\nUse Baton.\n<!-- baton:end -->\n');
  writeFileSync(join(repo, '.baton', 'installed.json'), JSON.stringify({
    version: 1,
    scope: 'project',
    clients: ['claude-code'],
    files: [
      { path: '.mcp.json', kind: 'mcp-entry', client: 'claude-code', created: true },
      { path: '.claude/settings.json', kind: 'hooks', client: 'claude-code', created: true },
      { path: 'AGENTS.md', kind: 'instructions', created: true },
    ],
  }));
  return repo;
}

/** A PATH with node on it and, when asked, a `baton-hook` (a stand-in: doctor only looks it up); never the machine's own. */
function pathWith(shim: boolean): string {
  const bin = tempDir('baton-doctor-bin-');
  if (shim) {
    writeFileSync(join(bin, 'baton-hook'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(bin, 'baton-hook'), 0o755);
  }
  return [bin, dirname(process.execPath)].join(delimiter);
}

/** `baton doctor` in `cwd` (where it looks for the client configs), with `baton-hook` on PATH unless `shim` is false. */
function doctorIn(cwd: string, args: string[], shim = true): Promise<{ code: number | null; report: Report }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'doctor', '--json', ...args], { cwd, env: childEnv({ PATH: pathWith(shim) }), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; });
    child.once('exit', (code) => { resolve({ code, report: JSON.parse(out) as Report }); });
  });
}

describe('baton doctor', () => {
  it('passes every check on a healthy setup with the configs init wrote', async () => {
    const server = await startServer();
    const repo = initRepo();
    const { code, report } = await doctorIn(repo, ['--data-dir', server.dataDir]);
    expect(statusOf(report)).toMatchObject({ config: 'ok', 'data-dir': 'ok', server: 'ok', lock: 'ok', health: 'ok', mcp: 'ok', store: 'ok', durability: 'ok', clock: 'ok', clients: 'ok', hooks: 'ok' });
    expect(report.checks.find((c) => c.id === 'hooks')?.message).toMatch(/command hooks run baton-hook → \/.*baton-hook/);
    expect(report.ok).toBe(true);
    expect(code).toBe(0);

    // The same files with no baton-hook on PATH: the client would get exit 127 and the hooks would do nothing.
    const noShim = await doctorIn(repo, ['--data-dir', server.dataDir], false);
    expect(noShim.code).toBe(1);
    expect(noShim.report.checks.find((c) => c.id === 'hooks')).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/\.claude\/settings\.json run baton-hook, which is not on PATH.*exit 127/) as string,
      hint: expect.stringContaining('npm install -g baton-mcp') as string,
    });
    const human = await runBaton(['doctor', '--data-dir', server.dataDir]);
    expect(human.stdout).toMatch(/^ok\s+config/m);
    expect(human.stdout).toMatch(/No failures/);

    // A config init wrote that is gone fails, naming the file; hooks pointing at another server warn and fail.
    rmSync(join(repo, '.mcp.json'));
    const removed = await doctorIn(repo, ['--data-dir', server.dataDir]);
    expect(removed.code).toBe(1);
    expect(removed.report.checks.find((c) => c.id === 'clients')).toMatchObject({ status: 'fail', message: expect.stringContaining('.mcp.json') as string, hint: expect.stringContaining('baton init') as string });
    const elsewhere = initRepo('http://127.0.0.1:9');
    const wrong = await doctorIn(elsewhere, ['--data-dir', server.dataDir]);
    expect(statusOf(wrong.report)).toMatchObject({ clients: 'warn', hooks: 'fail' });
    // The hint is the command that fixes it, with this server's URL: a plain `baton init` would change nothing.
    expect(wrong.report.checks.find((c) => c.id === 'clients')?.hint).toContain(`baton init --http ${new URL(server.url).origin}`);
    await server.stop();
  });

  it('fails when no server runs, with a hint to start one', async () => {
    const dir = tempDir();
    const { code, report } = await doctor(['--data-dir', dir]);
    expect(code).toBe(1);
    expect(report.checks.find((c) => c.id === 'server')).toMatchObject({ status: 'fail', hint: expect.stringContaining('baton start') as string });
    expect(statusOf(report)).toMatchObject({ health: 'skip', mcp: 'skip' });
    // A server that was killed leaves a record whose process is gone.
    const server = await startServer();
    await server.kill();
    const dead = await doctor(['--data-dir', server.dataDir]);
    expect(dead.code).toBe(1);
    expect(dead.report.checks.find((c) => c.id === 'server')?.message).toMatch(/is not running/);
  });

  it('fails on a bad configuration, naming the setting', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ prot: 3100 }));
    const { code, report } = await doctor(['--data-dir', dir]);
    expect(code).toBe(1);
    expect(report.checks.find((c) => c.id === 'config')).toMatchObject({ status: 'fail', message: expect.stringContaining('"prot"') as string });
    expect(statusOf(report)).toMatchObject({ store: 'skip' });
    const badEnv = await doctor(['--data-dir', tempDir()], { BATON_PORT: 'many' });
    expect(badEnv.report.checks.find((c) => c.id === 'config')?.status).toBe('fail');
  });

  it('fails when a second server took over the data directory of a SQLite server', async () => {
    const first = await startServer();
    const schema = `baton_doctor_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
    const second = spawn(process.execPath, [CLI, 'start', '--port', '0', '--data-dir', first.dataDir, '--store', 'postgres', '--store-url', PG_URL], {
      env: childEnv({ BATON_STORE_NAMESPACE: schema }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const firstPid = readServerRecord(first.dataDir)?.pid;
      for (let i = 0; i < 100 && readServerRecord(first.dataDir)?.pid === firstPid; i++) await sleep(100);
      const record = readServerRecord(first.dataDir);
      expect(record?.pid).toBe(second.pid);
      await waitForHealth(record?.url ?? '');
      const { code, report } = await doctor(['--data-dir', first.dataDir]);
      expect(code).toBe(1);
      expect(report.checks.find((c) => c.id === 'health')).toMatchObject({ status: 'fail', message: expect.stringContaining('postgres') as string });
    } finally {
      second.kill('SIGTERM');
      await first.stop();
    }
  });

  it('fails when the store is unreachable, and reports durability and clock on reachable engines', async () => {
    const redisDown = await doctor(['--data-dir', tempDir(), '--store', 'redis', '--store-url', 'redis://127.0.0.1:1']);
    expect(redisDown.code).toBe(1);
    expect(redisDown.report.checks.find((c) => c.id === 'store')).toMatchObject({ status: 'fail', hint: expect.stringContaining('Redis') as string });
    const pgDown = await doctor(['--data-dir', tempDir(), '--store', 'postgres', '--store-url', 'postgres://postgres@127.0.0.1:1/test']);
    expect(pgDown.report.checks.find((c) => c.id === 'store')?.status).toBe('fail');
    const pg = await doctor(['--data-dir', tempDir(), '--store', 'postgres', '--store-url', PG_URL]);
    expect(statusOf(pg.report)).toMatchObject({ store: 'ok', clock: 'ok' });
    expect(pg.report.checks.find((c) => c.id === 'durability')?.message).toMatch(/synchronous_commit=/);
    const redis = await doctor(['--data-dir', tempDir(), '--store', 'redis', '--store-url', 'redis://127.0.0.1:6379']);
    expect(statusOf(redis.report)).toMatchObject({ store: 'ok', clock: 'ok' });
    expect(redis.report.checks.find((c) => c.id === 'durability')?.message).toMatch(/Redis persistence/);
  });
});
