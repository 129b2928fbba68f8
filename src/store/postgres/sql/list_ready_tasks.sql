SELECT * FROM tasks WHERE project = $1 AND status = 'ready' ORDER BY priority DESC, seq
