-- @statuses is a JSON array of statuses, or NULL for every status.
SELECT * FROM tasks WHERE project = @project AND (@statuses IS NULL OR status IN (SELECT value FROM json_each(@statuses))) ORDER BY seq
