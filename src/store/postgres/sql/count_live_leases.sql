SELECT kind, count(*) AS n FROM leases WHERE project = $1 AND expires_at > $2 GROUP BY kind
