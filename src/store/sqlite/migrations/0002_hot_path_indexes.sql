-- Baton SQLite schema, version 2.
-- Purpose: indexes for the queries every claim and every sweep runs. Without the
-- partial index the planner scanned the project's whole task table for lapsed
-- claims (0.7 ms per claim at 5,000 tasks).
CREATE INDEX tasks_claim_expiry ON tasks (project, claim_expires_at) WHERE status = 'claimed';
CREATE INDEX requests_age ON requests (project, created_at);
-- Acquire reads only the leases related to the requested name (same, ancestors, descendants).
CREATE INDEX leases_resource ON leases (project, kind, resource);
