SELECT * FROM leases WHERE project = ? AND id = ?
