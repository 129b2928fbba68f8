SELECT apply_plan($1, $2, $3::JSON, $4) AS rev
