SELECT * FROM members WHERE project = ? AND id = ?
