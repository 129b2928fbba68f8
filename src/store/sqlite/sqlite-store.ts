/**
 * @module The SQLite store: one better-sqlite3 connection in WAL mode, behind a
 * group-commit queue. Calls that arrive together run in one `BEGIN IMMEDIATE`
 * transaction, each inside its own savepoint (a failing call rolls back alone),
 * and every caller is answered only after the COMMIT. Several processes may open
 * the same file: SQLite's write lock serialises them (busy_timeout waits).
 */
import Database from 'better-sqlite3';
import { CoordinationError, isCoordinationError } from '../../core/errors.js';
import type { Clock } from '../../core/ports.js';
import type { Store } from '../store.js';
import type { Repository, TransactionEngine } from '../transactional/repository.js';
import { createTransactionalStore } from '../transactional/transactional-store.js';
import { migrate } from './migrate.js';
import { createSqliteRepository } from './sqlite-repository.js';

export interface SqliteStoreOptions {
  /** File path, or ':memory:' for a private in-memory database. */
  path: string;
  clock?: Clock;
  /** PRAGMA synchronous: NORMAL survives a process crash; FULL also survives power loss. */
  synchronous?: 'NORMAL' | 'FULL';
  /** How long a writer waits for another process's write lock, in ms. */
  busyTimeoutMs?: number;
  /** Most calls committed in one transaction. */
  maxBatch?: number;
}

interface Job {
  write: boolean;
  work: (tx: Repository) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const systemClock: Clock = { now: () => Date.now() };

function translate(error: unknown): unknown {
  if (isCoordinationError(error)) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))) {
    return new CoordinationError('STORE_UNAVAILABLE', 'The SQLite database is locked by another process.', undefined, { cause: error });
  }
  return new CoordinationError('INTERNAL', 'The SQLite store failed.', undefined, { cause: error });
}

export function createSqliteStore(options: SqliteStoreOptions): Store {
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
  db.pragma('foreign_keys = OFF');
  migrate(db);
  const repo = createSqliteRepository(db);
  const maxBatch = options.maxBatch ?? 256;
  const queue: Job[] = [];
  let scheduled = false;
  let closed = false;

  const sql = {
    begin: db.prepare('BEGIN IMMEDIATE'),
    commit: db.prepare('COMMIT'),
    rollback: db.prepare('ROLLBACK'),
    savepoint: db.prepare('SAVEPOINT job'),
    release: db.prepare('RELEASE job'),
    rollbackTo: db.prepare('ROLLBACK TO job'),
  };

  async function flush(): Promise<void> {
    const batch = queue.splice(0, maxBatch);
    const outcomes: { ok: boolean; value: unknown }[] = [];
    const writes = batch.filter((j) => j.write).length;
    // A lone write needs no savepoint: if it fails, the whole transaction rolls back.
    const isolate = writes > 1;
    let failedAlone = false;
    try {
      if (writes > 0) sql.begin.run();
      for (const job of batch) {
        const savepoint = isolate && job.write;
        if (savepoint) sql.savepoint.run();
        try {
          const value = await job.work(repo);
          if (savepoint) sql.release.run();
          outcomes.push({ ok: true, value });
        } catch (error) {
          if (savepoint) {
            sql.rollbackTo.run();
            sql.release.run();
          } else if (job.write) failedAlone = true;
          outcomes.push({ ok: false, value: translate(error) });
        }
      }
      if (writes > 0) (failedAlone ? sql.rollback : sql.commit).run();
    } catch (error) {
      if (db.inTransaction) sql.rollback.run();
      const failure = translate(error);
      batch.forEach((job) => { job.reject(failure); });
      return;
    } finally {
      scheduled = false;
      if (queue.length > 0) schedule();
    }
    batch.forEach((job, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) job.resolve(outcome.value);
      else job.reject(outcome?.value);
    });
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => void flush());
  }

  const enqueue = <T>(write: boolean, work: (tx: Repository) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (closed) {
        reject(new CoordinationError('STORE_UNAVAILABLE', 'The store is closed.'));
        return;
      }
      queue.push({ write, work, resolve: resolve as (v: unknown) => void, reject });
      schedule();
    });

  const engine: TransactionEngine = {
    clock: options.clock ?? systemClock,
    capabilities: { notify: 'in-process', multiProcess: false },
    engine: 'sqlite',
    transaction: (_project, work) => enqueue(true, work),
    read: (work) => enqueue(false, work),
    async ping() {
      await enqueue(false, () => Promise.resolve(db.prepare('SELECT 1').get()));
    },
    async close() {
      await enqueue(false, () => Promise.resolve());
      closed = true;
      db.close();
    },
  };
  return createTransactionalStore(engine);
}
