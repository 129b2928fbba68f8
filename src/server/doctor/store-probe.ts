/**
 * @module The doctor's look at the store itself, beside the server: reachable,
 * its durability setting (SQLite journal and synchronous, Redis persistence,
 * PostgreSQL synchronous_commit) and the skew between this machine's clock and
 * the engine's (shared engines decide expiry by their own clock).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ServerConfig } from '../config.js';
import { check, type Check } from './check.js';

const TIMEOUT_MS = 3_000;
/** Skew above this is worth a look; above the second bound, leases of several coordinators disagree visibly. */
const SKEW_WARN_MS = 1_000;
const SKEW_FAIL_MS = 10_000;

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function clockCheck(engineNow: number, sentAt: number, receivedAt: number, engine: string): Check {
  // The engine read its clock somewhere between sending and receiving: compare with the midpoint.
  const skew = Math.round(engineNow - (sentAt + receivedAt) / 2);
  const text = `${engine}'s clock is ${Math.abs(skew)} ms ${skew >= 0 ? 'ahead of' : 'behind'} this machine's`;
  if (Math.abs(skew) > SKEW_FAIL_MS) return check('clock', 'fail', text, 'Synchronise the clocks (NTP): leases expire by the store\'s clock, status ages by the coordinators\'.');
  if (Math.abs(skew) > SKEW_WARN_MS) return check('clock', 'warn', text, 'Synchronise the clocks (NTP).');
  return check('clock', 'ok', text);
}

function probeSqlite(config: ServerConfig): Check[] {
  const path = join(config.dataDir, 'baton.db');
  if (statSync(path, { throwIfNoEntry: false }) === undefined) {
    return [check('store', 'warn', `no SQLite store yet at ${path}`, 'It is created when the server first starts (baton start).'), check('durability', 'skip', 'no store yet'), check('clock', 'ok', 'SQLite uses this machine\'s clock')];
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: TIMEOUT_MS });
    const journal = String(db.pragma('journal_mode', { simple: true }));
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    const sync = config.sqliteSynchronous;
    const durability =
      journal.toLowerCase() !== 'wal'
        ? check('durability', 'warn', `journal_mode is ${journal}, not WAL`, 'Start the server once: it switches the file to WAL.')
        : check('durability', 'ok', sync === 'FULL' ? 'WAL, synchronous=FULL: an acknowledged write survives a crash and power loss' : 'WAL, synchronous=NORMAL: an acknowledged write survives a process crash (not power loss; set "sqlite_synchronous": "FULL" for that)');
    return [check('store', 'ok', `SQLite store at ${path} opens and reads`), durability, check('clock', 'ok', "SQLite uses this machine's clock")];
  } catch (error) {
    return [check('store', 'fail', `the SQLite store at ${path} cannot be read: ${reason(error)}`, 'Check the file\'s permissions and the disk; restore a backup (baton restore) if it is damaged.'), check('durability', 'skip', 'store unreadable'), check('clock', 'skip', 'store unreadable')];
  } finally {
    db?.close();
  }
}

async function probeRedis(url: string): Promise<Check[]> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, { lazyConnect: true, connectTimeout: TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    const info = await client.info('persistence');
    const aof = /aof_enabled:1/.test(info);
    const saves = await client.config('GET', 'save').then((r) => (r as string[])[1] ?? '').catch(() => '');
    const durability = aof
      ? check('durability', 'ok', 'Redis persistence: AOF on')
      : saves.trim() !== ''
        ? check('durability', 'warn', `Redis persistence: RDB snapshots only (save ${saves}): a crash loses the writes since the last snapshot`, 'Turn on AOF (appendonly yes, appendfsync everysec or always) for acknowledged writes to survive.')
        : check('durability', 'warn', 'Redis persistence is off: a restart loses every lease, task and event (Baton re-seeds its fencing counters, but the state is gone)', 'Turn on AOF: appendonly yes.');
    const sentAt = Date.now();
    const [seconds, micros] = await client.time();
    const clock = clockCheck(Number(seconds) * 1000 + Number(micros) / 1000, sentAt, Date.now(), 'Redis');
    return [check('store', 'ok', `Redis at ${safeHost(url)} answers`), durability, clock];
  } catch (error) {
    return [check('store', 'fail', `Redis at ${safeHost(url)} is unreachable: ${reason(error)}`, 'Start Redis or fix --store-url / BATON_STORE_URL.'), check('durability', 'skip', 'store unreachable'), check('clock', 'skip', 'store unreachable')];
  } finally {
    client.disconnect();
  }
}

async function probePostgres(url: string): Promise<Check[]> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: TIMEOUT_MS, query_timeout: TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const commit = (await client.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]?.synchronous_commit ?? '?';
    const fsync = (await client.query<{ fsync: string }>('SHOW fsync')).rows[0]?.fsync ?? '?';
    const durability =
      fsync === 'off'
        ? check('durability', 'fail', 'PostgreSQL runs with fsync=off: a crash can corrupt the database', 'Set fsync = on.')
        : commit === 'off' || commit === 'local'
          ? check('durability', 'warn', `PostgreSQL synchronous_commit=${commit}: a crash may lose the last acknowledged writes`, 'Set synchronous_commit = on for acknowledged writes to survive a crash.')
          : check('durability', 'ok', `PostgreSQL synchronous_commit=${commit}, fsync=${fsync}`);
    const sentAt = Date.now();
    const now = (await client.query<{ ms: string }>('SELECT (extract(epoch FROM clock_timestamp()) * 1000)::text AS ms')).rows[0]?.ms;
    const clock = clockCheck(Number(now), sentAt, Date.now(), 'PostgreSQL');
    return [check('store', 'ok', `PostgreSQL at ${safeHost(url)} answers`), durability, clock];
  } catch (error) {
    return [check('store', 'fail', `PostgreSQL at ${safeHost(url)} is unreachable: ${reason(error)}`, 'Start PostgreSQL or fix --store-url / BATON_STORE_URL.'), check('durability', 'skip', 'store unreachable'), check('clock', 'skip', 'store unreachable')];
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** host:port of a URL, never its password. */
function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(unparsable URL)';
  }
}

export async function probeStore(config: ServerConfig): Promise<Check[]> {
  switch (config.store.kind) {
    case 'sqlite':
      return probeSqlite(config);
    case 'redis':
    case 'postgres': {
      const url = config.store.url;
      if (!url) return [check('store', 'fail', `--store ${config.store.kind} has no URL`, 'Give --store-url or BATON_STORE_URL.'), check('durability', 'skip', 'no store URL'), check('clock', 'skip', 'no store URL')];
      return config.store.kind === 'redis' ? probeRedis(url) : probePostgres(url);
    }
  }
}
