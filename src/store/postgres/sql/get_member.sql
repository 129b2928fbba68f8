SELECT * FROM members WHERE project = $1 AND id = $2
