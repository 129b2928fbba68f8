UPDATE projects SET rev = ?, seq_token = ?, seq_ticket = ?, seq_task = ?, last_event_id = ?, oldest_event_id = ? WHERE id = ?
