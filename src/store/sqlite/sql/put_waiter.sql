INSERT OR REPLACE INTO waiters (project, ticket, kind, holder, request, enqueued_at, deadline, active_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
