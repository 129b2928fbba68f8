SELECT scope, count(*) AS keys FROM state WHERE project = $1 AND (expires_at IS NULL OR expires_at > $2) GROUP BY scope ORDER BY scope
