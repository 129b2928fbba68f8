SELECT * FROM tasks WHERE project = ? AND status = 'claimed' AND claim_agent = ? ORDER BY +seq
