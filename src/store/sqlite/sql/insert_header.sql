INSERT INTO projects (id, rev, created_at, seq_token, seq_ticket, seq_task, last_event_id, oldest_event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
