SELECT * FROM members WHERE project = ? AND end_reason IS NULL AND last_heartbeat < ? ORDER BY registered_at, id
