DELETE FROM limit_holds WHERE key = ? AND holder = ?
