SELECT * FROM tasks WHERE project = ? AND status = 'ready' ORDER BY priority DESC, seq LIMIT ?
