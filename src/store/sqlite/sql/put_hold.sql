INSERT INTO limit_holds (key, holder, expires_at) VALUES (@key, @holder, @expires_at)
ON CONFLICT (key, holder) DO UPDATE SET expires_at = excluded.expires_at
