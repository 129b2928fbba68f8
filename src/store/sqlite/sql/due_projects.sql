-- Projects with something due for the sweep, once per thing due (the caller dedupes): each branch is a
-- range scan of a time index, so the cost follows what is due, not how many projects exist. UNION ALL, as a
-- plain UNION makes SQLite merge the branches in project order and scan whole tables to get that order.
-- Parameters: now, silent_before, retention (events kept).
SELECT project FROM leases WHERE expires_at <= @now
UNION ALL SELECT project FROM waiters WHERE deadline <= @now
UNION ALL SELECT project FROM tasks WHERE status = 'claimed' AND claim_expires_at <= @now
UNION ALL SELECT project FROM members WHERE end_reason IS NULL AND last_heartbeat < @silent_before
UNION ALL SELECT project FROM state WHERE expires_at IS NOT NULL AND expires_at <= @now
UNION ALL SELECT project FROM docs WHERE expires_at IS NOT NULL AND expires_at <= @now
UNION ALL SELECT id FROM projects WHERE last_event_id - oldest_event_id >= @retention
