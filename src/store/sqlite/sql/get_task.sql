SELECT * FROM tasks WHERE project = ? AND id = ?
