DELETE FROM events WHERE project = ? AND id < ?
