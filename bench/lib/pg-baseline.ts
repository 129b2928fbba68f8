/**
 * @module The set-based PostgreSQL baseline: plain `pg`, no Baton code on the
 * measured path, writing what Baton's pairs write, 32 pairs per statement, one
 * statement at a time on one connection (Baton applies one batch per project at a
 * time per process, and 64 callers give it batches of about 32 pairs). A task
 * statement claims 32 ready tasks and completes the 32 the statement before
 * claimed (64 task row updates), appends 64 events, records 32 request ids (one
 * per claim, as the bench's claims carry one) and updates the project header's
 * counters once; a lock statement inserts 32 leases, deletes the 32 of the
 * statement before, appends 64 events and updates the header once. Each is one
 * statement of data-modifying CTEs over json_populate_recordset, autocommitted,
 * into Baton's own tables (the schema is made by Baton's migrations, so the
 * indexes to maintain are the same). It sends no NOTIFY; Baton sends one per batch.
 */
import pg from 'pg';
import { advisoryKey } from '../../src/store/postgres/connection.js';
import { migrate } from '../../src/store/postgres/migrate.js';
import { runClosedLoop } from './closed-loop.js';
import { startCpuMeter } from './cpu.js';
import type { Poke, RunProbe } from './pairs.js';
import type { Measurement } from './types.js';

/** Pairs per statement. */
const PAIRS = 32;
const PROJECT = 'baseline';
const TTL_MS = 15 * 60_000;

const TASK_STATEMENT = `
WITH header AS (
  UPDATE projects SET rev = rev + 1, seq_token = seq_token + $2, last_event_id = last_event_id + $3 WHERE id = $1 RETURNING rev
), tasks_written AS (
  UPDATE tasks AS t SET status = r.status, attempts = r.attempts, claim = r.claim, claim_agent = r.claim_agent,
    claim_expires_at = r.claim_expires_at, updated_at = r.updated_at
  FROM json_populate_recordset(NULL::tasks, $4) AS r WHERE t.project = $1 AND t.id = r.id
), events_written AS (
  INSERT INTO events SELECT * FROM json_populate_recordset(NULL::events, $5)
), requests_written AS (
  INSERT INTO requests SELECT * FROM json_populate_recordset(NULL::requests, $6)
)
SELECT rev FROM header`;

const LOCK_STATEMENT = `
WITH header AS (
  UPDATE projects SET rev = rev + 1, seq_token = seq_token + $2, last_event_id = last_event_id + $3 WHERE id = $1 RETURNING rev
), released AS (
  DELETE FROM leases WHERE project = $1 AND id = ANY($4::text[])
), acquired AS (
  INSERT INTO leases SELECT * FROM json_populate_recordset(NULL::leases, $5)
), events_written AS (
  INSERT INTO events SELECT * FROM json_populate_recordset(NULL::events, $6)
)
SELECT rev FROM header`;

export interface PgBaselineRun {
  durationMs: number;
  warmupMs: number;
  probe?: RunProbe | undefined;
}

export interface PgBaseline {
  /** Claim+complete pairs; stops early (and says so in `notes`) when the seeded tasks run out. */
  taskPairs(run: PgBaselineRun, notes: string[]): Promise<Measurement>;
  lockPairs(run: PgBaselineRun): Promise<Measurement>;
  close(): Promise<void>;
}

interface Counters {
  token: number;
  event: number;
}

type Row = Record<string, unknown>;

function eventRow(c: Counters, type: string, actor: string, subject: string, data: Row, at: number): Row {
  c.event++;
  return { project: PROJECT, id: c.event, type, actor, subject, data, at };
}

/** One statement's rows as Baton's batch of 32 claims and 32 completions would write them. */
function taskBatch(c: Counters, claim: number[], complete: { seq: number; agent: string }[], now: number): unknown[] {
  const tasks: Row[] = [];
  const events: Row[] = [];
  const requests: Row[] = [];
  const tokenBefore = c.token;
  const eventBefore = c.event;
  claim.forEach((seq, i) => {
    const id = `base-${seq}`;
    const agent = `agent-${i}`;
    c.token++;
    const task = {
      project: PROJECT, id, title: `Baseline task ${seq}`, description: '', dependencies: [], priority: 0, labels: [], files: [], status: 'claimed', output: null,
      error: null, progress: null, attempts: 1, claim: { agent, token: c.token, claimedAt: now, expiresAt: now + TTL_MS, ttlMs: TTL_MS }, createdAt: now, updatedAt: now, seq,
    };
    tasks.push({ id, status: 'claimed', attempts: 1, claim: task.claim, claim_agent: agent, claim_expires_at: now + TTL_MS, updated_at: now });
    events.push(eventRow(c, 'task.claimed', agent, id, { agent, token: c.token, attempts: 1 }, now));
    requests.push({ project: PROJECT, caller: agent, request_id: `claim-${seq}`, fingerprint: `claimTask:${seq}`, result: { claimed: true, task, token: c.token }, created_at: now });
  });
  for (const { seq, agent } of complete) {
    const id = `base-${seq}`;
    tasks.push({ id, status: 'done', attempts: 1, claim: null, claim_agent: null, claim_expires_at: null, updated_at: now });
    events.push(eventRow(c, 'task.completed', agent, id, { agent }, now));
  }
  return [PROJECT, c.token - tokenBefore, c.event - eventBefore, JSON.stringify(tasks), JSON.stringify(events), JSON.stringify(requests)];
}

/** One statement's rows for 32 lock grants (`acquire`) and the release of the 32 before (`release`). */
function lockBatch(c: Counters, acquire: number[], release: { worker: number; token: number }[], now: number, tokens: Map<number, number>): unknown[] {
  const leases: Row[] = [];
  const events: Row[] = [];
  const tokenBefore = c.token;
  const eventBefore = c.event;
  const idOf = (worker: number): string => `lock:bench-${worker}:agent-${worker}`;
  for (const { worker, token } of release) {
    events.push(eventRow(c, 'lease.released', `agent-${worker}`, `bench-${worker}`, { kind: 'lock', resource: `bench-${worker}`, holder: `agent-${worker}`, token }, now));
  }
  for (const worker of acquire) {
    c.token++;
    tokens.set(worker, c.token);
    const holder = `agent-${worker}`;
    const resource = `bench-${worker}`;
    leases.push({
      project: PROJECT, id: idOf(worker), kind: 'lock', resource, paths: [], holder, mode: 'exclusive', holder_limit: null, token: c.token,
      acquired_at: now, expires_at: now + TTL_MS, ttl_ms: TTL_MS, reason: null,
    });
    events.push(eventRow(c, 'lease.acquired', holder, resource, { kind: 'lock', resource, holder, token: c.token, mode: 'exclusive', expires_at: now + TTL_MS, from_queue: false }, now));
  }
  return [PROJECT, c.token - tokenBefore, c.event - eventBefore, release.map((r) => idOf(r.worker)), JSON.stringify(leases), JSON.stringify(events)];
}

/**
 * Migrates `schema` with Baton's migrations, creates the baseline's project and
 * `tasks` ready tasks in it, and returns the baseline over one connection.
 */
export async function openPgBaseline(url: string, schema: string, tasks: number): Promise<PgBaseline> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  const now = Date.now();
  try {
    await migrate(client, schema, advisoryKey('baton-migrate', schema));
    await client.query('INSERT INTO projects (id, created_at, seq_task) VALUES ($1, $2, $3)', [PROJECT, now, tasks]);
    await client.query(
      `INSERT INTO tasks (project, id, title, description, dependencies, priority, labels, files, status, output, error, progress, attempts,
         claim, claim_agent, claim_expires_at, created_at, updated_at, seq)
       SELECT $1, 'base-' || g, 'Baseline task ' || g, '', '[]', 0, '[]', '[]', 'ready', NULL, NULL, NULL, 0, NULL, NULL, NULL, $2, $2, g
       FROM generate_series(1, $3::bigint) AS g`,
      [PROJECT, now, tasks],
    );
    // Without statistics the planner takes the 64 updates for a scan of the project's tasks (a hash join over
    // tasks_by_seq), not 64 primary-key lookups; Baton's upsert always probes the key.
    await client.query('ANALYZE');
  } catch (error) {
    await client.end();
    throw error;
  }
  const counters: Counters = { token: 0, event: 0 };
  const poke: Poke = async () => {
    await client.query('SELECT 1');
    return 1;
  };
  /** Runs `sql` with the values `next` gives (null: no work left) for the run's time. */
  const measure = async (name: string, sql: { name: string; text: string }, run: PgBaselineRun, next: () => unknown[] | null): Promise<Measurement> => {
    const once = async (): Promise<Measurement> => {
      const cpu = startCpuMeter({ serverProcess: 'postgres' });
      let statements = 0;
      const m = await runClosedLoop({
        name,
        unit: 'pair',
        workers: 1,
        durationMs: run.durationMs,
        warmupMs: run.warmupMs,
        op: async () => {
          const values = next();
          if (values === null) return false;
          await client.query({ ...sql, values });
          statements++;
          return true;
        },
      });
      // Latencies stay those of one statement; the rate counts its pairs.
      return { ...m, ops: m.ops * PAIRS, opsPerSec: m.opsPerSec * PAIRS, cpu: cpu.perOp(statements * PAIRS) };
    };
    return run.probe ? run.probe.around(poke, once) : once();
  };

  let nextTask = 1;
  let claimed: { seq: number; agent: string }[] = [];
  let held: { worker: number; token: number }[] = [];
  let half = 0;
  const tokens = new Map<number, number>();
  return {
    async taskPairs(run, notes) {
      const name = `set-based task pairs, ${PAIRS} per statement, 1 connection (latency per statement)`;
      const m = await measure(name, { name: 'baseline_tasks', text: TASK_STATEMENT }, run, () => {
        if (nextTask + PAIRS - 1 > tasks) return null;
        const claim = Array.from({ length: PAIRS }, (_, i) => nextTask + i);
        nextTask += PAIRS;
        const values = taskBatch(counters, claim, claimed, Date.now());
        claimed = claim.map((seq, i) => ({ seq, agent: `agent-${i}` }));
        return values;
      });
      if (nextTask + PAIRS - 1 > tasks) notes.push(`${name}: the ${tasks} seeded tasks ran out; the rate is over the shorter time`);
      return m;
    },
    async lockPairs(run) {
      const name = `set-based lock pairs, ${PAIRS} per statement, 1 connection (latency per statement)`;
      return measure(name, { name: 'baseline_locks', text: LOCK_STATEMENT }, run, () => {
        // Workers 0-31 and 32-63 take turns: one half acquires while the other releases, as 64 callers' batches do.
        const acquire = Array.from({ length: PAIRS }, (_, i) => half * PAIRS + i);
        const values = lockBatch(counters, acquire, held, Date.now(), tokens);
        held = acquire.map((worker) => ({ worker, token: tokens.get(worker) ?? 0 }));
        half = 1 - half;
        return values;
      });
    },
    close: () => client.end(),
  };
}
