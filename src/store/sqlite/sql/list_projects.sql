SELECT id FROM projects ORDER BY id
