INSERT OR REPLACE INTO requests (project, caller, request_id, fingerprint, result, created_at) VALUES (?, ?, ?, ?, ?, ?)
