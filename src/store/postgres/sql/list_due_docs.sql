SELECT * FROM docs WHERE project = $1 AND expires_at IS NOT NULL AND expires_at <= $2 ORDER BY expires_at, sort, id LIMIT $3
