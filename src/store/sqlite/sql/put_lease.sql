INSERT OR REPLACE INTO leases (project, id, kind, resource, paths, holder, mode, holder_limit, token, acquired_at, expires_at, ttl_ms, reason)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
