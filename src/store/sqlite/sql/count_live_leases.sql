SELECT kind, COUNT(*) AS n FROM leases WHERE project = ? AND expires_at > ? GROUP BY kind
