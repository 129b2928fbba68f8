/**
 * @module The daemon's structured log as an operator reads it: <data-dir>/logs/server.log
 * with a line per request carrying its id (the caller's X-Request-Id when given, echoed
 * back), rotation by size, and `baton logs -n N` / `-f` (following across a rotation).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { runBaton } from '../regression/support/baton-cli.js';
import { childEnv, cleanupAll, CLI, tempDir } from '../support/server.js';

afterAll(cleanupAll);

describe('server log and baton logs', () => {
  it('logs every request with its id to logs/server.log, rotates it, and baton logs shows and follows it', async () => {
    const dataDir = tempDir();
    const env = { BATON_LOG_MAX_BYTES: '4000' };
    const started = await runBaton(['start', '--daemon', '--port', '0', '--data-dir', dataDir], { env });
    expect(started.code, started.stderr).toBe(0);
    const url = started.stdout.trim();
    try {
      const res = await fetch(`${url}/health`, { headers: { 'x-request-id': 'doctor-who-1' } });
      expect(res.headers.get('x-request-id')).toBe('doctor-who-1');
      const forged = await fetch(`${url}/health`, { headers: { 'x-request-id': 'bad id {"level":60}' } });
      expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

      const logFile = join(dataDir, 'logs', 'server.log');
      const lines = readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.find((l) => l['reqId'] === 'doctor-who-1')).toMatchObject({ component: 'http', method: 'GET', path: '/health', status: 200, msg: 'request' });
      expect(lines[0]).toMatchObject({ component: 'server', msg: expect.stringContaining('listening at') as string });

      const last = await runBaton(['logs', '--data-dir', dataDir, '-n', '1']);
      expect(last.code).toBe(0);
      expect(last.stdout.trim().split('\n')).toHaveLength(1);
      expect(JSON.parse(last.stdout) as unknown).toMatchObject({ path: '/health' });

      // Follow (its first line shows it runs), then write past the rotation size: every line arrives, from both files.
      const follower = spawn(process.execPath, [CLI, 'logs', '--data-dir', dataDir, '-n', '1', '-f'], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      const seen: string[] = [];
      createInterface({ input: follower.stdout }).on('line', (line) => seen.push(line));
      const until = async (done: () => boolean, ms: number): Promise<void> => {
        const deadline = Date.now() + ms;
        while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      };
      await until(() => seen.length > 0, 15_000);
      expect(seen.length).toBeGreaterThan(0);
      for (let i = 0; i < 40; i++) {
        await fetch(`${url}/health`, { headers: { 'x-request-id': `follow-${i}` } });
        // Paced so that one poll of the follower never spans two rotations (it would skip the middle file).
        if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 400));
      }
      await until(() => seen.some((l) => l.includes('"follow-39"')), 15_000);
      follower.kill('SIGINT');
      expect(existsSync(`${logFile}.1`)).toBe(true);
      const followed = seen.filter((l) => l.includes('"follow-')).map((l) => (JSON.parse(l) as { reqId: string }).reqId);
      expect(followed).toEqual(Array.from({ length: 40 }, (_, i) => `follow-${i}`));
    } finally {
      await runBaton(['stop', '--data-dir', dataDir]);
    }
  }, 60_000);

  it('says where the log would be when there is none', async () => {
    const result = await runBaton(['logs', '--data-dir', tempDir()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no server log at .*logs\/server\.log/);
  });
});
