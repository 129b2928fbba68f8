DELETE FROM leases WHERE project = ? AND id = ?
