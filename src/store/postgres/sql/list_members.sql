SELECT * FROM members WHERE project = $1 AND ($2::TEXT IS NULL OR kind = $2) ORDER BY registered_at, id
