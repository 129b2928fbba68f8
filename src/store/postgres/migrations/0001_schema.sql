-- Baton PostgreSQL schema, version 1.
-- Purpose: every table the transactional repository reads and writes, created in
-- the store's schema (migrate.ts sets search_path and applies this once, inside a
-- transaction, under an advisory lock; the version goes into schema_migrations).
-- JSON columns use `json` (keeps the caller's key order, unlike jsonb); times are
-- epoch milliseconds in BIGINT. Text that is sorted or matched by prefix uses
-- COLLATE "C" so order is by code point, as in SQLite, whatever the database locale.

CREATE TABLE projects (
  id TEXT COLLATE "C" PRIMARY KEY,
  created_at BIGINT NOT NULL,
  last_event_id BIGINT NOT NULL DEFAULT 0,
  oldest_event_id BIGINT NOT NULL DEFAULT 1,
  seq_token BIGINT NOT NULL DEFAULT 0,
  seq_ticket BIGINT NOT NULL DEFAULT 0,
  seq_task BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE events (
  project TEXT COLLATE "C" NOT NULL,
  id BIGINT NOT NULL,
  type TEXT NOT NULL,
  actor TEXT,
  subject TEXT NOT NULL,
  data JSON NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (project, id)
);

CREATE TABLE requests (
  project TEXT COLLATE "C" NOT NULL,
  request_id TEXT COLLATE "C" NOT NULL,
  result JSON NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (project, request_id)
);
CREATE INDEX requests_age ON requests (project, created_at);

CREATE TABLE members (
  project TEXT COLLATE "C" NOT NULL,
  id TEXT COLLATE "C" NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  modules JSON NOT NULL,
  metadata JSON NOT NULL,
  activity TEXT NOT NULL,
  current_file TEXT,
  registered_at BIGINT NOT NULL,
  last_heartbeat BIGINT NOT NULL,
  ended_at BIGINT,
  end_reason TEXT,
  service JSON,
  PRIMARY KEY (project, id)
);
CREATE INDEX members_silent ON members (project, last_heartbeat) WHERE end_reason IS NULL;

CREATE TABLE leases (
  project TEXT COLLATE "C" NOT NULL,
  id TEXT COLLATE "C" NOT NULL,
  kind TEXT NOT NULL,
  resource TEXT COLLATE "C" NOT NULL,
  paths JSON NOT NULL,
  holder TEXT COLLATE "C" NOT NULL,
  mode TEXT NOT NULL,
  holder_limit BIGINT,
  token BIGINT NOT NULL,
  acquired_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  ttl_ms BIGINT NOT NULL,
  reason TEXT,
  PRIMARY KEY (project, id)
);
CREATE INDEX leases_kind ON leases (project, kind, token);
CREATE INDEX leases_holder ON leases (project, holder);

CREATE TABLE waiters (
  project TEXT COLLATE "C" NOT NULL,
  ticket BIGINT NOT NULL,
  kind TEXT NOT NULL,
  holder TEXT COLLATE "C" NOT NULL,
  request JSON NOT NULL,
  enqueued_at BIGINT NOT NULL,
  deadline BIGINT NOT NULL,
  PRIMARY KEY (project, ticket)
);

CREATE TABLE tasks (
  project TEXT COLLATE "C" NOT NULL,
  id TEXT COLLATE "C" NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  dependencies JSON NOT NULL,
  priority BIGINT NOT NULL,
  labels JSON NOT NULL,
  files JSON NOT NULL,
  status TEXT NOT NULL,
  output JSON,
  error TEXT,
  progress TEXT,
  attempts BIGINT NOT NULL,
  claim JSON,
  claim_agent TEXT COLLATE "C",
  claim_expires_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  PRIMARY KEY (project, id)
);
CREATE INDEX tasks_by_status ON tasks (project, status, priority DESC, seq);
CREATE INDEX tasks_claims ON tasks (project, claim_agent) WHERE status = 'claimed';
CREATE INDEX tasks_claim_expiry ON tasks (project, claim_expires_at) WHERE status = 'claimed';

CREATE TABLE task_dependencies (
  project TEXT COLLATE "C" NOT NULL,
  depends_on TEXT COLLATE "C" NOT NULL,
  task_id TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (project, depends_on, task_id)
);

CREATE TABLE state (
  project TEXT COLLATE "C" NOT NULL,
  scope TEXT COLLATE "C" NOT NULL,
  key TEXT COLLATE "C" NOT NULL,
  value JSON NOT NULL,
  version BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  updated_by TEXT,
  expires_at BIGINT,
  PRIMARY KEY (project, scope, key)
);
CREATE INDEX state_expiry ON state (project, expires_at) WHERE expires_at IS NOT NULL;
