DELETE FROM requests WHERE created_at < ?
