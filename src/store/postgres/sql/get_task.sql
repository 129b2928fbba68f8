SELECT * FROM tasks WHERE project = $1 AND id = $2
