INSERT INTO events (project, id, type, actor, subject, data, at) VALUES (?, ?, ?, ?, ?, ?, ?)
