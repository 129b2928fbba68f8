SELECT * FROM tasks WHERE project = $1 AND ($2::TEXT[] IS NULL OR status = ANY($2)) ORDER BY seq
