-- Baton PostgreSQL schema, version 2.
-- Purpose: acquire reads only the leases related to the requested name (the same
-- name, its ancestors, its descendants by range); this index serves those lookups.
CREATE INDEX leases_resource ON leases (project, kind, resource);
