/**
 * @module What a PostgreSQL figure needs beside it, measured around the same run:
 * the disk's flush latency (fdatasync of 8 KiB writes to a file on the filesystem
 * of the server's pg_wal, p50/p99, measured right after the run while the server
 * is quiet) and WAL syncs per commit (`pg_stat_wal.wal_sync` over
 * `pg_stat_database.xact_commit`, deltas over the run). About 1 sync per commit
 * means commits are serialised on the flush; well under 1 means group commit works.
 * Both counters are the server's (WAL) and the database's (commits), so other
 * clients of the server count too; read-only statements are commits as well.
 *
 * A backend publishes its counters at most once a second, and one that goes idle
 * within that second waits ten more; so before each snapshot the probe waits a
 * second and sends one read on every connection under test (the `Poke`), which
 * makes each of them publish, and leaves those reads out of the commit count.
 */
import { closeSync, existsSync, fdatasyncSync, fsyncSync, openSync, realpathSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { createHistogram, type LatencySummary } from './histogram.js';
import type { Poke, RunProbe } from './pairs.js';
import type { BenchContext } from './types.js';

/** Longer than PostgreSQL's minimum interval between two publications of a backend's counters (1 s). */
const PUBLISH_INTERVAL_MS = 1100;
/** Reads per poke: the store's default pool size, so each connection answers one. */
const POKES = 10;
/** The 8 KiB page written before each sync, cycling over a preallocated file as WAL segments are reused. */
const PAGE = 8192;
const SLOTS = 128;

interface WalCounters {
  syncs: number;
  commits: number;
}

/** A file's directory on the filesystem of the server's WAL, when the server runs on this machine. */
function flushDirectory(url: string, dataDirectory: string): string | undefined {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]', ''].includes(host)) return undefined;
  const wal = join(dataDirectory, 'pg_wal');
  if (!existsSync(wal)) return undefined;
  // Beside the data directory, not in it: the server owns what is inside.
  const walDir = realpathSync(wal);
  const beside = dirname(realpathSync(dataDirectory));
  return statSync(beside).dev === statSync(walDir).dev ? beside : undefined;
}

/** fdatasync latency of `count` 8 KiB writes in a preallocated file under `dir`. */
export function measureFlushLatency(dir: string, count: number): LatencySummary {
  const path = join(dir, `.baton-bench-flush-${process.pid}`);
  const fd = openSync(path, 'w');
  try {
    const page = Buffer.alloc(PAGE, 0x5a);
    for (let i = 0; i < SLOTS; i++) writeSync(fd, page, 0, PAGE, i * PAGE);
    fsyncSync(fd);
    const latency = createHistogram(count);
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      writeSync(fd, page, 0, PAGE, (i % SLOTS) * PAGE);
      fdatasyncSync(fd);
      latency.record(performance.now() - started);
    }
    return latency.summary();
  } finally {
    closeSync(fd);
    unlinkSync(path);
  }
}

export interface PgProbe extends RunProbe {
  /** Where the flush latency is measured, or why it is not. */
  readonly flushWhere: string;
}

/** A probe over PostgreSQL at `url`; its monitoring connection closes after the suite. */
export async function openPgProbe(ctx: BenchContext, url: string): Promise<PgProbe> {
  const monitor = new pg.Client({ connectionString: url });
  await monitor.connect();
  ctx.defer(() => monitor.end());
  const dataDirectory = (await monitor.query<{ data_directory: string }>('SHOW data_directory')).rows[0]?.data_directory ?? '';
  const dir = flushDirectory(url, dataDirectory);
  const flushes = ctx.duration(200, 50);
  const counters = async (): Promise<WalCounters | undefined> => {
    try {
      const row = (await monitor.query<{ syncs: string; commits: string }>(
        'SELECT (SELECT wal_sync FROM pg_stat_wal) AS syncs, (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()) AS commits',
      )).rows[0];
      return row ? { syncs: Number(row.syncs), commits: Number(row.commits) } : undefined;
    } catch {
      return undefined; // pg_stat_wal is PostgreSQL 14 or later.
    }
  };
  /** Waits until every backend may publish, makes those under test do so, and reads the counters. */
  const settled = async (poke: Poke, quietSince: number): Promise<{ counters: WalCounters | undefined; poked: number }> => {
    await sleep(Math.max(0, PUBLISH_INTERVAL_MS - (performance.now() - quietSince)));
    const poked = await poke(POKES);
    return { counters: await counters(), poked };
  };
  return {
    flushWhere: dir === undefined ? `flush latency not measured: the server's WAL (${dataDirectory || 'unknown'}) is not on this machine` : `flush latency: fdatasync of 8 KiB writes in ${dir}, on the filesystem of ${join(dataDirectory, 'pg_wal')}`,
    async around(poke, run) {
      const before = await settled(poke, performance.now());
      const measured = await run();
      const quietSince = performance.now();
      const flush = dir === undefined ? undefined : measureFlushLatency(dir, flushes);
      const after = await settled(poke, quietSince);
      const parts: string[] = [];
      if (flush) parts.push(`flush p50 ${flush.p50Ms.toFixed(2)} ms p99 ${flush.p99Ms.toFixed(2)} ms`);
      if (before.counters && after.counters) {
        const syncs = after.counters.syncs - before.counters.syncs;
        // The reads of the last poke and the monitor's snapshot before the run were published with the run.
        const commits = after.counters.commits - before.counters.commits - after.poked - 1;
        parts.push(`${(syncs / Math.max(commits, 1)).toFixed(2)} WAL syncs/commit (${syncs}/${commits})`);
      }
      return parts.length > 0 ? { ...measured, detail: parts.join(', ') } : measured;
    },
  };
}
