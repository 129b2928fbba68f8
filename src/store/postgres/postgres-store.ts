/**
 * @module The PostgreSQL store: a pg pool, versioned migrations into one schema,
 * and the optimistic step engine (../cache/optimistic-engine.ts). A project's
 * steps are batched per process over a cache of its hot rows; the batch's plan is
 * one `apply_plan` call (set-based writes, one round trip, the revision checked and
 * the NOTIFY sent in the same transaction). A revision conflict reloads the rows;
 * repeated conflicts take the locked path (the header row held FOR UPDATE inside a
 * transaction). Reads are single statements outside any transaction.
 */
import pg from 'pg';
import { CoordinationError } from '../../core/errors.js';
import type { Clock } from '../../core/ports.js';
import { createOptimisticEngine, type EngineAccess, type OptimisticDriver } from '../cache/optimistic-engine.js';
import { createStepStore, type StepEngine } from '../step-store.js';
import type { Store } from '../store.js';
import { num } from '../sql-rows.js';
import { startServerClock, type ServerClock } from '../server-clock.js';
import { advisoryKey, channelOf, checkSchema, clientConfig, DEFAULT_SCHEMA } from './connection.js';
import { migrate } from './migrate.js';
import { createPostgresLimits } from './postgres-limits.js';
import { encodePlan } from './postgres-plan.js';
import { createPostgresLoader, createPostgresQueries } from './postgres-loader.js';
import { isConnectionLost, translatePgError } from './postgres-errors.js';
import { rows, type Queryable } from './postgres-statements.js';

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
  /** Most steps of one project applied together. Default 64. */
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

/** SQLSTATE apply_plan raises when a request id of the plan was recorded meanwhile. */
const REQUEST_RECORDED = 'BT409';

const closedError = (): CoordinationError => new CoordinationError('STORE_UNAVAILABLE', 'The store is closed.');

export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const schema = checkSchema(options.schema ?? DEFAULT_SCHEMA);
  const channel = channelOf(schema);
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
  let closed = false;
  const stats = { roundTrips: 0 };

  /** The pool for writes, refusing work once closed. A write whose connection died is never retried: it may have committed. */
  const writer: Queryable = {
    query(queryConfig) {
      stats.roundTrips++;
      return closed ? Promise.reject(closedError()) : pool.query(queryConfig);
    },
  };
  /** The pool for reads: a read whose connection died (a restarted server, a killed backend) runs once more on a fresh one. */
  const db: Queryable = {
    async query(queryConfig) {
      try {
        return await writer.query(queryConfig);
      } catch (error) {
        if (!isConnectionLost(error) || closed) throw error;
        return writer.query(queryConfig);
      }
    },
  };

  const accessOver = (reads: Queryable, writes: Queryable): EngineAccess => ({
    loader: createPostgresLoader(reads),
    async apply(plan) {
      try {
        const [row] = await rows(writes, 'apply_plan', [plan.project, plan.base.rev, encodePlan(plan), channel]);
        const rev = num(row?.['rev'] ?? -1);
        return rev < 0 ? { applied: false } : { applied: true, rev };
      } catch (error) {
        if ((error as { code?: unknown }).code === REQUEST_RECORDED) return { applied: false };
        throw error;
      }
    },
    async unchanged(project, header) {
      const [row] = await rows(reads, 'get_rev', [project]);
      return header === null ? row === undefined : row !== undefined && num(row['rev']) === header.rev;
    },
  });

  const driver: OptimisticDriver = {
    ...accessOver(db, writer),
    translate: translatePgError,
    async exclusive(project, work) {
      if (closed) throw closedError();
      const client = await pool.connect();
      const held: Queryable = {
        query(queryConfig) {
          stats.roundTrips++;
          return client.query(queryConfig);
        },
      };
      try {
        await held.query({ text: 'BEGIN' });
        await rows(held, 'lock_project', [project, advisoryKey('baton-project', schema, project)]);
        const result = await work(accessOver(held, held));
        await held.query({ text: 'COMMIT' });
        client.release();
        return result;
      } catch (error) {
        await client.query('ROLLBACK').then(
          () => {
            client.release();
          },
          () => {
            client.release(true);
          },
        );
        throw error;
      }
    },
  };
  const batches = createOptimisticEngine(driver, { maxBatch: options.maxBatch ?? 64 });

  const engine: StepEngine = {
    clock: options.clock ?? (serverClock as Clock),
    capabilities: { notify: 'listen', multiProcess: true },
    engine: 'postgres',
    stats,
    queries: createPostgresQueries(db, translatePgError),
    // Writes: a hit whose connection died may have counted, and is not sent again.
    limits: createPostgresLimits(writer),
    run: (project, now, guard, step) => (closed ? Promise.reject(closedError()) : batches.run(project, now, guard, step)),
    async dueProjects(now, policy) {
      try {
        return (await rows(db, 'due_projects', [now, now - policy.thresholds.unresponsiveMs + 1, policy.eventRetention])).map((r) => String(r['project']));
      } catch (error) {
        throw translatePgError(error);
      }
    },
    async purgeRequests(before) {
      try {
        await rows(db, 'purge_requests', [before]);
        batches.forgetRequests(before);
      } catch (error) {
        throw translatePgError(error);
      }
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
      await batches.drain();
      closed = true;
      serverClock?.stop();
      await pool.end();
    },
  };
  return createStepStore(engine);
}
