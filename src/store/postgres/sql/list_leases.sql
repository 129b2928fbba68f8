SELECT * FROM leases WHERE project = $1 AND ($2::TEXT IS NULL OR kind = $2) AND expires_at > $3 ORDER BY token
