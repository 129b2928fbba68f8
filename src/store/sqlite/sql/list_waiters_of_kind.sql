SELECT * FROM waiters WHERE project = ? AND kind = ? ORDER BY ticket
