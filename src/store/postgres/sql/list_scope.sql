SELECT * FROM state WHERE project = $1 AND scope = $2 ORDER BY key
