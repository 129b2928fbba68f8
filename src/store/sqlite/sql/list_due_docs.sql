SELECT * FROM docs WHERE project = ? AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at, sort, id LIMIT ?
