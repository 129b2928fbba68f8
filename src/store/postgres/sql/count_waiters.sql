SELECT count(*) AS n FROM waiters WHERE project = $1 AND deadline > $2
