-- Every project's log head: what the LISTEN connection catches up from each time it starts listening.
SELECT id, last_event_id FROM projects
