/**
 * @module SQLite resource faults against the built server: a disk that fills up
 * under it (a small tmpfs) answers typed STORE_UNAVAILABLE with what to do, /health
 * says degraded, nothing acknowledged is lost, and writes work again once space is
 * freed; a read-only data directory is refused at start with one clear line. A
 * deleted database file is in test/regression. Mounting needs root: elsewhere the
 * suite is skipped, saying so.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertBuilt, childEnv, CLI, cleanupAll, createClient, startServer } from '../support/server.js';

function mountUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const probe = mkdtempSync(join(tmpdir(), 'baton-mount-probe-'));
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe]).status === 0;
  if (ok) spawnSync('umount', [probe]);
  rmSync(probe, { recursive: true, force: true });
  return ok ? null : 'mount -t tmpfs is not permitted here';
}

const why = mountUnavailable();
const mounts: string[] = [];
afterAll(async () => {
  await cleanupAll();
  for (const dir of mounts.reverse()) {
    spawnSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  }
});

function mountTmpfs(sizeKiB: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k`, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

describe.skipIf(why !== null)(`SQLite resource faults${why ? ` (skipped: ${why})` : ''}`, () => {
  it('answers a full disk with STORE_UNAVAILABLE, says degraded, loses nothing acknowledged, and recovers when space returns', async () => {
    assertBuilt();
    const disk = mountTmpfs(4_096);
    const server = await startServer({ dataDir: join(disk, 'baton') });
    try {
      const client = createClient(server.url, { project: 'demo', agent: 'alice' });
      expect((await client.post('/agents', {})).status).toBe(200);
      expect((await client.put('/state/canary/key', { value: 'kept' })).status).toBe(200);
      const canaryLock = await client.post('/locks/canary/acquire', {});
      expect(canaryLock.body).toMatchObject({ acquired: true });

      // Leave a sliver of space, then write until the store refuses.
      const filler = join(disk, 'filler');
      spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k', 'count=1000'], { stdio: 'ignore' });
      const value = 'v'.repeat(30_000);
      const acknowledged: string[] = [];
      let refused: { status: number; body: Record<string, unknown> } | undefined;
      for (let i = 0; i < 500 && !refused; i++) {
        const res = await client.put(`/state/fill/k${i}`, { value });
        if (res.status === 200) acknowledged.push(`k${i}`);
        else refused = res;
      }
      expect(refused?.status).toBe(503);
      expect(refused?.body).toMatchObject({ error: { code: 'STORE_UNAVAILABLE', details: { reason: 'disk_full' } } });
      expect((refused?.body['error'] as { message: string }).message).toMatch(/full/);
      const health = await client.get('/health');
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ status: 'degraded', store: { status: 'degraded', reason: 'disk_full' } });
      // Reads still work, and everything acknowledged is there.
      expect((await client.get('/state/canary/key')).body).toMatchObject({ value: 'kept' });

      rmSync(filler);
      expect((await client.put('/state/after/space', { value: 1 })).status).toBe(200);
      expect((await client.get('/health')).body).toMatchObject({ status: 'ok' });
      await server.stop();
      const again = await startServer({ dataDir: join(disk, 'baton') });
      try {
        const c2 = createClient(again.url, { project: 'demo', agent: 'alice' });
        for (const key of acknowledged) expect((await c2.get(`/state/fill/${key}`)).status, key).toBe(200);
        expect((await c2.get('/locks/canary')).body).toMatchObject({ held: true });
      } finally {
        await again.stop();
      }
    } finally {
      await server.stop();
    }
  }, 90_000);

  it('refuses to start on a read-only data directory, in one line that says what to do', () => {
    assertBuilt();
    const source = mountTmpfs(1_024);
    const dataDir = join(source, 'baton');
    execFileSync('mkdir', ['-p', dataDir]);
    writeFileSync(join(dataDir, 'config.json'), '{}');
    const readOnly = mkdtempSync(join(tmpdir(), 'baton-ro-'));
    execFileSync('mount', ['--bind', dataDir, readOnly]);
    mounts.push(readOnly);
    execFileSync('mount', ['-o', 'remount,ro,bind', readOnly]);
    const run = spawnSync(process.execPath, [CLI, 'start', '--port', '0', '--data-dir', readOnly], { env: childEnv(), encoding: 'utf8', timeout: 20_000 });
    expect(run.status).not.toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/read-only|writable/i);
  }, 30_000);
});
