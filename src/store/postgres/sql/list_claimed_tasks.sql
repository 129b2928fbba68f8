SELECT * FROM tasks WHERE project = $1 AND status = 'claimed' ORDER BY seq
