-- Projects with something due for the sweep: each branch is a range scan of a time index, so the cost
-- follows what is due, not how many projects exist. $1 now, $2 silent-before, $3 events kept.
SELECT project FROM leases WHERE expires_at <= $1
UNION SELECT project FROM waiters WHERE deadline <= $1
UNION SELECT project FROM tasks WHERE status = 'claimed' AND claim_expires_at <= $1
UNION SELECT project FROM members WHERE end_reason IS NULL AND last_heartbeat < $2
UNION SELECT project FROM state WHERE expires_at IS NOT NULL AND expires_at <= $1
UNION SELECT project FROM docs WHERE expires_at IS NOT NULL AND expires_at <= $1
UNION SELECT id FROM projects WHERE last_event_id - oldest_event_id >= $3
