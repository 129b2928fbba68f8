-- Baton SQLite schema, version 5.
-- Purpose: a kind's docs of one owner in one status, in sort order (an agent's unread deliveries
-- after its cursor), read from one index range however many docs the owner has in other statuses.
CREATE INDEX docs_by_owner_status ON docs (project, kind, owner, status, sort, id);
