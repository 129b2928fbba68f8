SELECT * FROM state WHERE project = $1 AND scope = $2 AND starts_with(key, $3) AND ($6::text IS NULL OR key > $6) AND (expires_at IS NULL OR expires_at > $4) ORDER BY key LIMIT $5
