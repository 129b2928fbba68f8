-- $2: statuses, or NULL for every status; tasks after seq $3, in insertion order, at most $4.
SELECT * FROM tasks WHERE project = $1 AND ($2::TEXT[] IS NULL OR status = ANY($2)) AND seq > $3 ORDER BY seq LIMIT $4
