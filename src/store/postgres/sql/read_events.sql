-- The log's bounds and a page of it in one statement (one snapshot); no row when the project does not exist.
SELECT p.last_event_id, p.oldest_event_id, e.id, e.type, e.actor, e.subject, e.data, e.at
FROM projects p LEFT JOIN LATERAL (
  SELECT * FROM events WHERE project = p.id AND id > $2 AND ($4::TEXT[] IS NULL OR type = ANY($4)) ORDER BY id LIMIT $3
) e ON TRUE WHERE p.id = $1 ORDER BY e.id
