SELECT * FROM members WHERE project = ? ORDER BY registered_at, id
