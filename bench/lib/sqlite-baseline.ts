/**
 * @module The raw SQLite baseline: plain better-sqlite3 on Baton's own schema and
 * pragmas, doing the least writes a lock pair or a task pair needs, one
 * `BEGIN IMMEDIATE` transaction per operation. It is what the hub would cost with
 * no validation, no domain rules and no group commit, so hub/raw says what those
 * layers cost (one caller) or gain (many callers).
 */
import Database from 'better-sqlite3';
import { migrate } from '../../src/store/sqlite/migrate.js';

export interface SqliteBaseline {
  /** Acquire (lease row, token and event counters, event) then release (delete, event): two transactions. */
  lockPair(worker: number): void;
  /** Adds `count` ready tasks in one transaction. */
  preloadTasks(count: number): void;
  /** Claims the best ready task then completes it: two transactions. False when none is ready. */
  taskPair(worker: number): boolean;
  close(): void;
}

/** Opens (creating and migrating) a database file; every row goes to `project`. */
export function openSqliteBaseline(path: string, synchronous: 'NORMAL' | 'FULL' = 'NORMAL', project = 'bench'): SqliteBaseline {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = OFF');
  migrate(db);
  db.prepare('INSERT OR IGNORE INTO projects (id, created_at) VALUES (?, ?)').run(project, Date.now());

  const bumpTokenAndEvent = db.prepare('UPDATE projects SET seq_token = seq_token + 1, last_event_id = last_event_id + 1 WHERE id = ? RETURNING seq_token AS token, last_event_id AS event');
  const bumpEvent = db.prepare('UPDATE projects SET last_event_id = last_event_id + 1 WHERE id = ? RETURNING last_event_id AS event');
  const insertEvent = db.prepare('INSERT INTO events (project, id, type, actor, subject, data, at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insertLease = db.prepare(
    `INSERT INTO leases (project, id, kind, resource, paths, holder, mode, holder_limit, token, acquired_at, expires_at, ttl_ms, reason)
     VALUES (?, ?, 'lock', ?, '[]', ?, 'exclusive', NULL, ?, ?, ?, ?, NULL)`,
  );
  const deleteLease = db.prepare('DELETE FROM leases WHERE project = ? AND id = ?');
  const insertTask = db.prepare(
    `INSERT INTO tasks (project, id, title, description, dependencies, priority, labels, files, status, output, error, progress, attempts, claim, claim_agent, claim_expires_at, created_at, updated_at, seq)
     VALUES (?, ?, ?, '', '[]', 0, '[]', '[]', 'ready', NULL, NULL, NULL, 0, NULL, NULL, NULL, ?, ?, ?)`,
  );
  const bestReady = db.prepare("SELECT id, attempts FROM tasks WHERE project = ? AND status = 'ready' ORDER BY priority DESC, seq LIMIT 1");
  const claimTask = db.prepare("UPDATE tasks SET status = 'claimed', attempts = ?, claim = ?, claim_agent = ?, claim_expires_at = ?, updated_at = ? WHERE project = ? AND id = ?");
  const completeTask = db.prepare("UPDATE tasks SET status = 'done', claim = NULL, claim_agent = NULL, claim_expires_at = NULL, updated_at = ? WHERE project = ? AND id = ? AND status = 'claimed'");
  const ttlMs = 15 * 60_000;

  const acquire = db.transaction((holder: string, resource: string) => {
    const now = Date.now();
    const { token, event } = bumpTokenAndEvent.get(project) as { token: number; event: number };
    insertLease.run(project, `lock:${resource}:${holder}`, resource, holder, token, now, now + ttlMs, ttlMs);
    const data = { kind: 'lock', resource, holder, token, mode: 'exclusive', expires_at: now + ttlMs, from_queue: false };
    insertEvent.run(project, event, 'lease.acquired', holder, resource, JSON.stringify(data), now);
    return token;
  });
  const release = db.transaction((holder: string, resource: string, token: number) => {
    const now = Date.now();
    deleteLease.run(project, `lock:${resource}:${holder}`);
    const { event } = bumpEvent.get(project) as { event: number };
    insertEvent.run(project, event, 'lease.released', holder, resource, JSON.stringify({ kind: 'lock', resource, holder, token }), now);
  });
  const claim = db.transaction((agent: string): { id: string; token: number } | null => {
    const now = Date.now();
    const task = bestReady.get(project) as { id: string; attempts: number } | undefined;
    if (!task) return null;
    const { token, event } = bumpTokenAndEvent.get(project) as { token: number; event: number };
    const claimRecord = { agent, token, claimedAt: now, expiresAt: now + ttlMs, ttlMs };
    claimTask.run(task.attempts + 1, JSON.stringify(claimRecord), agent, now + ttlMs, now, project, task.id);
    insertEvent.run(project, event, 'task.claimed', agent, task.id, JSON.stringify({ agent, token, attempts: task.attempts + 1 }), now);
    return { id: task.id, token };
  });
  const complete = db.transaction((agent: string, id: string) => {
    const now = Date.now();
    completeTask.run(now, project, id);
    const { event } = bumpEvent.get(project) as { event: number };
    insertEvent.run(project, event, 'task.completed', agent, id, JSON.stringify({ agent }), now);
  });
  let seq = (db.prepare('SELECT seq_task FROM projects WHERE id = ?').get(project) as { seq_task: number }).seq_task;

  return {
    lockPair(worker) {
      const holder = `agent-${worker}`;
      const resource = `bench-${worker}`;
      release.immediate(holder, resource, acquire.immediate(holder, resource));
    },
    preloadTasks(count) {
      db.transaction(() => {
        const now = Date.now();
        for (let i = 0; i < count; i++) {
          seq++;
          insertTask.run(project, `task-${seq}`, `Task ${seq}`, now, now, seq);
        }
        db.prepare('UPDATE projects SET seq_task = ? WHERE id = ?').run(seq, project);
      }).immediate();
    },
    taskPair(worker) {
      const agent = `agent-${worker}`;
      const claimed = claim.immediate(agent);
      if (!claimed) return false;
      complete.immediate(agent, claimed.id);
      return true;
    },
    close() {
      db.close();
    },
  };
}
