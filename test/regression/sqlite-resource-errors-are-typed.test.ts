/**
 * @module Issue 7, item 13 without root: a full disk, a database turned
 * read-only and an I/O error under a running Baton on SQLite answer the write
 * with STORE_UNAVAILABLE (503, code, message, hint, reason), `/health` says
 * degraded with the reason, reads still work, nothing acknowledged is lost or
 * damaged, and writes succeed again once the cause is gone. The errors are
 * SQLite's own, raised by the engine on the store's connection: its page limit
 * (PRAGMA max_page_count → SQLITE_FULL), query_only (→ SQLITE_READONLY), and
 * this process's file-size limit (RLIMIT_FSIZE via prlimit: the kernel answers
 * EFBIG, which SQLite reports as SQLITE_IOERR_WRITE). The root-only tmpfs and
 * read-only mount versions are in test/fault/sqlite-resources.test.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { createClient, tempDir, type RestClient } from '../support/server.js';
import { startApp, type TestApp } from './support/app.js';

interface Running {
  app: TestApp;
  client: RestClient;
  /** The store's own connection: the one that commits, so its limits are the engine's. */
  db: Database.Database;
  path: string;
}

const apps: TestApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

/** A Baton over a SQLite file in a fresh directory, with a canary key and lock acknowledged before the fault. */
async function running(): Promise<Running> {
  const path = join(tempDir(), 'baton.db');
  let db: Database.Database | undefined;
  const store = createSqliteStore({ path, onConnection: (connection) => (db = connection) });
  const app = await startApp({ store });
  apps.push(app);
  if (db === undefined) throw new Error('the store gave no connection');
  const client = createClient(app.url, { project: 'demo', agent: 'alice' });
  expect((await client.post('/agents', {})).status).toBe(200);
  expect((await client.put('/state/canary/key', { value: 'kept' })).status).toBe(200);
  expect((await client.post('/locks/canary/acquire', { ttl_seconds: 600 })).body).toMatchObject({ acquired: true });
  return { app, client, db, path };
}

/** A write big enough to need new pages (and new WAL frames). */
const bigWrite = (client: RestClient, key: string) => client.put(`/state/fill/${key}`, { value: 'x'.repeat(60_000) });

async function expectRefused(r: Running, key: string, reason: string, says: RegExp): Promise<void> {
  const refused = await bigWrite(r.client, key);
  expect(refused.status).toBe(503);
  expect(refused.body).toMatchObject({ error: { code: 'STORE_UNAVAILABLE', details: { engine: 'sqlite', reason } } });
  expect(refused.body.error?.message).toMatch(says);
  expect(refused.body.error?.hint).toEqual(expect.any(String));
  const health = await r.client.get('/health');
  expect(health.status).toBe(200);
  expect(health.body).toMatchObject({ status: 'degraded', store: { status: 'degraded', reason } });
  // Reads still work, and what was acknowledged before is there.
  expect((await r.client.get('/state/canary/key')).body).toMatchObject({ value: 'kept' });
  expect((await r.client.get('/locks/canary')).body).toMatchObject({ held: true });
  expect((await r.client.get(`/state/fill/${key}`)).status).toBe(404);
}

async function expectRecovered(r: Running, key: string): Promise<void> {
  expect((await bigWrite(r.client, key)).status).toBe(200);
  expect((await r.client.get('/health')).body).toMatchObject({ status: 'ok', store: { status: 'healthy' } });
  expect((await r.client.get(`/state/fill/${key}`)).body).toMatchObject({ value: 'x'.repeat(60_000) });
  expect(r.db.pragma('integrity_check', { simple: true })).toBe('ok');
}

/** This process's soft limit on file size (`unlimited` or bytes), when prlimit can read and set it. */
function fileSizeLimit(): string | undefined {
  const read = spawnSync('prlimit', ['--pid', String(process.pid), '--fsize', '--raw', '--noheadings', '--output=SOFT'], { encoding: 'utf8' });
  return read.status === 0 ? read.stdout.trim() : undefined;
}
const setFileSizeLimit = (soft: string): void => {
  execFileSync('prlimit', ['--pid', String(process.pid), `--fsize=${soft}:`]);
};
const originalLimit = fileSizeLimit();

describe('SQLite resource errors are typed', () => {
  it('a full disk (SQLITE_FULL at the page limit) answers STORE_UNAVAILABLE disk_full, and writes work once there is room', async () => {
    const r = await running();
    const pages = Number(r.db.pragma('page_count', { simple: true }));
    r.db.pragma(`max_page_count = ${pages}`);
    await expectRefused(r, 'full', 'disk_full', /full: free space/);
    r.db.pragma('max_page_count = 1073741823');
    await expectRecovered(r, 'full');
  });

  it('a database turned read-only under the running server answers STORE_UNAVAILABLE read_only, and writes work once it is writable', async () => {
    const r = await running();
    r.db.pragma('query_only = ON');
    await expectRefused(r, 'ro', 'read_only', /read-only/);
    r.db.pragma('query_only = OFF');
    await expectRecovered(r, 'ro');
  });

  it.skipIf(originalLimit === undefined)(
    `an I/O error (SQLITE_IOERR_WRITE from EFBIG past this process's file-size limit) answers STORE_UNAVAILABLE io_error${originalLimit === undefined ? ' (skipped: prlimit cannot set this process’s file-size limit here)' : ''}`,
    async () => {
      const r = await running();
      // Any write at an offset past 4 KiB fails in this process (the checkpointer's too, which retries later).
      setFileSizeLimit('4096');
      try {
        await expectRefused(r, 'io', 'io_error', /SQLITE_IOERR.*check the disk/);
      } finally {
        setFileSizeLimit(originalLimit ?? 'unlimited');
      }
      await expectRecovered(r, 'io');
    },
  );
});
