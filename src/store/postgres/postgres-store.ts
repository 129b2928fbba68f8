/**
 * @module The PostgreSQL store: a pg pool, versioned migrations into one schema,
 * and a TransactionEngine for the shared transactional store. Each write
 * transaction first takes `pg_advisory_xact_lock(hash(schema, project))`, which
 * serialises a project's writers across every coordinator process, so event ids
 * are gap-free and committed in order. Within a process, writes to one project
 * queue up and commit together (group commit, one savepoint per call), so a
 * process holds at most one connection per busy project and pays one fsync for
 * many calls. Reads run in a read-only REPEATABLE READ snapshot, without the lock.
 * Claims use no `FOR UPDATE SKIP LOCKED`: the project lock already lets one
 * transaction at a time pick a ready task, so row locks would only add work.
 */
import pg from 'pg';
import { CoordinationError } from '../../core/errors.js';
import type { Clock } from '../../core/ports.js';
import type { Store } from '../store.js';
import type { Repository, TransactionEngine } from '../transactional/repository.js';
import { createTransactionalStore } from '../transactional/transactional-store.js';
import { advisoryKey, checkSchema, clientConfig, DEFAULT_SCHEMA } from './connection.js';
import { migrate } from './migrate.js';
import { createPostgresRepository } from './postgres-repository.js';
import { isConnectionLost, translatePgError } from './postgres-errors.js';
import { startServerClock, type ServerClock } from '../server-clock.js';

export interface PostgresStoreOptions {
  connectionString: string;
  /** Schema holding every table; created if missing. Default `baton`. */
  schema?: string;
  /** Time source; omitted means the database server's clock. */
  clock?: Clock;
  /** Most connections this process opens. Default 10. */
  poolSize?: number;
  /** How long to wait for a connection before STORE_UNAVAILABLE, in ms. Default 5000. */
  connectTimeoutMs?: number;
  /** Longest statement, including the wait for a project's lock, in ms. Default 30000. */
  statementTimeoutMs?: number;
  /** Most calls of one project committed in one transaction. Default 64. */
  maxBatch?: number;
  /** How often the server clock's offset is measured again, in ms. Default 5000. */
  clockSyncMs?: number;
  /**
   * PostgreSQL `synchronous_commit`. `on` (default) answers after the commit is on
   * disk; `off` answers once the server has it, which survives a coordinator crash
   * but not a database crash in the following fraction of a second.
   */
  synchronousCommit?: 'on' | 'off';
}

interface Job {
  work: (tx: Repository) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

const closedError = (): CoordinationError => new CoordinationError('STORE_UNAVAILABLE', 'The store is closed.');

const repositoryOver = (client: pg.PoolClient): Repository => createPostgresRepository({ query: (config) => client.query(config) });

/** Ends a failed transaction; a connection that cannot even roll back is discarded. */
async function abandon(client: pg.PoolClient): Promise<void> {
  try {
    await client.query('ROLLBACK');
    client.release();
  } catch {
    client.release(true);
  }
}

async function runJob(job: Job, repo: Repository): Promise<Outcome> {
  try {
    return { ok: true, value: await job.work(repo) };
  } catch (error) {
    return { ok: false, error };
  }
}

export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const schema = checkSchema(options.schema ?? DEFAULT_SCHEMA);
  const config = clientConfig(options, schema);
  if (options.synchronousCommit === 'off') config.options = `${config.options ?? ''} -c synchronous_commit=off`;
  const pool = new pg.Pool({ ...config, max: options.poolSize ?? 10, idleTimeoutMillis: 30_000 });
  // A connection that dies is dropped by the pool and replaced on next use; the
  // failure reaches the call that was using it. Without these listeners pg's
  // 'error' events (idle, or checked out between queries) would crash the process.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  let serverClock: ServerClock | undefined;
  try {
    const client = await pool.connect();
    try {
      await migrate(client, schema, advisoryKey('baton-migrate', schema));
    } finally {
      client.release();
    }
    if (!options.clock) serverClock = await startServerClock(async () => Number((await pool.query<{ now: string }>('SELECT extract(epoch from clock_timestamp()) * 1000 AS now')).rows[0]?.now), options.clockSyncMs);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw translatePgError(error);
  }

  const maxBatch = options.maxBatch ?? 64;
  const queues = new Map<string, Job[]>();
  const busy = new Set<Promise<unknown>>();
  const lockKeys = new Map<string, string>();
  let closed = false;

  const lockKeyOf = (project: string): string => {
    let key = lockKeys.get(project);
    if (key === undefined) {
      key = advisoryKey('baton-project', schema, project);
      if (lockKeys.size > 10_000) lockKeys.clear();
      lockKeys.set(project, key);
    }
    return key;
  };

  const track = <T>(promise: Promise<T>): Promise<T> => {
    busy.add(promise);
    void promise.finally(() => busy.delete(promise)).catch(() => undefined);
    return promise;
  };

  /**
   * A pooled connection with `opening` (BEGIN ...) run on it. A connection that
   * died while idle in the pool (server restart, killed backend) fails here, before
   * any work ran, so the call is retried on a fresh one instead of failing.
   */
  async function begin(opening: string): Promise<pg.PoolClient> {
    for (let attempt = 1; ; attempt++) {
      const client = await pool.connect();
      try {
        await client.query(opening);
        return client;
      } catch (error) {
        client.release(true);
        if (attempt >= 3 || !isConnectionLost(error) || closed) throw error;
      }
    }
  }

  /** One transaction for up to maxBatch queued calls of `project`; settles each of them. */
  async function runBatch(project: string, queue: Job[]): Promise<void> {
    const batch = queue.splice(0, maxBatch);
    const [only] = batch;
    const single = only !== undefined && batch.length === 1;
    const lock = `BEGIN; SELECT pg_advisory_xact_lock(${lockKeyOf(project)})`;
    let client: pg.PoolClient;
    try {
      client = await begin(single ? lock : `${lock}; SAVEPOINT call`);
    } catch (error) {
      const failure = translatePgError(error);
      for (const job of batch) job.reject(failure);
      return;
    }
    const repo = repositoryOver(client);
    const outcomes: Outcome[] = [];
    try {
      if (single) {
        const outcome = await runJob(only, repo);
        outcomes.push(outcome);
        await client.query(outcome.ok ? 'COMMIT' : 'ROLLBACK');
      } else {
        // Each call runs under the savepoint `call`; the statements between two
        // calls travel together, and COMMIT releases the last savepoint.
        for (const [i, job] of batch.entries()) {
          const outcome = await runJob(job, repo);
          outcomes.push(outcome);
          const last = i === batch.length - 1;
          if (outcome.ok) await client.query(last ? 'COMMIT' : 'RELEASE SAVEPOINT call; SAVEPOINT call');
          else await client.query(last ? 'ROLLBACK TO SAVEPOINT call; COMMIT' : 'ROLLBACK TO SAVEPOINT call');
        }
      }
      client.release();
    } catch (error) {
      await abandon(client);
      const failure = translatePgError(error);
      for (const job of batch) job.reject(failure);
      return;
    }
    batch.forEach((job, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) job.resolve(outcome.value);
      else job.reject(translatePgError(outcome?.error));
    });
  }

  async function drain(project: string, queue: Job[]): Promise<void> {
    try {
      while (queue.length > 0) await runBatch(project, queue);
    } finally {
      queues.delete(project);
    }
  }

  const engine: TransactionEngine = {
    clock: options.clock ?? (serverClock as Clock),
    capabilities: { notify: 'listen', multiProcess: true },
    engine: 'postgres',
    transaction<T>(project: string, work: (tx: Repository) => Promise<T>): Promise<T> {
      if (closed) return Promise.reject(closedError());
      return new Promise<T>((resolve, reject) => {
        const job: Job = { work, resolve: resolve as (value: unknown) => void, reject };
        const queue = queues.get(project);
        if (queue) {
          queue.push(job);
          return;
        }
        const fresh = [job];
        queues.set(project, fresh);
        void track(drain(project, fresh));
      });
    },
    read<T>(work: (tx: Repository) => Promise<T>): Promise<T> {
      if (closed) return Promise.reject(closedError());
      return track(
        (async () => {
          let client: pg.PoolClient;
          try {
            // One snapshot for the whole read: bounds and rows of readEvents agree.
            client = await begin('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
          } catch (error) {
            throw translatePgError(error);
          }
          try {
            const value = await work(repositoryOver(client));
            await client.query('COMMIT');
            client.release();
            return value;
          } catch (error) {
            await abandon(client);
            throw translatePgError(error);
          }
        })(),
      );
    },
    async ping() {
      if (closed) throw closedError();
      try {
        await pool.query('SELECT 1');
      } catch (error) {
        throw translatePgError(error);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      while (busy.size > 0) await Promise.allSettled([...busy]);
      serverClock?.stop();
      await pool.end();
    },
  };
  return createTransactionalStore(engine);
}
