SELECT * FROM tasks WHERE project = ? AND status = 'claimed' AND claim_expires_at <= ? ORDER BY seq
