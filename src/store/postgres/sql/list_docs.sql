-- A kind's docs by sort (docs_by_sort); the filtered reads have their own statements, so each
-- prepared plan is one index range (a generic plan cannot choose between them by parameter).
SELECT * FROM docs WHERE project = $1 AND kind = $2 AND sort >= $3 AND sort <= $4 ORDER BY sort, id LIMIT $5::BIGINT
