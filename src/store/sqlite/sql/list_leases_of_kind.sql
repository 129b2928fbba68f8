SELECT * FROM leases WHERE project = ? AND kind = ? ORDER BY token
