SELECT * FROM leases WHERE project = ? AND holder = ? ORDER BY token
