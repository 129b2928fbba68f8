SELECT t.* FROM task_dependencies d CROSS JOIN tasks t ON t.project = d.project AND t.id = d.task_id WHERE d.project = ? AND d.depends_on = ? ORDER BY t.seq
