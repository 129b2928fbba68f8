-- Baton SQLite schema, version 4.
-- Purpose: the consultation layer's one generic table (intents, threads, posts, deliveries,
-- file edits, the dependency map, action lines). Lists read a kind by owner or status in
-- sort order; the sweep finds what is due through the expiry index across projects.
CREATE TABLE docs (
  project TEXT NOT NULL,
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  owner TEXT,
  status TEXT NOT NULL,
  sort INTEGER NOT NULL,
  expires_at INTEGER,
  body TEXT NOT NULL,
  PRIMARY KEY (project, kind, id)
) WITHOUT ROWID;
CREATE INDEX docs_by_sort ON docs (project, kind, sort, id);
CREATE INDEX docs_by_owner ON docs (project, kind, owner, sort, id);
CREATE INDEX docs_by_status ON docs (project, kind, status, sort, id);
CREATE INDEX docs_expiring ON docs (expires_at) WHERE expires_at IS NOT NULL;
