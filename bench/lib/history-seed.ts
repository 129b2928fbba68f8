/**
 * @module Writes a long history (finished tasks, events) into one project, and
 * idle projects (a header and one live member each), straight into an engine
 * with set-based SQL or server-side loops: through the store it would take longer
 * than the runs it feeds. Only projects the measured store has not touched are
 * written, each with its header at rev 1, so no process holds a stale cache of
 * them. Rows follow Baton's schemas (SQLite and PostgreSQL migrations, Redis
 * keys.ts), so the store reads them as its own.
 */
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createKeys } from '../../src/store/redis/keys.js';

export interface HistorySeeder {
  /** Creates `project` with `tasks` done tasks and `events` events (ids 1..events). */
  history(project: string, tasks: number, events: number): Promise<void>;
  /** Creates `count` projects `idle-<n>`, each with one live agent that just sent a heartbeat. */
  idle(count: number): Promise<void>;
  close(): Promise<void>;
}

const taskTitle = 'History task';
const eventData = '{"agent":"agent-0"}';
const idleProject = (n: number): string => `idle-${n}`;

/** SQLite: a second connection on the store's file (WAL lets it write between the store's batches). */
export function sqliteSeeder(path: string): HistorySeeder {
  const db = new Database(path);
  db.pragma('busy_timeout = 10000');
  const series = 'WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < @count)';
  const writeHistory = db.transaction((project: string, tasks: number, events: number, now: number) => {
    db.prepare('INSERT INTO projects (id, created_at, last_event_id, oldest_event_id, seq_token, seq_ticket, seq_task, rev) VALUES (?, ?, ?, 1, 0, 0, ?, 1)').run(project, now, events, tasks);
    db.prepare(
      `${series} INSERT INTO tasks (project, id, title, description, dependencies, priority, labels, files, status, output, error, progress, attempts,
         claim, claim_agent, claim_expires_at, created_at, updated_at, seq)
       SELECT @project, 'hist-' || n, @title, '', '[]', 0, '[]', '[]', 'done', NULL, NULL, NULL, 1, NULL, NULL, NULL, @now, @now, n FROM g`,
    ).run({ count: tasks, project, title: taskTitle, now });
    db.prepare(`${series} INSERT INTO events (project, id, type, actor, subject, data, at) SELECT @project, n, 'task.completed', 'agent-0', 'hist-' || (n % @tasks + 1), @data, @now FROM g`)
      .run({ count: events, project, tasks, data: eventData, now });
  });
  const writeIdle = db.transaction((count: number, now: number) => {
    db.prepare(`${series} INSERT INTO projects (id, created_at, rev) SELECT 'idle-' || n, @now, 1 FROM g`).run({ count, now });
    db.prepare(
      `${series} INSERT INTO members (project, id, name, kind, modules, metadata, activity, current_file, registered_at, last_heartbeat, ended_at, end_reason, service)
       SELECT 'idle-' || n, 'agent-0', 'agent-0', 'agent', '[]', '{}', 'idle', NULL, @now, @now, NULL, NULL, NULL FROM g`,
    ).run({ count, now });
  });
  return {
    history(project, tasks, events) {
      writeHistory.immediate(project, tasks, events, Date.now());
      return Promise.resolve();
    },
    idle(count) {
      writeIdle.immediate(count, Date.now());
      return Promise.resolve();
    },
    close() {
      db.close();
      return Promise.resolve();
    },
  };
}

/** PostgreSQL: one connection on the store's schema. */
export async function postgresSeeder(url: string, schema: string): Promise<HistorySeeder> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  const inTransaction = async (statements: [string, unknown[]][]): Promise<void> => {
    await client.query('BEGIN');
    try {
      for (const [text, values] of statements) await client.query(text, values);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  };
  return {
    history(project, tasks, events) {
      const now = Date.now();
      return inTransaction([
        ['INSERT INTO projects (id, created_at, last_event_id, oldest_event_id, seq_token, seq_ticket, seq_task, rev) VALUES ($1, $2, $3, 1, 0, 0, $4, 1)', [project, now, events, tasks]],
        [
          `INSERT INTO tasks (project, id, title, description, dependencies, priority, labels, files, status, output, error, progress, attempts,
             claim, claim_agent, claim_expires_at, created_at, updated_at, seq)
           SELECT $1, 'hist-' || g, $2, '', '[]', 0, '[]', '[]', 'done', NULL, NULL, NULL, 1, NULL, NULL, NULL, $3, $3, g FROM generate_series(1, $4::bigint) AS g`,
          [project, taskTitle, now, tasks],
        ],
        [
          `INSERT INTO events (project, id, type, actor, subject, data, at)
           SELECT $1, g, 'task.completed', 'agent-0', 'hist-' || (g % $2 + 1), $3::json, $4 FROM generate_series(1, $5::bigint) AS g`,
          [project, tasks, eventData, now, events],
        ],
      ]);
    },
    idle(count) {
      const now = Date.now();
      return inTransaction([
        ["INSERT INTO projects (id, created_at, rev) SELECT 'idle-' || g, $1, 1 FROM generate_series(1, $2::bigint) AS g", [now, count]],
        [
          `INSERT INTO members (project, id, name, kind, modules, metadata, activity, current_file, registered_at, last_heartbeat, ended_at, end_reason, service)
           SELECT 'idle-' || g, 'agent-0', 'agent-0', 'agent', '[]', '{}', 'idle', NULL, $1, $1, NULL, NULL, NULL FROM generate_series(1, $2::bigint) AS g`,
          [now, count],
        ],
      ]);
    },
    close: () => client.end(),
  };
}

/** Rows per server-side loop: a script blocks Redis while it runs, and others may share the server. */
const REDIS_CHUNK = 10_000;
const IDLE_PIPELINE = 500;

/** Appends stream entries `<from..to>-0` {t, e} (the events of keys.ts). KEYS stream; ARGV from to type json. */
const APPEND_EVENTS = `
for i = tonumber(ARGV[1]), tonumber(ARGV[2]) do
  redis.call('XADD', KEYS[1], string.format('%d-0', i), 't', ARGV[3], 'e', ARGV[4])
end
return 0`;

/** Writes done tasks `hist-<from..to>`: record, status:done and taskSeq. KEYS tasks done taskSeq; ARGV from to json-before-id json-between json-after-seq. */
const ADD_TASKS = `
for i = tonumber(ARGV[1]), tonumber(ARGV[2]) do
  local n = string.format('%d', i)
  local id = 'hist-' .. n
  redis.call('HSET', KEYS[1], id, ARGV[3] .. n .. ARGV[4] .. n .. ARGV[5])
  redis.call('ZADD', KEYS[2], i, id)
  redis.call('ZADD', KEYS[3], i, id)
end
return 0`;

/** Redis: the store's keys under `prefix` (keys.ts), written by short scripts and pipelines. */
export function redisSeeder(url: string, prefix: string): HistorySeeder {
  const client = new Redis(url, { maxRetriesPerRequest: 3 });
  const keys = createKeys(prefix);
  const chunks = async (count: number, write: (from: number, to: number) => Promise<unknown>): Promise<void> => {
    for (let from = 1; from <= count; from += REDIS_CHUNK) await write(from, Math.min(count, from + REDIS_CHUNK - 1));
  };
  return {
    async history(project, tasks, events) {
      const now = Date.now();
      const k = keys.project(project);
      const event = JSON.stringify({ type: 'task.completed', actor: 'agent-0', subject: 'hist-1', data: JSON.parse(eventData) as unknown, at: now });
      const task = {
        project, id: '#', title: taskTitle, description: '', dependencies: [], priority: 0, labels: [], files: [], status: 'done', output: null, error: null, progress: null,
        attempts: 1, claim: null, createdAt: now, updatedAt: now, seq: 0,
      };
      // The id and seq go in by the script: the record is cut around them.
      const [beforeId = '', afterId = ''] = JSON.stringify(task).split('"#"');
      const [between = '', afterSeq = ''] = afterId.split('"seq":0');
      await chunks(tasks, (from, to) => client.eval(ADD_TASKS, 3, k.tasks, k['status:done'], k.taskSeq, from, to, `${beforeId}"hist-`, `"${between}"seq":`, afterSeq));
      await chunks(events, (from, to) => client.eval(APPEND_EVENTS, 1, k.events, from, to, 'task.completed', event));
      await client.pipeline()
        .hset(k.meta, 'rev', 1, 'created', now, 'seq:token', 0, 'seq:ticket', 0, 'seq:task', tasks, 'last', events, 'oldest', 1)
        .sadd(keys.projects, project)
        .zadd(keys.logLength, events - 1, project)
        .exec();
    },
    async idle(count) {
      const now = Date.now();
      for (let from = 1; from <= count; from += IDLE_PIPELINE) {
        const pipeline = client.pipeline();
        for (let n = from; n < Math.min(count + 1, from + IDLE_PIPELINE); n++) {
          const project = idleProject(n);
          const k = keys.project(project);
          const member = { project, id: 'agent-0', name: 'agent-0', kind: 'agent', modules: [], metadata: {}, activity: 'idle', currentFile: null, registeredAt: now, lastHeartbeat: now, endedAt: null, endReason: null, service: null };
          pipeline
            .hset(k.meta, 'rev', 1, 'created', now, 'seq:token', 0, 'seq:ticket', 0, 'seq:task', 0, 'last', 0, 'oldest', 1)
            .sadd(keys.projects, project)
            .hset(k.members, 'agent-0', JSON.stringify(member))
            .zadd(k.memberBeats, now, 'agent-0')
            .zadd(keys.beats, now, project)
            .zadd(keys.logLength, -1, project);
        }
        await pipeline.exec();
      }
    },
    async close() {
      await client.quit();
    },
  };
}
