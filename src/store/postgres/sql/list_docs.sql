SELECT * FROM docs WHERE project = $1 AND kind = $2 AND ($3::TEXT IS NULL OR owner = $3) AND ($4::TEXT IS NULL OR status = $4)
  AND sort >= coalesce($5::BIGINT, -9223372036854775807) AND sort <= coalesce($6::BIGINT, 9223372036854775807)
ORDER BY sort, id LIMIT $7::BIGINT
