SELECT * FROM leases WHERE project = ? ORDER BY token
