-- @statuses is a JSON array of statuses, or NULL for every status; tasks after @after, in insertion order.
SELECT * FROM tasks WHERE project = @project AND seq > @after AND (@statuses IS NULL OR status IN (SELECT value FROM json_each(@statuses))) ORDER BY seq LIMIT @limit
