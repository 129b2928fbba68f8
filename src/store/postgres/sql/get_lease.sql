SELECT * FROM leases WHERE project = $1 AND id = $2
