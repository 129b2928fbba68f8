SELECT COUNT(*) AS n FROM state WHERE project = @project AND scope = @scope AND substr(key, 1, length(@prefix)) = @prefix AND (expires_at IS NULL OR expires_at > @now)
