DELETE FROM waiters WHERE project = ? AND ticket = ?
