SELECT * FROM state WHERE project = ? AND scope = ? ORDER BY key
