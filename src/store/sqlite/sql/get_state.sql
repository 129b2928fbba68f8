SELECT * FROM state WHERE project = ? AND scope = ? AND key = ?
