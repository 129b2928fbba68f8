SELECT COUNT(*) AS n FROM waiters WHERE project = ? AND deadline > ?
