SELECT rev FROM projects WHERE id = $1
