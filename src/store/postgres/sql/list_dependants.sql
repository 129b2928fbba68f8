SELECT t.* FROM task_dependencies d JOIN tasks t ON t.project = d.project AND t.id = d.task_id WHERE d.project = $1 AND d.depends_on = $2 ORDER BY t.seq
