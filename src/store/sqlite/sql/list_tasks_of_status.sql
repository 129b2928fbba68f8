-- Tasks in one status after @after, in insertion order (by tasks_of_status: finished tasks cost nothing).
SELECT * FROM tasks WHERE project = @project AND status = @status AND seq > @after ORDER BY seq LIMIT @limit
