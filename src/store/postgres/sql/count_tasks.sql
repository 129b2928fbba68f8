SELECT status, count(*) AS n FROM tasks WHERE project = $1 GROUP BY status
