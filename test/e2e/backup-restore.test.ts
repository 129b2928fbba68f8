/**
 * @module `baton backup` and `baton restore` as an operator runs them: a backup
 * taken while a server writes (SQLite online copy and JSON export), restored into
 * a fresh SQLite store and into PostgreSQL, with fencing tokens that never go
 * backwards; a non-empty store refused without --force; broken files refused
 * with a message and nothing written.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { runBaton } from '../regression/support/baton-cli.js';
import { PG_URL } from '../support/engines.js';
import { cleanupAll, createClient, registerAgent, startServer, tempDir, type RestClient } from '../support/server.js';

afterAll(cleanupAll);

const PROJECT = 'backup-e2e';

/** Takes and releases locks, adds tasks and writes state until `stop` says so; `seen.token` is the highest token answered. */
async function keepWriting(client: RestClient, agent: string, stop: () => boolean, seen: { token: number }): Promise<number> {
  for (let i = 0; !stop(); i++) {
    const acquired = await client.post<{ token?: number }>(`/locks/res-${i % 5}/acquire`, {});
    const token = acquired.body.token ?? 0;
    seen.token = Math.max(seen.token, token);
    await client.post(`/locks/res-${i % 5}/release`, { token });
    const added = await client.post('/tasks', { id: `t-${agent}-${i}`, title: `task ${i}` });
    if (added.status !== 200) throw new Error(`add_task: ${JSON.stringify(added.body)}`);
    await client.put(`/state/progress/${agent}`, { value: { i } });
  }
  return seen.token;
}

async function maxTokenIn(store: Store, project: string): Promise<number> {
  return (await store.exportProject(project, store.clock.now())).counters.token;
}

async function acquireToken(store: Store, project: string, resource: string): Promise<number> {
  const written = await store.acquireLease({ project, now: store.clock.now() }, {
    request: { kind: 'lock', resource, paths: [], holder: 'after-restore', mode: 'exclusive', limit: null, ttlMs: 60_000, reason: null },
    force: false,
    thresholds: { activeMs: 1, idleMs: 2, staleMs: 3, unresponsiveMs: 4 },
  });
  if (!written.result.ok) throw new Error('the fresh lock was held');
  return written.result.lease.token;
}

describe('baton backup and restore', () => {
  it('backs up during writes, restores into a fresh SQLite store and into PostgreSQL; tokens never go backwards', async () => {
    const server = await startServer();
    const out = tempDir('baton-backups-');
    const client = createClient(server.url, { project: PROJECT });
    const writers = await Promise.all(['w1', 'w2'].map(async (id) => client.with({ agent: await registerAgent(client, id) })));
    let stop = false;
    const seen = { token: 0 };
    const writing = writers.map((w, i) => keepWriting(w, `w${i + 1}`, () => stop, seen));
    // Let some writes land, then back up while they continue.
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Every token answered before the backups start was issued before they read anything.
    const answeredBefore = seen.token;
    const dbFile = join(out, 'copy.db');
    const jsonFile = join(out, 'export.json');
    const [sqliteBackup, jsonBackup] = await Promise.all([
      runBaton(['backup', '--data-dir', server.dataDir, '--out', dbFile, '--json']),
      runBaton(['backup', '--data-dir', server.dataDir, '--format', 'json', '--out', jsonFile, '--json']),
    ]);
    stop = true;
    await Promise.all(writing);
    expect(answeredBefore).toBeGreaterThan(0);
    expect(sqliteBackup.code, sqliteBackup.stderr).toBe(0);
    expect(jsonBackup.code, jsonBackup.stderr).toBe(0);
    const sqliteReport = JSON.parse(sqliteBackup.stdout) as { format: string; projects: { project: string; token: number; tasks: number }[] };
    expect(sqliteReport.format).toBe('sqlite');
    expect(sqliteReport.projects.map((p) => p.project)).toEqual([PROJECT]);
    expect(sqliteReport.projects[0]?.tasks).toBeGreaterThan(0);
    expect(sqliteReport.projects[0]?.token).toBeGreaterThanOrEqual(answeredBefore);
    const exported = JSON.parse(readFileSync(jsonFile, 'utf8')) as { format: string; engine: string; projects: { project: string; counters: { token: number } }[] };
    expect(exported).toMatchObject({ format: 'baton-backup', engine: 'sqlite' });
    expect(exported.projects[0]?.counters.token).toBeGreaterThanOrEqual(answeredBefore);
    await server.stop();

    // Into a fresh SQLite data directory, from the online copy.
    const fresh = tempDir('baton-restored-');
    const restored = await runBaton(['restore', dbFile, '--data-dir', fresh, '--json']);
    expect(restored.code, restored.stderr).toBe(0);
    const restoredReport = JSON.parse(restored.stdout) as { projects: { project: string; counters: { token: number } }[] };
    expect(restoredReport.projects[0]?.counters.token).toBeGreaterThanOrEqual(sqliteReport.projects[0]?.token ?? Infinity);
    // A second restore into the now non-empty store is refused; --force merges and moves nothing back.
    const again = await runBaton(['restore', jsonFile, '--data-dir', fresh]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/not empty.*--force/);
    const forced = await runBaton(['restore', jsonFile, '--data-dir', fresh, '--force', '--json']);
    expect(forced.code, forced.stderr).toBe(0);
    const sqliteStore = createSqliteStore({ path: join(fresh, 'baton.db') });
    try {
      const counter = await maxTokenIn(sqliteStore, PROJECT);
      expect(counter).toBeGreaterThanOrEqual(Math.max(sqliteReport.projects[0]?.token ?? 0, exported.projects[0]?.counters.token ?? 0));
      expect(await acquireToken(sqliteStore, PROJECT, 'fresh')).toBeGreaterThan(counter);
    } finally {
      await sqliteStore.close();
    }

    // The JSON export into PostgreSQL: the same project, tokens continue above every one issued before the backup.
    const schema = `baton_restore_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
    const toPg = await runBaton(['restore', jsonFile, '--store', 'postgres', '--store-url', PG_URL, '--data-dir', tempDir(), '--json'], { env: { BATON_STORE_NAMESPACE: schema } });
    expect(toPg.code, toPg.stderr).toBe(0);
    const pg = await createPostgresStore({ connectionString: PG_URL, schema });
    try {
      const fromPg = await pg.exportProject(PROJECT, pg.clock.now());
      const fromFile = exported.projects[0] as unknown as typeof fromPg;
      expect(fromPg.tasks.map((t) => t.id)).toEqual(fromFile.tasks.map((t) => t.id));
      expect(fromPg.events.map((e) => [e.id, e.type])).toEqual(fromFile.events.map((e) => [e.id, e.type]));
      expect(fromPg.state).toEqual(fromFile.state);
      expect(fromPg.counters.token).toBeGreaterThanOrEqual(fromFile.counters.token);
      const next = await acquireToken(pg, PROJECT, 'fresh');
      expect(next).toBeGreaterThan(fromFile.counters.token);
    } finally {
      await pg.close();
    }
  }, 120_000);

  it('refuses broken backup files with a message and writes nothing', async () => {
    const dir = tempDir('baton-bad-backup-');
    const target = tempDir('baton-bad-target-');
    const files: [string, string, RegExp][] = [
      ['garbage.json', '{"format": "baton-backup", "version": 1, "createdAt": "x", "engine": "sqlite", "projects": [{"project": "p"', /not JSON/],
      ['wrong.json', JSON.stringify({ format: 'baton-backup', version: 1, createdAt: 'x', engine: 'x', projects: [{ project: 'p', counters: { token: -1, ticket: 0, taskSeq: 0, lastEventId: 0, oldestEventId: 1 }, members: [], leases: [], tasks: [], state: [], events: [] }] }), /projects\.0\.counters\.token/],
      ['other.json', JSON.stringify({ hello: 'world' }), /not a valid Baton backup/],
      ['binary.bin', '\u0000\u0001\u0002SQLite', /not JSON/],
    ];
    for (const [name, content, message] of files) {
      writeFileSync(join(dir, name), content);
      const result = await runBaton(['restore', join(dir, name), '--data-dir', target]);
      expect(result.code, name).toBe(1);
      expect(result.stderr, name).toMatch(message);
    }
    const missing = await runBaton(['restore', join(dir, 'absent.json'), '--data-dir', target]);
    expect(missing.stderr).toMatch(/no backup file/);
    const store = createSqliteStore({ path: join(target, 'baton.db') });
    try {
      expect(await store.listProjects()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('refuses --format sqlite on another engine and a restore into a data directory a server holds', async () => {
    const server = await startServer();
    const held = await runBaton(['restore', '/dev/null', '--data-dir', server.dataDir]);
    expect(held.code).toBe(1);
    const wrong = await runBaton(['backup', '--format', 'sqlite', '--store', 'postgres', '--store-url', PG_URL, '--data-dir', tempDir()]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/--format json/);
    await server.stop();
  });

  it('names the projects there are when --project names none of them', async () => {
    const dataDir = tempDir();
    const store = createSqliteStore({ path: join(dataDir, 'baton.db') });
    await store.registerMember({ project: 'real-one', now: store.clock.now() }, { id: 'alice', name: 'Alice', kind: 'agent', modules: [], metadata: {}, service: null });
    await store.close();
    const missing = await runBaton(['backup', '--project', 'typo', '--out', join(dataDir, 'x.json'), '--data-dir', dataDir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no project 'typo'");
    expect(missing.stderr).toContain('real-one');
  });
});
