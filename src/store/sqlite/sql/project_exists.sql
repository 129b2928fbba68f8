SELECT 1 AS x FROM projects WHERE id = ?
