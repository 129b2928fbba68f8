-- Baton SQLite schema, version 1.
-- Purpose: every table the transactional repository reads and writes. Applied once
-- by migrate.ts inside a transaction; the version is recorded in schema_migrations.
-- JSON columns hold TEXT; times are epoch milliseconds.

CREATE TABLE projects (
  id TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  last_event_id INTEGER NOT NULL DEFAULT 0,
  oldest_event_id INTEGER NOT NULL DEFAULT 1,
  seq_token INTEGER NOT NULL DEFAULT 0,
  seq_ticket INTEGER NOT NULL DEFAULT 0,
  seq_task INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE events (
  project TEXT NOT NULL,
  id INTEGER NOT NULL,
  type TEXT NOT NULL,
  actor TEXT,
  subject TEXT NOT NULL,
  data TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (project, id)
) WITHOUT ROWID;

CREATE TABLE requests (
  project TEXT NOT NULL,
  request_id TEXT NOT NULL,
  result TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (project, request_id)
) WITHOUT ROWID;

CREATE TABLE members (
  project TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  modules TEXT NOT NULL,
  metadata TEXT NOT NULL,
  activity TEXT NOT NULL,
  current_file TEXT,
  registered_at INTEGER NOT NULL,
  last_heartbeat INTEGER NOT NULL,
  ended_at INTEGER,
  end_reason TEXT,
  service TEXT,
  PRIMARY KEY (project, id)
) WITHOUT ROWID;
CREATE INDEX members_silent ON members (project, last_heartbeat) WHERE end_reason IS NULL;

CREATE TABLE leases (
  project TEXT NOT NULL,
  id TEXT NOT NULL,
  kind TEXT NOT NULL,
  resource TEXT NOT NULL,
  paths TEXT NOT NULL,
  holder TEXT NOT NULL,
  mode TEXT NOT NULL,
  holder_limit INTEGER,
  token INTEGER NOT NULL,
  acquired_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  ttl_ms INTEGER NOT NULL,
  reason TEXT,
  PRIMARY KEY (project, id)
) WITHOUT ROWID;
CREATE INDEX leases_kind ON leases (project, kind);
CREATE INDEX leases_holder ON leases (project, holder);

CREATE TABLE waiters (
  project TEXT NOT NULL,
  ticket INTEGER NOT NULL,
  kind TEXT NOT NULL,
  holder TEXT NOT NULL,
  request TEXT NOT NULL,
  enqueued_at INTEGER NOT NULL,
  deadline INTEGER NOT NULL,
  PRIMARY KEY (project, ticket)
) WITHOUT ROWID;

CREATE TABLE tasks (
  project TEXT NOT NULL,
  id TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  dependencies TEXT NOT NULL,
  priority INTEGER NOT NULL,
  labels TEXT NOT NULL,
  files TEXT NOT NULL,
  status TEXT NOT NULL,
  output TEXT,
  error TEXT,
  progress TEXT,
  attempts INTEGER NOT NULL,
  claim TEXT,
  claim_agent TEXT,
  claim_expires_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (project, id)
) WITHOUT ROWID;
CREATE INDEX tasks_by_status ON tasks (project, status, priority DESC, seq);
CREATE INDEX tasks_claims ON tasks (project, claim_agent) WHERE status = 'claimed';

CREATE TABLE task_dependencies (
  project TEXT NOT NULL,
  depends_on TEXT NOT NULL,
  task_id TEXT NOT NULL,
  PRIMARY KEY (project, depends_on, task_id)
) WITHOUT ROWID;

CREATE TABLE state (
  project TEXT NOT NULL,
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT,
  expires_at INTEGER,
  PRIMARY KEY (project, scope, key)
) WITHOUT ROWID;
CREATE INDEX state_expiry ON state (project, expires_at) WHERE expires_at IS NOT NULL;
