INSERT OR REPLACE INTO docs (project, kind, id, owner, status, sort, expires_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
