/**
 * @module The SQLite store: one better-sqlite3 connection in WAL mode behind a
 * group-commit queue. The steps that arrive together run in one `BEGIN IMMEDIATE`
 * transaction with no await between BEGIN and COMMIT: each step reads
 * synchronously, its plan joins the batch's, and the batch is written and
 * committed at once; every caller is answered only after the COMMIT. A step that
 * throws contributes nothing, so no savepoints are needed. WAL checkpoints run on
 * a worker thread, off the commit path. Several processes may open one file (SQLite's
 * write lock serialises them), though a data directory has one server.
 */
import Database from 'better-sqlite3';
import { CoordinationError, isCoordinationError } from '../../core/errors.js';
import type { Clock } from '../../core/ports.js';
import type { Written } from '../store.js';
import { createStepStore, type StepEngine } from '../step-store.js';
import type { Store } from '../store.js';
import type { Plan } from '../step/plan.js';
import { batchPlan, runStepSync, type Step, type StepGuard } from '../step/runner.js';
import { startCheckpointer } from './checkpointer.js';
import { migrate } from './migrate.js';
import { createFileGuard, translateSqliteError } from './sqlite-faults.js';
import { createSqliteLimits } from './sqlite-limits.js';
import { createSqliteQueries } from './sqlite-queries.js';
import { applyPlan, createSqliteSource } from './sqlite-source.js';
import { prepareStatements } from './sqlite-statements.js';

export interface SqliteStoreOptions {
  /** File path, or ':memory:' for a private in-memory database. */
  path: string;
  clock?: Clock;
  /** PRAGMA synchronous: NORMAL survives a process crash; FULL also survives power loss. */
  synchronous?: 'NORMAL' | 'FULL';
  /** How long a writer waits for another process's write lock, in ms. */
  busyTimeoutMs?: number;
  /** Most steps committed in one transaction. */
  maxBatch?: number;
  /** How often the WAL is checkpointed into the database file, in ms. Default 1000. */
  checkpointIntervalMs?: number;
  /**
   * Given the open connection once it is migrated: the seam tests use to make the
   * engine itself raise a fault (PRAGMA max_page_count for SQLITE_FULL, query_only
   * for SQLITE_READONLY), since those settings belong to one connection.
   */
  onConnection?: (db: Database.Database) => void;
}

interface Job {
  project: string;
  now: number;
  guard: StepGuard;
  step: Step<unknown>;
  resolve: (value: Written<unknown>) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: Written<unknown> } | { ok: false; error: unknown };

const systemClock: Clock = { now: () => Date.now() };

export function createSqliteStore(options: SqliteStoreOptions): Store {
  const path = options.path;
  let db: Database.Database;
  try {
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
    db.pragma('foreign_keys = OFF');
    // Checkpoints run on a timer below: an automatic one would fsync inside some caller's COMMIT.
    db.pragma('wal_autocheckpoint = 0');
    migrate(db);
    options.onConnection?.(db);
  } catch (error) {
    throw translateSqliteError(error, path);
  }
  const q = prepareStatements(db);
  const source = createSqliteSource(q);
  const file = createFileGuard(path);
  const maxBatch = options.maxBatch ?? 256;
  const queue: Job[] = [];
  let scheduled = false;
  let closed = false;
  /** The last write failure (disk full, read-only, file gone), until a write succeeds again. */
  let fault: CoordinationError | undefined;

  const sql = { begin: db.prepare('BEGIN IMMEDIATE'), commit: db.prepare('COMMIT'), rollback: db.prepare('ROLLBACK') };

  function flush(): void {
    scheduled = false;
    const batch = queue.splice(0, maxBatch);
    if (queue.length > 0) schedule();
    const outcomes: Outcome[] = [];
    try {
      file.check();
      sql.begin.run();
      source.reset();
      const plans = new Map<string, Plan>();
      for (const job of batch) {
        let plan = plans.get(job.project);
        try {
          plan ??= batchPlan(job.project, source.header(job.project), job.now);
          plans.set(job.project, plan);
          const out = runStepSync(source, plan, job.now, job.guard, job.step);
          plan.absorb(out.plan);
          outcomes.push({ ok: true, value: { result: out.result, events: out.plan.events } });
        } catch (error) {
          outcomes.push({ ok: false, error: isCoordinationError(error) ? error : translateSqliteError(error, path) });
        }
      }
      const applied = new Set(batch.flatMap((job, i) => (outcomes[i]?.ok ? [job.project] : [])));
      // A step that only read (a backup reading the counters) writes nothing, as on the other engines.
      for (const plan of plans.values()) if (applied.has(plan.project) && (!plan.isEmpty || plan.creates)) applyPlan(q, plan);
      sql.commit.run();
      fault = undefined;
    } catch (error) {
      if (db.inTransaction) sql.rollback.run();
      const failure = translateSqliteError(error, path);
      if (failure.code === 'STORE_UNAVAILABLE') fault = failure;
      for (const job of batch) job.reject(failure);
      return;
    }
    batch.forEach((job, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) job.resolve(outcome.value);
      else job.reject(outcome?.error);
    });
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  }

  /** Runs a synchronous read, with the engine's errors translated. */
  const guard = <T>(readFn: () => T): Promise<T> => {
    if (closed) return Promise.reject(new CoordinationError('STORE_UNAVAILABLE', 'The store is closed.'));
    try {
      return Promise.resolve(readFn());
    } catch (error) {
      return Promise.reject(translateSqliteError(error, path));
    }
  };

  // A private in-memory database has no WAL; a file gets its checkpoints on a worker thread.
  const checkpointer = path === ':memory:' || path === '' ? undefined : startCheckpointer(path, options.checkpointIntervalMs ?? 1_000);

  const engine: StepEngine = {
    clock: options.clock ?? systemClock,
    capabilities: { notify: 'in-process', multiProcess: false },
    engine: 'sqlite',
    stats: q.stats,
    queries: createSqliteQueries(q, guard),
    limits: createSqliteLimits(db, q, guard),
    run<T>(project: string, now: number, stepGuard: StepGuard, step: Step<T>): Promise<Written<T>> {
      return new Promise<Written<T>>((resolve, reject) => {
        if (closed) {
          reject(new CoordinationError('STORE_UNAVAILABLE', 'The store is closed.'));
          return;
        }
        queue.push({ project, now, guard: stepGuard, step, resolve: resolve as (value: Written<unknown>) => void, reject });
        schedule();
      });
    },
    dueProjects: (now, policy) =>
      guard(() => [...new Set(q.all('due_projects', { now, silent_before: now - policy.thresholds.unresponsiveMs + 1, retention: policy.eventRetention }).map((r) => String(r['project'])))]),
    async purgeRequests(before) {
      await guard(() => q.run('purge_requests', before));
    },
    async ping() {
      await guard(() => {
        file.check();
        db.prepare('SELECT 1').get();
      });
      if (fault) throw fault;
    },
    async close() {
      if (closed) return;
      await new Promise<void>((resolve) => {
        const drained = (): void => {
          if (queue.length === 0 && !scheduled) resolve();
          else setImmediate(drained);
        };
        drained();
      });
      closed = true;
      db.close();
      await checkpointer?.close();
    },
  };
  return createStepStore(engine);
}
