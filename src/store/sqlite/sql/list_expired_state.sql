SELECT * FROM state WHERE project = ? AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY key
