SELECT count(*) AS n FROM state WHERE project = $1 AND scope = $2 AND starts_with(key, $3) AND (expires_at IS NULL OR expires_at > $4)
