SELECT status, COUNT(*) AS n FROM tasks WHERE project = ? GROUP BY status
