SELECT * FROM events WHERE project = @project AND id > @after AND type IN (SELECT value FROM json_each(@types)) ORDER BY id LIMIT @limit
