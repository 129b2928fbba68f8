SELECT * FROM state WHERE project = $1 AND scope = $2 AND key = $3
