SELECT * FROM waiters WHERE project = ? ORDER BY ticket
