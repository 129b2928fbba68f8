-- Baton SQLite schema, version 3.
-- Purpose: the store's step engine. The project header gains `rev` (one more per
-- applied plan). Request ids are scoped to their caller and remember what was asked
-- (the fingerprint), so a reuse for another call is refused. The sweep finds what is
-- due through indexes on time columns across projects, so its cost follows what is
-- due rather than the number of projects.
ALTER TABLE projects ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
-- A queued waiter remembers when the call waiting for it ends: until its deadline after
-- that (a grace period) it keeps its place for the caller's re-call.
ALTER TABLE waiters ADD COLUMN active_until INTEGER;

DROP TABLE requests;
CREATE TABLE requests (
  project TEXT NOT NULL,
  caller TEXT NOT NULL,
  request_id TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  result TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (project, caller, request_id)
) WITHOUT ROWID;
CREATE INDEX requests_created ON requests (created_at);

CREATE INDEX leases_expiry ON leases (expires_at);
CREATE INDEX waiters_deadline ON waiters (deadline);
CREATE INDEX tasks_lapsing ON tasks (claim_expires_at) WHERE status = 'claimed';
CREATE INDEX members_heartbeat ON members (last_heartbeat) WHERE end_reason IS NULL;
CREATE INDEX state_expiring ON state (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX projects_log_length ON projects ((last_event_id - oldest_event_id));
-- Task lists page by insertion order.
CREATE INDEX tasks_by_seq ON tasks (project, seq);
