SELECT * FROM events WHERE project = ? AND id > ? ORDER BY id LIMIT ?
