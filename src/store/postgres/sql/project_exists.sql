SELECT 1 FROM projects WHERE id = $1
