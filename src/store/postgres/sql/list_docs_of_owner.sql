SELECT * FROM docs WHERE project = $1 AND kind = $2 AND owner = $6 AND sort >= $3 AND sort <= $4 ORDER BY sort, id LIMIT $5::BIGINT
