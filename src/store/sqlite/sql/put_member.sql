INSERT OR REPLACE INTO members (project, id, name, kind, modules, metadata, activity, current_file, registered_at, last_heartbeat, ended_at, end_reason, service)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
