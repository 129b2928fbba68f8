INSERT OR IGNORE INTO task_dependencies (project, depends_on, task_id) VALUES (?, ?, ?)
