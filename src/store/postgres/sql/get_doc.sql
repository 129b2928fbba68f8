SELECT * FROM docs WHERE project = $1 AND kind = $2 AND id = $3
