SELECT * FROM projects WHERE id = $1
