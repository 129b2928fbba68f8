/**
 * @module Issue 7, item 6: two servers on one SQLite data directory were accepted
 * (`baton start --port 3101` beside a running daemon): server.json was overwritten,
 * wake-ups did not cross, and `status`/`stop` lost the first one. One data
 * directory, one server: a second start is refused naming the running one, a
 * second `--daemon` answers with the running one, and neither a graceful stop nor
 * a SIGKILL leaves the directory blocked.
 */
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { readServerRecord } from '../../src/server/server-record.js';
import { childEnv, cleanupAll, CLI, startServer, tempDir } from '../support/server.js';
import { runBaton } from './support/baton-cli.js';

const strays = new Set<number>();

afterAll(async () => {
  for (const pid of strays) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await cleanupAll();
});

/** Remembers the server a command may have left running in `dataDir`, so afterAll can kill it. */
function trackRecord(dataDir: string, except: number): void {
  const record = readServerRecord(dataDir);
  if (record && record.pid !== except) strays.add(record.pid);
}

describe('one server per data directory', () => {
  it('refuses a second foreground start with a message naming the running server, and leaves the first one in charge', async () => {
    const first = await startServer();
    const second = await runBaton(['start', '--port', '0', '--data-dir', first.dataDir], { timeoutMs: 10_000 });
    trackRecord(first.dataDir, first.child.pid!);
    expect(second.code, 'the second start must exit, not serve').toBe(1);
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(second.stderr).toContain(`pid ${first.child.pid}`);
    expect(second.stderr).toContain(first.url);
    expect(readServerRecord(first.dataDir)).toMatchObject({ pid: first.child.pid, url: first.url });
    const status = await runBaton(['status', '--data-dir', first.dataDir]);
    expect(status.stdout).toContain(first.url);
  });

  it('answers a second --daemon with the running server: its URL on stdout, "already running" on stderr, exit 0', async () => {
    const first = await startServer();
    const again = await runBaton(['start', '--daemon', '--port', '0', '--data-dir', first.dataDir], { timeoutMs: 10_000 });
    trackRecord(first.dataDir, first.child.pid!);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.trim()).toBe(first.url);
    expect(again.stderr).toMatch(/already running/);
    expect(readServerRecord(first.dataDir)).toMatchObject({ pid: first.child.pid });
  });

  it('lets exactly one of two starts racing on one data directory serve; the other exits 1', async () => {
    const dataDir = tempDir();
    const start = (): Promise<{ code: number | null; stdout: string; stderr: string }> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [CLI, 'start', '--port', '0', '--data-dir', dataDir], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
        if (child.pid !== undefined) strays.add(child.pid);
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          stdout += chunk;
          // Serving: leave it running, it is the winner.
          if (stdout.includes('\n')) resolve({ code: null, stdout, stderr });
        });
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
          stderr += chunk;
        });
        child.once('exit', (code) => {
          resolve({ code, stdout, stderr });
        });
      });
    const results = await Promise.all([start(), start()]);
    const serving = results.filter((r) => r.code === null);
    const refused = results.filter((r) => r.code === 1);
    expect(serving, JSON.stringify(results)).toHaveLength(1);
    expect(refused, JSON.stringify(results)).toHaveLength(1);
    expect(refused[0]?.stderr).toMatch(/already (running|starting)/);
    expect(readServerRecord(dataDir)?.url).toBe(serving[0]?.stdout.trim());
  });

  it('gives two --daemon starts racing on one data directory one server, whose URL both print', async () => {
    const dataDir = tempDir();
    const [a, b] = await Promise.all([0, 1].map(() => runBaton(['start', '--daemon', '--port', '0', '--data-dir', dataDir], { timeoutMs: 20_000 })));
    const record = readServerRecord(dataDir);
    if (record) strays.add(record.pid);
    expect(a?.code, a?.stderr).toBe(0);
    expect(b?.code, b?.stderr).toBe(0);
    expect(a?.stdout.trim()).toBe(record?.url);
    expect(b?.stdout.trim()).toBe(record?.url);
    expect([a?.stderr, b?.stderr].filter((s) => s?.includes('already running'))).toHaveLength(1);
  });

  it('starts again on the same data directory after a graceful stop and after a SIGKILL', async () => {
    const first = await startServer();
    await first.stop();
    const second = await startServer({ dataDir: first.dataDir });
    await second.kill();
    const third = await startServer({ dataDir: first.dataDir });
    expect(readServerRecord(first.dataDir)).toMatchObject({ pid: third.child.pid, url: third.url });
  });
});
