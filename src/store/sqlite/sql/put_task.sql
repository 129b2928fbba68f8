INSERT OR REPLACE INTO tasks (project, id, title, description, dependencies, priority, labels, files, status, output, error, progress, attempts,
  claim, claim_agent, claim_expires_at, created_at, updated_at, seq)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
