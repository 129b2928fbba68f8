SELECT scope, COUNT(*) AS keys FROM state WHERE project = ? AND (expires_at IS NULL OR expires_at > ?) GROUP BY scope ORDER BY scope
