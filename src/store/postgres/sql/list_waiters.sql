SELECT * FROM waiters WHERE project = $1 AND ($2::TEXT IS NULL OR kind = $2) AND deadline > $3 ORDER BY ticket
