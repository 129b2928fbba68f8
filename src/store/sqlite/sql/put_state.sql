INSERT OR REPLACE INTO state (project, scope, key, value, version, updated_at, updated_by, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
