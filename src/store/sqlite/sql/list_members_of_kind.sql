SELECT * FROM members WHERE project = ? AND kind = ? ORDER BY registered_at, id
